"""job review checklist, job disposal (return or destruction of delivered outputs)

Revision ID: 5d1e0c7a9b21
Revises: b7e1c4d2a9f0
Create Date: 2026-12-07 23:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gongshu.db

revision = "5d1e0c7a9b21"
down_revision = "b7e1c4d2a9f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checklist", sa.Text(), server_default="", nullable=False))

    op.create_table(
        "job_disposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", gongshu.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_job_disposal_job_id_job")),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], name=op.f("fk_job_disposal_org_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_disposal")),
    )
    with op.batch_alter_table("job_disposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_disposal_job_id"), ["job_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("job_disposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_disposal_job_id"))
    op.drop_table("job_disposal")

    with op.batch_alter_table("job_review", schema=None) as batch_op:
        batch_op.drop_column("checklist")
