"""What Twilio and our SMS tables keep after a report: Twilio's copies of every message of a
sealed report (hers and ours) are deleted, retried until gone; a signed webhook replayed after
its reply is forgotten still changes nothing; a quiet sender is forgotten, an opt-out is not."""

from __future__ import annotations

import time
import uuid
from contextlib import closing
import sqlite3
from typing import Callable
from urllib.parse import urlencode

import pytest

from bot.keys import load_intake_secret
from bot.sms_state import SmsKeys
from tests.e2e.sms.conftest import Phone, database_rows, text_of
from tests.e2e.sms.test_sms_report import REFERENCE, answer_until_sent

pytestmark = pytest.mark.e2e


def wait_until(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.fixture
def phone(sms_stack, fake_twilio) -> Phone:
    return Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])


def held_at_twilio(phone: Phone) -> set[str]:
    return {sid for sid, m in phone.twilio.messages.items() if phone.number in (m["to"], m["from"])}


def sender_of(var_dir, number: str) -> str:
    return SmsKeys(load_intake_secret(var_dir / "keys" / "intake_secret.key")).sender_id(number)


def test_every_message_of_a_sealed_report_is_deleted_at_twilio(phone, sms_var_dir, fake_twilio):
    fake_twilio.delete_fail_first = 2  # Twilio having a bad moment: retried
    first = phone.send("I'm worried about my grandson Tom, he is 3")
    sent = answer_until_sent(phone, first)
    assert REFERENCE.search(text_of(sent[-1]))
    kept = held_at_twilio(phone)
    assert len(kept) >= 2 * len(sent)  # her messages and our replies, all at "Twilio" so far

    assert wait_until(
        lambda: not held_at_twilio(phone)
    ), f"{len(held_at_twilio(phone))} still at Twilio"
    deleted = {
        r.path.rsplit("/", 1)[1].removesuffix(".json")
        for r in fake_twilio.recorded("DELETE", "/Messages/")
        if "/Media/" not in r.path and r.authorized
    }
    assert kept <= deleted
    # Tracked without anything readable: no SID in the database, and no row once deleted.
    raw = (sms_var_dir / "familyvoice.db").read_bytes()
    assert not any(sid.encode() in raw for sid in kept)
    sender = sender_of(sms_var_dir, phone.number)
    assert (
        database_rows(
            sms_var_dir, f"SELECT count(*) FROM sms_messages WHERE sender_id = '{sender}'"
        )[0][0]
        == 0
    )


def test_a_replay_after_the_reply_is_forgotten_changes_nothing(phone, sms_var_dir, fake_twilio):
    form = phone.form("Hello")
    form["SmsSid"] = form["MessageSid"]
    first = phone.send_form(form)
    assert first.status == 200 and first.messages
    # Nine days on, the reply kept for Twilio's retries is forgotten by the channel's sweeper.
    with (
        closing(sqlite3.connect(sms_var_dir / "familyvoice.db", timeout=10)) as connection,
        connection,
    ):
        connection.execute(
            "UPDATE sms_replies SET received_at = datetime(received_at, '-9 days')"
            " WHERE reply IS NOT NULL AND length(reply) > 0 AND sender_id = ?",
            (sender_of(sms_var_dir, phone.number),),
        )
    assert wait_until(
        lambda: database_rows(
            sms_var_dir,
            "SELECT count(*) FROM sms_replies"
            f" WHERE sender_id = '{sender_of(sms_var_dir, phone.number)}'",
        )[0][0]
        == 0
    )
    # The captured request, replayed exactly: signed, valid, and answered with nothing.
    replay = phone.send_form(form)
    assert replay.status == 200 and replay.messages == []
    # Her conversation did not move: her next message still answers the first question.
    opening = phone.send("I'm worried about my grandson Tom")
    assert "what has happened" in text_of(opening)


def test_a_quiet_sender_is_forgotten_and_an_opt_out_keeps_only_itself(
    sms_stack, sms_var_dir, fake_twilio
):
    quiet = Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])
    stopped = Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])
    quiet.send("Hello")
    quiet.send("RESTART")  # nothing open any more
    stopped.send("Hello")
    stopped.send("STOP")
    ids = (sender_of(sms_var_dir, quiet.number), sender_of(sms_var_dir, stopped.number))
    with (
        closing(sqlite3.connect(sms_var_dir / "familyvoice.db", timeout=10)) as connection,
        connection,
    ):
        for sender in ids:
            connection.execute(
                "UPDATE sms_senders SET last_seen = datetime(last_seen, '-8 days')"
                " WHERE sender_id = ?",
                (sender,),
            )

    def rows(sender: str) -> list[tuple]:
        return database_rows(
            sms_var_dir, f"SELECT opted_out, state FROM sms_senders WHERE sender_id = '{sender}'"
        )

    assert wait_until(lambda: rows(ids[0]) == [] and rows(ids[1]) == [(1, None)])
    # STOP still holds: she is not answered until she sends START.
    assert stopped.send("hello again").messages == []
    assert stopped.send("START").messages
