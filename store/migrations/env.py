"""Alembic environment: the URL comes from the caller's config, the metadata from store.models."""

from alembic import context
from sqlalchemy import create_engine, pool

import pgvector.sqlalchemy  # noqa: F401  (registers the vector type for autogenerate)
from store.models import Base
import store.models_brands  # noqa: F401  (its tables belong to the metadata)

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("alembic: sqlalchemy.url is not set")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
