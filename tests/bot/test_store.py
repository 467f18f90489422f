"""The store, on SQLite and on PostgreSQL: the queue's order, and nothing readable at rest.

PostgreSQL tests use a fresh schema per test (dropped afterwards) in the database named by
FAMILYVOICE_TEST_POSTGRES_URL (default: the local test server). If that server is unreachable
they are skipped, unless CI=true, when they fail: CI must test both back ends.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from bot.referral import Child, Concern, Referral, Reporter
from bot.sealing import SUITE_NAME, key_id, open_sealed, seal
from bot.store import DuplicateReference, Store, StoredReferral, UnknownReference

POSTGRES_URL = os.environ.get(
    "FAMILYVOICE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
UTC = dt.timezone.utc
NOON = dt.datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
CANARY = "Zebedee Quartermaine-Canary"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Engine]:
    engine = create_engine(POSTGRES_URL, future=True, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        engine.dispose()
        where = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        message = f"PostgreSQL at {where} is unreachable: {reason}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(f"{message}; set FAMILYVOICE_TEST_POSTGRES_URL or start the server")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: Engine) -> Iterator[str]:
    """A fresh, empty schema for one test; the session's time zone is deliberately not UTC."""
    schema = f"fv_test_{secrets.token_hex(6)}"
    with postgres_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict(
        {"options": f"-csearch_path={schema} -ctimezone=Asia/Kolkata"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with postgres_admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'data' / 'familyvoice.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    created = Store(url)
    created.create_all()
    yield created
    created.engine.dispose()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "familyvoice.sqlite"


def stored(
    reference: str,
    priority: str = "GREEN",
    *,
    deadline: dt.datetime = NOON,
    status: str = "complete",
    received_at: dt.datetime = NOON - dt.timedelta(hours=1),
    sealed: bytes = b"\x00sealed",
    conversation_key: str | None = None,
) -> StoredReferral:
    return StoredReferral(
        reference=reference,
        received_at=received_at,
        channel="sms",
        status=status,
        priority=priority,
        emergency=False,
        deadline=deadline,
        key_id="0123456789abcdef",
        suite=SUITE_NAME,
        sealed=sealed,
        conversation_key=conversation_key,
    )


def canary_referral(private_key: X25519PrivateKey, reference: str) -> StoredReferral:
    referral = Referral(
        reference=reference,
        received_at=NOON.isoformat(),
        channel="webchat",
        priority="RED",
        child=Child(name=CANARY, age_text="eight months"),
        concern=Concern(description=f"{CANARY} had a bruise on his cheek"),
        reporter=Reporter(name="Nan", contact="+447700900123"),
    )
    public_key = private_key.public_key()
    return StoredReferral(
        reference=reference,
        received_at=NOON,
        channel="webchat",
        status="complete",
        priority="RED",
        emergency=False,
        deadline=NOON + dt.timedelta(hours=4),
        key_id=key_id(public_key),
        suite=SUITE_NAME,
        sealed=seal(referral.to_json().encode("utf-8"), public_key, reference),
    )


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_is_red_amber_green_then_nearest_deadline(store: Store) -> None:
    # Given referrals of every priority, stored in no particular order
    hours = lambda n: NOON + dt.timedelta(hours=n)  # noqa: E731
    for reference, priority, deadline in [
        ("FV-GGGG-0002", "GREEN", hours(72)),
        ("FV-AAAA-0002", "AMBER", hours(30)),
        ("FV-RRRR-0002", "RED", hours(4)),
        ("FV-GGGG-0001", "GREEN", hours(1)),  # the earliest deadline, but only GREEN
        ("FV-AAAA-0001", "AMBER", hours(24)),
        ("FV-RRRR-0001", "RED", hours(0)),
    ]:
        store.add_referral(stored(reference, priority, deadline=deadline))

    # When the duty officer opens the queue
    queue = store.list_queue()

    # Then RED comes before AMBER before GREEN, each by nearest deadline
    assert [r.reference for r in queue] == [
        "FV-RRRR-0001",
        "FV-RRRR-0002",
        "FV-AAAA-0001",
        "FV-AAAA-0002",
        "FV-GGGG-0001",
        "FV-GGGG-0002",
    ]
    assert [r.priority_rank for r in queue] == [3, 3, 2, 2, 1, 1]


def test_the_queue_filters_by_status_and_priority(store: Store) -> None:
    store.add_referral(stored("FV-0000-0001", "RED", status="complete"))
    store.add_referral(stored("FV-0000-0002", "RED", status="incomplete"))
    store.add_referral(stored("FV-0000-0003", "AMBER", status="incomplete"))
    store.add_referral(stored("FV-0000-0004", "GREEN", status="complete"))

    def refs(**filters: str) -> list[str]:
        return [r.reference for r in store.list_queue(**filters)]

    assert refs(status="incomplete") == ["FV-0000-0002", "FV-0000-0003"]
    assert refs(priority="RED") == ["FV-0000-0001", "FV-0000-0002"]
    assert refs(status="complete", priority="GREEN") == ["FV-0000-0004"]
    assert refs(status="complete", priority="AMBER") == []


def test_the_queue_pages_without_gaps_or_overlaps(store: Store) -> None:
    # Given seven referrals, some sharing a deadline
    for number in range(7):
        deadline = NOON + dt.timedelta(hours=number // 2)
        store.add_referral(stored(f"FV-0000-000{number}", "AMBER", deadline=deadline))
    everything = [r.reference for r in store.list_queue()]

    # When the queue is read three at a time
    pages = [
        [r.reference for r in store.list_queue(limit=3, offset=offset)] for offset in (0, 3, 6, 9)
    ]

    # Then the pages, put together, are the whole queue in the same order
    assert [len(page) for page in pages] == [3, 3, 1, 0]
    assert sum(pages, []) == everything
    assert len(set(everything)) == 7


def test_a_duplicate_reference_is_refused(store: Store) -> None:
    # Given a referral is stored
    store.add_referral(stored("FV-DPE1-0001", "RED", sealed=b"first"))

    # When another arrives with the same reference
    # Then it is refused and the first is untouched
    with pytest.raises(DuplicateReference):
        store.add_referral(stored("FV-DPE1-0001", "GREEN", sealed=b"second"))
    kept = store.get("FV-DPE1-0001")
    assert kept is not None and kept.sealed == b"first" and kept.priority == "RED"
    assert len(store.list_queue()) == 1


def test_a_referral_round_trips(store: Store) -> None:
    original = stored("FV-RTRP-0001", "AMBER", conversation_key="hmac-of-conversation")

    store.add_referral(original)

    assert store.get("FV-RTRP-0001") == original
    assert store.get("FV-N0NE-0000") is None


def test_aware_datetimes_round_trip_as_utc(store: Store) -> None:
    # Given times written in two other time zones, with microseconds
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    received = dt.datetime(2025, 3, 30, 0, 59, 59, 123456, tzinfo=india)
    deadline = dt.datetime(2025, 3, 30, 4, 30, tzinfo=dt.timezone(dt.timedelta(hours=-7)))
    store.add_referral(stored("FV-TZTZ-0001", received_at=received, deadline=deadline))

    # When the referral is read back
    got = store.get("FV-TZTZ-0001")

    # Then the instants are the same, and expressed in UTC
    assert got is not None
    assert got.received_at == received and got.deadline == deadline
    assert got.received_at.utcoffset() == dt.timedelta(0)
    assert got.received_at.tzinfo == UTC and got.deadline.tzinfo == UTC
    assert got.received_at.microsecond == 123456


def test_naive_or_missing_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        stored("FV-NA1V-0001", deadline=dt.datetime(2025, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        stored("FV-NA1V-0001", deadline=None)  # type: ignore[arg-type]


def test_priority_rank_follows_priority() -> None:
    assert stored("FV-RANK-0001", "RED").priority_rank == 3
    amber = stored("FV-RANK-0001", "AMBER")
    assert amber == replace(amber, priority_rank=2)
    with pytest.raises(ValueError, match="priority_rank"):
        replace(stored("FV-RANK-0001", "GREEN"), priority_rank=3)
    with pytest.raises(ValueError, match="priority"):
        stored("FV-RANK-0001", "PURPLE")


def test_a_conversation_is_found_by_its_key(store: Store) -> None:
    store.add_referral(stored("FV-C0NV-0001", conversation_key="key-one"))
    store.add_referral(stored("FV-C0NV-0002", conversation_key="key-two"))
    store.add_referral(stored("FV-C0NV-0003"))

    found = store.find_by_conversation_key("key-two")

    assert found is not None and found.reference == "FV-C0NV-0002"
    assert store.find_by_conversation_key("key-three") is None


def test_addenda_are_kept_in_order_and_need_a_referral(store: Store) -> None:
    # Given a stored referral
    store.add_referral(stored("FV-ADDN-0001"))

    # When the reporter adds two things, stored out of order
    later, earlier = NOON + dt.timedelta(hours=2), NOON + dt.timedelta(hours=1)
    store.add_addendum("FV-ADDN-0001", later, "kid", SUITE_NAME, b"second")
    store.add_addendum("FV-ADDN-0001", earlier, "kid", SUITE_NAME, b"first")

    # Then they come back oldest first
    addenda = store.addenda("FV-ADDN-0001")
    assert [a.sealed for a in addenda] == [b"first", b"second"]
    assert addenda[0].received_at == earlier and addenda[0].received_at.tzinfo == UTC
    assert store.addenda("FV-N0NE-0000") == []

    # And an addendum for no referral is refused
    with pytest.raises(UnknownReference):
        store.add_addendum("FV-N0NE-0000", NOON, "kid", SUITE_NAME, b"orphan")


def test_the_tables_have_no_plaintext_columns(store: Store) -> None:
    columns = {c["name"] for c in inspect(store.engine).get_columns("referrals")}

    assert columns == {
        "id", "reference", "received_at", "channel", "status", "priority", "priority_rank",
        "emergency", "deadline", "key_id", "suite", "sealed", "conversation_key",
        "origin", "origin_sig", "revision", "resealed_at", "reseal_mac",
    }  # fmt: skip


def test_the_queue_has_its_index(store: Store) -> None:
    indexes = {i["name"]: i["column_names"] for i in inspect(store.engine).get_indexes("referrals")}

    assert indexes["ix_referrals_queue"] == ["priority_rank", "deadline"]


def test_no_plaintext_in_any_stored_value(
    store: Store, unit_private_key: X25519PrivateKey
) -> None:
    # Given a sealed referral naming a child
    store.add_referral(canary_referral(unit_private_key, "FV-CANA-RY01"))

    # When every value in the tables is read back raw
    with store.engine.connect() as connection:
        values = [
            value
            for table in ("referrals", "addenda")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
            for value in row
        ]

    # Then the child's name is in none of them
    for value in values:
        raw = value if isinstance(value, (bytes, memoryview)) else str(value).encode()
        assert CANARY.encode() not in bytes(raw)

    # But the console can still read it
    got = store.get("FV-CANA-RY01")
    assert got is not None
    opened = Referral.from_json(open_sealed(got.sealed, unit_private_key, "FV-CANA-RY01"))
    assert opened.child.name == CANARY


# --- SQLite on disk ---------------------------------------------------------------------------


def sqlite_bytes(path: Path) -> bytes:
    """The database file and its WAL and shared-memory files: recent writes live in the WAL."""
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_the_sqlite_file_holds_no_plaintext(
    sqlite_path: Path, unit_private_key: X25519PrivateKey
) -> None:
    # Given a sealed referral naming a child, and a clear marker to prove we read the right bytes
    store = Store(f"sqlite:///{sqlite_path}")
    store.create_all()
    referral = canary_referral(unit_private_key, "FV-CANA-RY01")
    store.add_referral(referral)
    store.add_referral(stored("FV-MARK-0001", conversation_key="MARKER-in-the-clear"))

    # When someone copies the database files
    raw = sqlite_bytes(sqlite_path)

    # Then the child's name and the reporter's phone number are nowhere in them
    assert b"MARKER-in-the-clear" in raw
    assert CANARY.encode() not in raw
    assert CANARY.encode("utf-16-le") not in raw
    assert b"+447700900123" not in raw
    assert referral.sealed in raw  # it is the sealed blob that was stored

    # Nor after a checkpoint moves the WAL into the main file
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert CANARY.encode() not in sqlite_bytes(sqlite_path)
    store.engine.dispose()


def test_sqlite_uses_wal_and_foreign_keys_and_makes_its_folder(sqlite_path: Path) -> None:
    assert not sqlite_path.parent.exists()

    store = Store(f"sqlite:///{sqlite_path}")
    store.create_all()

    assert sqlite_path.exists()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.engine.dispose()


def test_an_in_memory_sqlite_store_works() -> None:
    store = Store("sqlite://")
    store.create_all()

    store.add_referral(stored("FV-MEM0-0001", "RED"))

    assert [r.reference for r in store.list_queue()] == ["FV-MEM0-0001"]
