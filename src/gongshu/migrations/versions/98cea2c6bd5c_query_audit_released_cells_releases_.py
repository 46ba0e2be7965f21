"""query audit: released cells, releases counter

Revision ID: 98cea2c6bd5c
Revises: ace158342d03
Create Date: 2026-12-03 12:54:25.659199
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "98cea2c6bd5c"
down_revision = "ace158342d03"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("privacy_budget", schema=None) as batch_op:
        batch_op.add_column(sa.Column("releases", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("query_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cells_source", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cells", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("query_record", schema=None) as batch_op:
        batch_op.drop_column("cells")
        batch_op.drop_column("cells_source")

    with op.batch_alter_table("privacy_budget", schema=None) as batch_op:
        batch_op.drop_column("releases")
