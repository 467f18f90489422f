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


def head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.config import PROJECT_ROOT

    return ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()


def test_referrals_stored_before_signing_are_kept_by_the_upgrade(tmp_path):
    # Given a store at the first migration, holding a referral (unsigned, as then)
    from alembic import command
    from alembic.config import Config

    from bot.config import PROJECT_ROOT

    store = Store(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = str(store.engine.url)
    command.upgrade(config, "0001")
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO referrals (reference, received_at, channel, status, priority, priority_rank,"
            " emergency, deadline, key_id, suite, sealed) VALUES ('FV-OLD1-AAAA', '2026-01-01 10:00:00',"
            " 'sms', 'complete', 'AMBER', 2, 0, '2026-01-02 10:00:00', 'k', 's', x'00')"
        )
    # When it is upgraded
    store.migrate()
    # Then the referral is still there, at its first rating, with no signature to show
    old = store.get("FV-OLD1-AAAA")
    assert old.priority == "AMBER" and old.revision == 0 and old.origin is None


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
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head()
