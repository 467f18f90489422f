"""Alembic's entry point: migrate the FamilyVoice store named by FAMILYVOICE_DB_URL."""

from __future__ import annotations

from alembic import context

from bot.config import settings
from bot.store import Base, Store, import_table_modules

import_table_modules()  # every module that adds tables to Base.metadata
config = context.config
url = config.attributes.get("url") or settings().db_url


def run_migrations_online() -> None:
    engine = Store(url).engine
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
