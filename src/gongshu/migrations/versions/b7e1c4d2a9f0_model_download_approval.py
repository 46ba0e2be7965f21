"""models stay inside: the bureau's approval of a model download

Revision ID: b7e1c4d2a9f0
Revises: 98cea2c6bd5c
Create Date: 2026-12-07 23:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gongshu.db

revision = "b7e1c4d2a9f0"
down_revision = "98cea2c6bd5c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_output", schema=None) as batch_op:
        batch_op.add_column(sa.Column("download_approved_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("download_approved_at", gongshu.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job_output", schema=None) as batch_op:
        batch_op.drop_column("download_approved_at")
        batch_op.drop_column("download_approved_by")
