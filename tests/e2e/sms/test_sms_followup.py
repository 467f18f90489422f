"""Coming back by SMS (issue 6): she chooses a PIN at the end of her report, and later, from
another phone, adds to it. Signed webhooks, the real stack, the officer reads it via the CLI."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.sms.conftest import Phone, age_conversations, text_of
from tests.e2e.sms.test_sms_report import ANSWERS, answer_until_sent, queue
from tests.e2e.test_webchat_report import REFERENCE, show

pytestmark = pytest.mark.e2e

PIN = "58203716"


def new_phone(sms_stack, fake_twilio) -> Phone:
    return Phone(sms_stack, fake_twilio, "+4477008" + str(uuid.uuid4().int)[:5])


def test_she_adds_to_her_report_by_sms_from_another_phone(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    sent = phone.send("I'm worried about my grandson Tom, he is 3 and a half")
    closing = text_of((answer_until_sent(phone, sent) or [sent])[-1])
    reference = REFERENCE.search(closing).group(0)
    assert "choose a PIN" in closing
    assert "same numbers again" in text_of(phone.send(PIN))
    assert "your PIN is set" in text_of(phone.send(PIN))

    other = new_phone(sms_stack, fake_twilio)  # a friend's phone: a new conversation
    assert "PIN you chose" in text_of(other.send(f"add to my report {reference.lower()}"))
    wrong = text_of(other.send("13572468"))
    assert "cannot find a report with that reference and PIN" in wrong
    assert "PIN you chose" in text_of(other.send(reference))
    assert "What would you like to add" in text_of(other.send(PIN))
    added = text_of(other.send("He had a new bruise on his cheek on Friday"))
    assert f"added that to your report {reference}" in added

    referral = show(sms_var_dir, reference)
    assert [a["text"] for a in referral["additions"]] == ["He had a new bruise on his cheek on Friday"]
    assert ANSWERS["concern_description"] in referral["concern"]["description"]
    assert PIN.encode() not in (sms_var_dir / "familyvoice.db").read_bytes()


def test_a_follow_up_she_gives_up_on_seals_nothing_and_keeps_no_pin(sms_stack, sms_var_dir, fake_twilio):
    """Her reference and PIN tries prove who she is; they are not a report. When she stops part
    way and the idle close runs (the channel's sweeper, or her next message a day later, which
    closes the old report first), no 'incomplete' referral appears holding them."""
    phone = new_phone(sms_stack, fake_twilio)
    before = {r["reference"] for r in queue(sms_var_dir)}
    assert "PIN you chose" in text_of(phone.send("add to my report FV-7K3M-Q9XD"))
    assert "cannot find a report" in text_of(phone.send("24681357"))
    age_conversations(sms_var_dir, phone.number, hours=25)
    fresh = phone.send("Hello")
    assert "999" in text_of(fresh)  # a new conversation: the old one was closed
    assert [r for r in queue(sms_var_dir) if r["reference"] not in before] == []
