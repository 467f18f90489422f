"""The Alembic migrations build exactly the schema the code expects, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import Base, Store, StoredReferral, import_table_modules
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - fixtures

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    return request.getfixturevalue("postgres_url")


def differences(store: Store) -> list:
    import_table_modules()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrating_an_empty_database_gives_the_schema_the_code_expects(url):
    store = Store(url)
    store.migrate()
    # If this fails, a table or column was added without a migration:
    #   FAMILYVOICE_DB_URL=sqlite:////tmp/x.db .venv/bin/python -m alembic revision --autogenerate -m "..."
    assert differences(store) == []
    store.add_referral(StoredReferral(
        reference="FV-AAAA-BBBB", received_at=NOW, channel="sms", status="complete", priority="RED",
        emergency=False, deadline=NOW, key_id="k", suite="s", sealed=b"x",
    ))
    assert store.get("FV-AAAA-BBBB").priority == "RED"


def test_migrating_twice_changes_nothing(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'twice.db'}")
    store.migrate()
    store.migrate()
    assert differences(store) == []


def test_a_store_made_before_migrations_is_completed_and_recorded(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'legacy.db'}")
    store.create_all()
    store.migrate()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
