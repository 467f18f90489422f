"""The encrypted tracker store inside Rasa, on SQLite and PostgreSQL: conversations round-trip,
nothing readable reaches the database, and a sealed report leaves only its reference."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import text

from bot.config import PROJECT_ROOT
from bot.tracker_crypto import TRACKER_KEY_ENV, TrackerKey
from bot.tracker_db import ConversationBusy, ConversationChanged
from rasa_ext.encrypted_tracker_store import EncryptedSQLTrackerStore, TrackerStoreMisconfigured
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - fixtures

STORE = "rasa_ext.encrypted_tracker_store.EncryptedSQLTrackerStore"
NAME = "Philippa Quennell-Canary"
NUMBER = "07700 900462"
SENDER = "webchat-canary-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> TrackerKey:
    created = TrackerKey.generate()
    monkeypatch.setenv(TRACKER_KEY_ENV, created.master.hex())
    return created


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(url: str, domain: Domain, key: TrackerKey) -> Iterator[TrackerStore]:
    # Built as `rasa run` builds it from endpoints.yml: by module path, through Rasa's factory.
    created = TrackerStore.create(EndpointConfig(url=url, type=STORE), domain)
    yield created
    created.engine.dispose()


def run(coroutine):
    return asyncio.run(coroutine)


def first_turn(store: TrackerStore):
    tracker = run(store.get_or_create_tracker(SENDER, append_action_listen=True))
    tracker.update(UserUttered(f"My granddaughter {NAME} has bruises", intent={"name": "inform", "confidence": 0.9}))
    tracker.update(SlotSet("child_name", NAME))
    tracker.update(BotUttered("How old is the child?"))
    tracker.update(ActionExecuted("action_listen"))
    run(store.save(tracker))
    return tracker


def stored_rows(store: EncryptedSQLTrackerStore) -> bytes:
    dump = []
    with store.engine.connect() as connection:
        for table in ("tracker_events", "tracker_conversations"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                dump += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    return b"\n".join(dump)


def test_rasa_builds_it_from_the_endpoint_config(store):
    assert isinstance(store, EncryptedSQLTrackerStore)  # not Rasa's silent in-memory fallback


def test_an_empty_new_tracker_writes_nothing(store):
    # Rasa saves a new tracker before its first event; no row until there is something to keep.
    run(store.get_or_create_tracker("webchat-new", append_action_listen=False))
    assert stored_rows(store) == b"" and run(store.retrieve("webchat-new")) is None


def test_a_conversation_round_trips_turn_by_turn(store):
    saved = first_turn(store)
    again = run(store.retrieve(SENDER))
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in saved.events]
    assert again.get_slot("child_name") == NAME

    again.update(UserUttered("she is 4", intent={"name": "inform", "confidence": 0.9}))
    again.update(SlotSet("child_age", "4"))
    run(store.save(again))
    run(store.save(again))  # saving twice adds nothing twice
    third = run(store.retrieve(SENDER))
    assert [e.get("text") for e in (x.as_dict() for x in third.events) if e["event"] == "user"] == [
        f"My granddaughter {NAME} has bruises",
        "she is 4",
    ]
    assert third.get_slot("child_age") == "4"
    assert list(run(store.keys())) == [SENDER]


def test_nothing_readable_reaches_the_database(store, url):
    first_turn(store)
    stored = stored_rows(store)
    for secret in (NAME, "bruises", SENDER, "child_name", "inform"):
        assert secret.encode() not in stored and secret.encode().hex().encode() not in stored
    if url.startswith("sqlite"):
        for path in Path(url.removeprefix("sqlite:///")).parent.glob("tracker.db*"):
            assert NAME.encode() not in path.read_bytes()


def test_once_the_report_is_sealed_only_the_reference_is_kept(store):
    tracker = first_turn(store)
    tracker.update(UserUttered("Yes, send it", intent={"name": "affirm", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_submit_referral"))
    tracker.update(SlotSet("reference", "FV-7K3M-Q9XD"))
    tracker.update(SlotSet("submitted", True))
    tracker.update(BotUttered("Your reference is FV-7K3M-Q9XD"))
    run(store.save(tracker))

    kept = run(store.retrieve_full_tracker(SENDER))
    assert {e.get("event") for e in (x.as_dict() for x in kept.events)} == {"action", "session_started", "slot"}
    assert kept.get_slot("reference") == "FV-7K3M-Q9XD" and kept.get_slot("submitted") is True
    assert kept.get_slot("child_name") is None
    assert NAME.encode() not in stored_rows(store)

    # She writes again: the message waits (encrypted) until the addition is sealed, then goes.
    kept.update(UserUttered(f"{NAME} has a new bruise", intent={"name": "inform", "confidence": 0.9}))
    kept.update(ActionExecuted("action_add_to_report"))
    run(store.save(kept))
    pending = run(store.retrieve(SENDER))
    assert any(e.as_dict().get("text") == f"{NAME} has a new bruise" for e in pending.events)
    pending.update(SlotSet("reference", "FV-7K3M-Q9XD"))  # what action_add_to_report returns
    run(store.save(pending))
    assert not any(e.as_dict().get("text") for e in run(store.retrieve(SENDER)).events)


def test_a_new_session_and_all_sessions(store):
    tracker = first_turn(store)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(UserUttered("hello again", intent={"name": "greet", "confidence": 0.9}))
    run(store.save(tracker))
    latest = run(store.retrieve(SENDER))
    assert [e.as_dict().get("text") for e in latest.events if isinstance(e, UserUttered)] == ["hello again"]
    assert len(run(store.retrieve_full_tracker(SENDER)).events) == len(tracker.events)


def test_a_turn_that_meets_the_sweeper_is_refused_not_mixed_in(store):
    tracker = first_turn(store)
    snapshot = store.event_log.load(SENDER)
    store.event_log.claim(SENDER, generation=snapshot.generation)
    with pytest.raises(ConversationBusy):
        run(store.retrieve(SENDER))
    tracker.update(UserUttered("she is 4", intent={"name": "inform", "confidence": 0.9}))
    with pytest.raises(ConversationChanged):
        run(store.save(tracker))  # read before the claim: the sweeper may be sealing it


def test_without_a_key_it_refuses_to_start_rather_than_keep_plaintext(url, domain, monkeypatch, tmp_path):
    monkeypatch.delenv(TRACKER_KEY_ENV, raising=False)
    monkeypatch.setenv("FAMILYVOICE_KEYS_DIR", str(tmp_path / "no-keys"))
    with pytest.raises(TrackerStoreMisconfigured, match="keys init"):
        TrackerStore.create(EndpointConfig(url=url, type=STORE), domain)


# --- trackers kept in memory between turns (bot/tracker_cache.py) --------------------------------


@pytest.fixture
def second_worker(url: str, domain: Domain, key: TrackerKey, store: TrackerStore) -> Iterator[TrackerStore]:
    """Another Rasa worker on the same database, with its own memory."""
    created = TrackerStore.create(EndpointConfig(url=url, type=STORE), domain)
    yield created
    created.engine.dispose()


def events_of(tracker) -> list[dict]:
    return [e.as_dict() for e in tracker.events]


def stored_session(store: EncryptedSQLTrackerStore) -> list[dict]:
    return store.event_log.load(SENDER).events


def next_turn(tracker, text: str) -> None:
    tracker.update(UserUttered(text, intent={"name": "inform", "confidence": 0.9}))
    tracker.update(BotUttered("Thank you. Anything else?"))
    tracker.update(ActionExecuted("action_listen"))


def started_session(store: TrackerStore):
    """A conversation as Rasa leaves it after its first turn, read back once (so it is kept)."""
    tracker = run(store.get_or_create_tracker(SENDER, append_action_listen=False))
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    next_turn(tracker, "my grandson has bruises")
    run(store.save(tracker))
    return run(store.retrieve(SENDER))


def test_a_kept_tracker_is_what_the_database_holds_turn_after_turn(store):
    tracker = started_session(store)
    for step in range(3):
        next_turn(tracker, f"answer {step}")
        run(store.save(tracker))
        again = run(store.retrieve(SENDER))
        assert again is tracker  # from memory: no read back, decrypt and replay
        assert events_of(again) == stored_session(store)
        tracker = again


def test_a_write_by_another_worker_is_never_hidden_by_memory(store, second_worker):
    tracker = started_session(store)
    next_turn(tracker, "first worker's turn")
    run(store.save(tracker))  # kept in the first worker's memory
    theirs = run(second_worker.retrieve(SENDER))
    next_turn(theirs, "his dad hits him")  # the next message reached the other worker
    run(second_worker.save(theirs))
    ours = run(store.retrieve(SENDER))
    assert ours is not tracker and events_of(ours) == events_of(theirs) == stored_session(store)


def test_a_turn_that_fails_before_saving_leaves_nothing_in_memory(store):
    tracker = started_session(store)
    run(store.save(tracker))
    held = run(store.retrieve(SENDER))
    next_turn(held, "a message whose turn crashed")  # never saved
    again = run(store.retrieve(SENDER))
    assert again is not held and "a message whose turn crashed" not in str(events_of(again))
    assert events_of(again) == stored_session(store)


def test_the_sweeper_or_a_conflict_is_never_hidden_by_memory(store):
    tracker = started_session(store)
    run(store.save(tracker))
    store.event_log.claim(SENDER, generation=store.event_log.generation(SENDER))
    with pytest.raises(ConversationBusy):
        run(store.retrieve(SENDER))  # the sweeper holds it, though this worker has it in memory
    next_turn(tracker, "she is 4")
    with pytest.raises(ConversationChanged):
        run(store.save(tracker))
    assert len(store.between_turns) == 0


def test_a_new_session_or_the_residue_is_read_back_from_the_database(store):
    tracker = started_session(store)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    next_turn(tracker, "hello again")
    run(store.save(tracker))
    latest = run(store.retrieve(SENDER))
    assert latest is not tracker and events_of(latest) == stored_session(store)
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["hello again"]
    run(store.save(latest))
    latest.update(SlotSet("reference", "FV-7K3M-Q9XD"))
    latest.update(SlotSet("submitted", True))
    run(store.save(latest))  # sealed: compacted to the residue
    residue = run(store.retrieve(SENDER))
    assert residue is not latest and not any(isinstance(e, UserUttered) for e in residue.events)
