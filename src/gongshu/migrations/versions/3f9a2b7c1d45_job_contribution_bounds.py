"""person-level DP: the contribution bounds a developer gives a job (0: estimated privately)

Revision ID: 3f9a2b7c1d45
Revises: 5d1e0c7a9b21
Create Date: 2026-12-08 00:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3f9a2b7c1d45"
down_revision = "5d1e0c7a9b21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_per_person", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("groups_per_person", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("groups_per_person")
        batch_op.drop_column("rows_per_person")
