"""Twilio's copies of her messages, tracked until deleted (bot/sms_messages.py through
SmsState), on SQLite and PostgreSQL: only sealed turns are due, retries back off, nothing
readable is kept, old replies leave only a replay marker, quiet senders are forgotten."""

from __future__ import annotations

import datetime as dt
import os

from bot.sms_state import Sender, SmsKeys, SmsState
from tests.bot.test_store import postgres_admin, postgres_url, store  # noqa: F401 - fixtures

T0 = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone.utc)
SID_IN, SID_OUT, SID_LATER = "SM" + "1" * 32, "SM" + "2" * 32, "SM" + "3" * 32


def a_turn(state: SmsState, sid: str, at: dt.datetime, report_open: bool = True) -> str:
    sender_id = state.keys.sender_id("+447700900461")
    state.finish(
        sid,
        sender_id,
        ["ok"],
        Sender(sender_id, report_open=report_open, last_seen=at),
        now=at,
        turn_at=at,
    )
    return sender_id


def test_only_the_messages_of_sealed_turns_are_due_and_retries_back_off(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender = a_turn(state, SID_IN, T0)
    state.track_outbound(SID_OUT, sender, T0, final=False)  # still being sent
    a_turn(state, SID_LATER, T0 + dt.timedelta(minutes=5))
    assert state.messages_to_delete(now=T0) == []  # nothing sealed yet

    state.mark_sealed_through(sender, T0 + dt.timedelta(minutes=1))
    assert [m.sid for m in state.messages_to_delete(now=T0)] == [
        SID_IN
    ]  # ours is not delivered yet
    state.track_outbound(SID_OUT, sender, T0, final=True)  # "delivered"
    due = state.messages_to_delete(now=T0)
    assert sorted(m.sid for m in due) == [SID_IN, SID_OUT]  # the later turn waits for its seal

    first = next(m for m in due if m.sid == SID_OUT)
    state.message_not_deleted(first, now=T0)  # Twilio said no: try again later, not at once
    assert [m.sid for m in state.messages_to_delete(now=T0 + dt.timedelta(seconds=10))] == [SID_IN]
    assert SID_OUT in [m.sid for m in state.messages_to_delete(now=T0 + dt.timedelta(seconds=31))]
    state.message_deleted(next(m for m in due if m.sid == SID_IN))
    assert SID_IN not in [m.sid for m in state.messages_to_delete(now=T0 + dt.timedelta(hours=1))]


def test_a_turn_that_leaves_nothing_open_is_due_at_once(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    a_turn(state, SID_IN, T0, report_open=False)  # e.g. HELP, STOP after its close, RESTART
    assert [m.sid for m in state.messages_to_delete(now=T0)] == [SID_IN]


def test_nothing_readable_is_kept(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    sender = a_turn(state, SID_IN, T0)
    state.track_outbound(SID_OUT, sender, T0, final=True)
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM sms_messages").fetchall()
    dump = b"".join(
        bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode()
        for row in rows
        for v in row
    )
    assert (
        SID_IN.encode() not in dump and SID_OUT.encode() not in dump and b"447700900461" not in dump
    )


def test_an_old_reply_leaves_a_marker_that_answers_a_replay_with_nothing(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    a_turn(state, SID_IN, T0)
    assert state.answered(SID_IN) == ["ok"]
    assert state.forget_replies_before(T0 + dt.timedelta(days=1)) == 1
    assert state.answered(SID_IN) == []  # known, answered with nothing
    assert state.answered(SID_LATER) is None  # a new message is still new
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT sender_id FROM sms_replies").scalar() == ""


def test_quiet_senders_go_and_an_opt_out_keeps_only_its_flag(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    quiet, open_, stopped = (
        state.keys.sender_id(n) for n in ("+447700900001", "+447700900002", "+447700900003")
    )
    state.save_sender(Sender(quiet, last_seen=T0, last_reply=["Hi"]))
    state.save_sender(Sender(open_, report_open=True, last_seen=T0))
    state.save_sender(Sender(stopped, opted_out=True, last_seen=T0, last_reply=["bye"]))
    state.save_sender(
        Sender(state.keys.sender_id("+447700900004"), last_seen=T0 + dt.timedelta(days=6))
    )
    assert state.expire_senders(T0 + dt.timedelta(days=1)) == 1
    assert state.sender(quiet) == Sender(quiet)  # forgotten
    assert state.sender(open_).report_open is True  # an open report stays until it is closed
    kept = state.sender(stopped)
    assert kept.opted_out is True and kept.last_reply == [] and kept.options == []
