"""Alembic environment: gongshu's metadata, online migrations only."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from gongshu.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url is not set"
engine = create_engine(url)
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
engine.dispose()
