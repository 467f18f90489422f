"""What the SMS channel remembers between messages, on SQLite and PostgreSQL: a retried
webhook gets the first reply back, the sender's state comes back as kept, and nothing of it
is readable in the database."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import text

from bot.sms_state import Sender, SmsKeys, SmsState
from tests.bot.test_store import postgres_admin, postgres_url, store  # noqa: F401 - fixtures

PHONE = "+447700900461"
REPLY = ["Thank you, Zoë. How old is Quillon?", "Reply 1 for Yes"]


def everything_stored(state: SmsState) -> bytes:
    dump = []
    with state.store.engine.connect() as connection:
        for table in ("sms_replies", "sms_senders"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):
                dump += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    return b"\n".join(dump)


def test_a_turn_is_answered_once_and_replayed(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender_id = state.keys.sender_id(PHONE)
    assert state.answered("SM1") is None  # nothing is written before the turn is answered
    seen = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone.utc)
    sender = Sender(sender_id, report_open=True, last_seen=seen, options=[{"title": "Yes", "payload": "/affirm"}], last_reply=REPLY[-1:])
    assert state.finish("SM1", sender_id, REPLY, sender) is None

    assert state.answered("SM1") == REPLY  # Twilio's retry gets the same reply
    assert state.sender(sender_id) == sender
    assert state.sender(state.keys.sender_id("+447700900000")) == Sender(state.keys.sender_id("+447700900000"))

    sender.report_open, sender.last_reply = False, []
    assert state.answered("SM2") is None
    assert state.finish("SM2", sender_id, [], sender) is None
    assert state.sender(sender_id) == sender  # updated in place, not a second row
    stored = everything_stored(state)
    for secret in (PHONE.encode(), b"Quillon", "Zoë".encode(), b"affirm", b"SM1"):
        assert secret not in stored


def test_a_message_answered_elsewhere_meanwhile_keeps_the_first_reply(store):
    """A retry that reached another worker while this one was answering: one reply is kept and
    both send it; the later one writes nothing of its own over the first."""
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender_id = state.keys.sender_id(PHONE)
    first = Sender(sender_id, report_open=True, options=[{"title": "Yes", "payload": "/affirm"}], last_reply=REPLY[-1:])
    assert state.finish("SM5", sender_id, REPLY, first) is None
    later = Sender(sender_id, report_open=False, last_reply=["something else"])
    assert state.finish("SM5", sender_id, ["something else"], later) == REPLY
    assert state.answered("SM5") == REPLY and state.sender(sender_id).options == first.options


def test_a_turn_that_failed_left_nothing_so_the_retry_is_answered_afresh(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender_id = state.keys.sender_id(PHONE)
    assert state.answered("SM9") is None  # the turn raised: finish never ran
    assert everything_stored(state) == b""
    # A row an earlier version claimed but never answered is answered now.
    with store.engine.begin() as connection:
        connection.execute(text("INSERT INTO sms_replies (message_key, sender_id, received_at) VALUES (:k, :s, :at)"),
                           {"k": state.keys.keyed_hash("message", "SM9"), "s": sender_id, "at": "2026-11-26 09:30:00"})
    assert state.answered("SM9") is None
    assert state.finish("SM9", sender_id, REPLY, Sender(sender_id, report_open=True)) is None
    assert state.answered("SM9") == REPLY
