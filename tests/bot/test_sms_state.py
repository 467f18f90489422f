"""What the SMS channel remembers between messages, on SQLite and PostgreSQL: a retried
webhook gets the first reply back, the sender's state comes back as kept, and nothing of it
is readable in the database."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import text

from bot.sms_state import Claim, Sender, SmsKeys, SmsState
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


def test_a_turn_is_claimed_answered_and_replayed(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender_id = state.keys.sender_id(PHONE)
    assert state.claim("SM1", sender_id).new
    assert state.claim("SM1", sender_id) == Claim(new=False, reply=None)  # a retry while it is still being answered
    seen = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone.utc)
    sender = Sender(sender_id, report_open=True, last_seen=seen, options=[{"title": "Yes", "payload": "/affirm"}], last_reply=REPLY[-1:])
    state.finish("SM1", REPLY, sender)

    replay = state.claim("SM1", sender_id)
    assert not replay.new and replay.reply == REPLY
    assert state.sender(sender_id) == sender
    assert state.sender(state.keys.sender_id("+447700900000")) == Sender(state.keys.sender_id("+447700900000"))

    sender.report_open, sender.last_reply = False, []
    assert state.claim("SM2", sender_id).new
    state.finish("SM2", [], sender)
    assert state.sender(sender_id) == sender  # updated in place, not a second row
    stored = everything_stored(state)
    for secret in (PHONE.encode(), b"Quillon", "Zoë".encode(), b"affirm", b"SM1"):
        assert secret not in stored


def test_a_released_claim_is_answered_afresh(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender_id = state.keys.sender_id(PHONE)
    assert state.claim("SM9", sender_id).new
    state.release("SM9")
    assert state.claim("SM9", sender_id).new
