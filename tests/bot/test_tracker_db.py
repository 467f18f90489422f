"""Conversation events at rest, on SQLite and PostgreSQL: they come back as written, nothing
in the database is readable, and concurrent writers cannot interleave."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.tracker_crypto import TrackerKey
from bot.tracker_db import ConversationBusy, ConversationChanged, EncryptedEventLog
from tests.bot.rasa_events import session_start, slot, turn, user
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - fixtures

T = 1_700_000_000.0
CANARY_NAME = "Quillon Verbeek-Canary"
CANARY_NUMBER = "07700 900461"
SENDER = "+447700900999"  # as if a channel used the phone number itself as the id


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EncryptedEventLog]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    created = EncryptedEventLog.from_url(url, TrackerKey.generate())
    yield created
    created.engine.dispose()


def conversation() -> list[dict]:
    return [
        *session_start(T),
        *turn(f"I'm worried about {CANARY_NAME}", T + 1, {"child_name": CANARY_NAME}, "How old?"),
        *turn(f"call me on {CANARY_NUMBER}", T + 2, {"contact_method": CANARY_NUMBER}, "When is it safe?"),
    ]


def everything_stored(log: EncryptedEventLog) -> bytes:
    """Every value of every row of both tables, as the database returns them."""
    dump = []
    with log.engine.connect() as connection:
        for table in ("tracker_events", "tracker_conversations"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                dump += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    return b"\n".join(dump)


def test_events_come_back_exactly_as_written(log):
    events = conversation()
    log.append(SENDER, events, generation=None)
    snapshot = log.load(SENDER)
    assert snapshot.events == events and snapshot.generation == 1
    assert log.load("someone-else").events == [] and log.load("someone-else").generation is None
    assert log.conversation_ids() == [SENDER]


def test_nothing_readable_is_stored(log, tmp_path):
    log.append(SENDER, conversation(), generation=None)
    stored = everything_stored(log)
    for secret in (CANARY_NAME, CANARY_NUMBER, SENDER, "+447700900999", "child_name", "inform", "webchat"):
        assert secret.encode() not in stored
        assert secret.encode().hex().encode() not in stored
    if log.engine.dialect.name == "sqlite":  # and not in the files either, write-ahead log included
        for path in tmp_path.glob("tracker.db*"):
            assert CANARY_NAME.encode() not in path.read_bytes()


def test_only_the_latest_session_unless_all_are_asked_for(log):
    first, second = conversation(), [*session_start(T + 100), user("hello again", T + 101)]
    log.append(SENDER, first + second, generation=None)
    assert log.load(SENDER).events == second
    assert log.load(SENDER, all_sessions=True).events == first + second


def test_a_stale_writer_is_refused_not_interleaved(log):
    generation = log.append(SENDER, conversation()[:3], generation=None)
    newer = log.append(SENDER, [user("one", T + 5)], generation=generation)
    with pytest.raises(ConversationChanged):
        log.append(SENDER, [user("two", T + 6)], generation=generation)  # read before "one" was written
    with pytest.raises(ConversationChanged):
        log.append(SENDER, [user("three", T + 7)], generation=None)  # "new" conversation, but it exists
    assert [e.get("text") for e in log.load(SENDER).events][-1] == "one"
    assert log.load(SENDER).generation == newer


def test_while_the_sweeper_holds_a_conversation_turns_wait(log):
    generation = log.append(SENDER, conversation(), generation=None)
    claimed = log.claim(SENDER, generation=generation, lease=60, now=T)
    assert claimed == generation + 1
    with pytest.raises(ConversationBusy):
        log.load(SENDER, now=T + 1)
    with pytest.raises(ConversationChanged):
        log.append(SENDER, [user("late", T + 1)], generation=claimed, now=T + 1)
    # A second sweeper cannot claim it too.
    assert log.claim(SENDER, generation=generation, now=T + 1) is None
    log.replace(SENDER, [slot("reference", "FV-AAAA-BBBB", T + 2)], generation=claimed, claimed=True)
    assert log.load(SENDER, now=T + 2).events == [slot("reference", "FV-AAAA-BBBB", T + 2)]


def test_an_expired_claim_does_not_lock_her_out(log):
    generation = log.append(SENDER, conversation(), generation=None)
    claimed = log.claim(SENDER, generation=generation, lease=60, now=T)
    assert log.load(SENDER, now=T + 61).generation == claimed
    log.append(SENDER, [user("back again", T + 62)], generation=claimed, now=T + 62)


def test_replace_forgets_every_session_and_delete_forgets_the_conversation(log):
    generation = log.append(SENDER, conversation() + session_start(T + 50), generation=None)
    generation = log.replace(SENDER, [slot("reference", "R", T + 60)], generation=generation)
    assert log.load(SENDER, all_sessions=True).events == [slot("reference", "R", T + 60)]
    log.delete(SENDER, generation=generation)
    assert log.load(SENDER).generation is None and log.conversation_ids() == []
    assert everything_stored(log) == b""


def test_idle_lists_conversations_by_their_latest_event(log):
    log.append("quiet", [user("hello", T)], generation=None)
    log.append("busy", [user("hello", T), user("still here", T + 500)], generation=None)
    idle = log.idle(since=T + 100)
    assert [(c.conversation_id, c.last_event_at, c.generation) for c in idle] == [("quiet", T, 1)]
    assert {c.conversation_id for c in log.idle(since=time.time())} == {"quiet", "busy"}


def test_another_key_reads_nothing(log):
    log.append(SENDER, conversation(), generation=None)
    thief = EncryptedEventLog(log.engine, TrackerKey.generate())
    assert thief.load(SENDER).events == []  # cannot even find the conversation by its id


# --- the generation alone, for a worker holding the conversation in memory ---------------------


def test_generation_moves_with_every_write_and_says_when_the_sweeper_holds_it(log):
    assert log.generation(SENDER) is None
    first = log.append(SENDER, conversation(), generation=None)
    assert log.generation(SENDER) == first == log.load(SENDER).generation
    second = log.append(SENDER, turn("more", T + 30, {}, "Next?"), generation=first)
    assert log.generation(SENDER) == second != first
    claimed = log.claim(SENDER, generation=second, now=T + 40)
    with pytest.raises(ConversationBusy):
        log.generation(SENDER, now=T + 41)
    assert log.generation(SENDER, now=T + 40 + 61) == claimed  # the lease ran out
