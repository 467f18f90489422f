"""A grandmother reports by SMS, end to end: signed webhooks, the real Rasa server and action
server, the real store and keys; the duty officer reads it through the CLI."""

from __future__ import annotations

import json
import statistics
import time
import uuid

import pytest

from bot import sms
from tests.e2e.conftest import familyvoice
from tests.e2e.sms.conftest import Phone, age_conversations, database_rows, text_of
from tests.e2e.test_webchat_report import REFERENCE, asked, asked_all, reply_for, show

pytestmark = pytest.mark.e2e


def new_phone(sms_stack, fake_twilio) -> Phone:
    return Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])


def question(sent) -> str | None:
    return asked([{"text": m} for m in sent.messages])


def queue(var_dir) -> list[dict]:
    listed = familyvoice(var_dir, "referrals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


ANSWERS = {
    "child_area": "They live in Leeds, LS6",
    "child_school": "Little Stars nursery",
    "child_where_now": "1",  # At home
    "concern_description": "His mum's new fella shouts at him. On Sunday I saw bruises on both his arms.",
    "concern_when": "Last Sunday",
    "source": "I saw them myself",
    "injuries_seen": "yes.",
    "injuries_detail": "Bruises on both arms, like finger marks",
    "child_said": "He said Dean hurt him",
    "poc_lives_with_child": "Yeah",
    "household": "His mum and his baby sister",
    "reported_before": "No",
    "reporter_name": "Margaret",
    "safe_to_contact": "Y",
    "contact_method": "my landline 0113 496 0000",
    "safe_times": "weekday mornings",
    "parent_aware": "don't know",
    "confirm": "1",  # Yes, send it
}


def answer_until_sent(phone: Phone, sent, answers: dict[str, str] = ANSWERS) -> list:
    """Answer whatever she is asked until she is given a reference; every reply, in order."""
    replies = []
    for _ in range(30):
        if REFERENCE.search(text_of(sent)):
            return replies
        slots = asked_all([{"text": m} for m in sent.messages])
        assert slots and all(s in answers for s in slots), f"unexpected question {slots!r}: {text_of(sent)!r}"
        sent = phone.send(reply_for(slots, dict(answers)))
        replies.append(sent)
    raise AssertionError("no reference after 30 answers")


def test_grandmother_reports_by_sms_and_the_officer_reads_it_all(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    first = phone.send("Hello")
    assert "999" in text_of(first) and question(first) == "concern_description"
    sent = phone.send("I'm worried about my grandson Tom, he is 3 and a half")
    everything = [first, sent, *answer_until_sent(phone, sent)]
    sent = everything[-1]
    reference = REFERENCE.search(text_of(sent)).group(0)

    # What her phone showed: numbered options, GSM-7, never more than 3 segments a message.
    shown = [m for s in everything for m in s.messages]
    assert any("Reply 1 for Yes, send it, 2 for Change something." in m for m in shown)
    for message in shown:
        assert sms.encoding_of(message) is sms.Encoding.GSM7, message
        assert sms.segment_count(message) <= 3, message
    closing = text_of(sent)
    assert "one working day" in closing and "may not be able to tell you" in closing
    assert "you may want to delete these messages" in closing

    referral = show(sms_var_dir, reference)
    assert referral["channel"] == "sms" and referral["status"] == "complete"
    assert referral["child"]["name"] == "Tom"
    assert ANSWERS["concern_description"] in referral["concern"]["description"]
    assert referral["concern"]["injuries_seen"] is True
    assert referral["previous_reports"]["reported_before"] is False
    assert referral["parent_aware"] is None  # "don't know"
    assert referral["reporter"]["name"] == "Margaret"
    assert referral["reporter"]["safe_to_contact"] is True
    bot_said = " ".join(t["text"] for t in referral["transcript"] if t["speaker"] == "bot")
    assert "Here is what you told me" in bot_said

    # The phone number is nowhere at rest: not in the database, not in any log.
    digits = phone.number.lstrip("+")
    database = (sms_var_dir / "familyvoice.db").read_bytes()
    for secret in (digits, digits[2:], "Margaret", "finger marks", "Little Stars"):
        assert secret.encode() not in database
    for log in (sms_var_dir / "log").iterdir():
        text = log.read_text(errors="replace")
        assert digits not in text and digits[2:] not in text, log.name
        assert "finger marks" not in text, log.name

    timings = sorted(phone.timings)
    print(
        f"\nSMS turn latency over {len(timings)} webhooks: median {statistics.median(timings) * 1000:.0f} ms, "
        f"p90 {timings[int(len(timings) * 0.9)] * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms"
    )
    assert timings[-1] < 5.0  # far inside Twilio's 15 s


def test_a_retried_message_gets_the_same_reply_and_counts_once(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    phone.send("Hi")
    phone.send("I'm worried about my grandson")
    # Send an answer, then Twilio's retry of it with the same MessageSid.
    once = "SM" + uuid.uuid4().hex
    first = phone.send("He is 6 and his mum hits him", sid=once)
    again = phone.send("He is 6 and his mum hits him", sid=once)
    assert again.body == first.body and question(first) == "child_name"
    after = phone.send("Tom")
    assert question(after) == "child_area"  # advanced once, not twice
    stop = phone.send("STOP")
    assert stop.messages == []
    reference = next(r["reference"] for r in queue(sms_var_dir) if r["status"] == "incomplete" and r["channel"] == "sms"
                     and "He is 6 and his mum" in json.dumps(show(sms_var_dir, r["reference"])))
    said = [t["text"] for t in show(sms_var_dir, reference)["transcript"] if t["speaker"] == "reporter"]
    assert said.count("He is 6 and his mum hits him") == 1 and "/restart" not in said and "STOP" not in said


def test_stop_mid_report_queues_what_she_said_and_nothing_more_is_sent(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    phone.send("Hello, I am worried about my niece Amy")
    phone.send("She is 7")
    before = {r["reference"] for r in queue(sms_var_dir)}
    stopped = phone.send("Stop")
    assert stopped.messages == []
    new = [r for r in queue(sms_var_dir) if r["reference"] not in before]
    assert len(new) == 1 and new[0]["status"] == "incomplete" and new[0]["channel"] == "sms"
    referral = show(sms_var_dir, new[0]["reference"])
    assert referral["child"]["name"] == "Amy" and referral["status"] == "incomplete"
    said = [t["text"] for t in referral["transcript"] if t["speaker"] == "reporter"]
    assert said == ["Hello, I am worried about my niece Amy", "She is 7"]

    # After STOP she gets nothing, whatever she sends (HELP included)...
    for text in ("hello?", "HELP", "Her mum drinks a lot"):
        assert phone.send(text).messages == []
    # ...until she opts in again (START, or YES as Twilio also takes it after a STOP); her
    # words in between were kept for the team.
    assert "999" in text_of(phone.send("Yes"))
    assert phone.send("RESTART").messages == [sms.RESTARTED_TEXT]
    kept = [r for r in queue(sms_var_dir) if r["reference"] not in before and r["reference"] != new[0]["reference"]]
    assert len(kept) == 1
    assert "Her mum drinks a lot" in json.dumps(show(sms_var_dir, kept[0]["reference"]))
    # And a new report begins.
    assert question(phone.send("Hi")) == "concern_description"


def test_help_does_not_advance_and_restart_begins_a_new_report(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    phone.send("Hello")
    assert question(phone.send("I'm worried about my grandson Jack")) == "concern_description"
    helped = phone.send("help")
    assert helped.messages == [sms.HELP_TEXT] and "999" in sms.HELP_TEXT
    # The report carried on where it was: what happened, then his age (his name she gave).
    assert question(phone.send("His dad hits him")) == "child_age"
    before = {r["reference"] for r in queue(sms_var_dir)}
    assert phone.send("Restart").messages == [sms.RESTARTED_TEXT]
    new = [r for r in queue(sms_var_dir) if r["reference"] not in before]
    assert len(new) == 1 and new[0]["status"] == "incomplete"
    assert show(sms_var_dir, new[0]["reference"])["child"]["name"] == "Jack"
    fresh = phone.send("Hello")
    assert "999" in text_of(fresh) and question(fresh) == "concern_description"  # the introduction again


def test_after_the_idle_time_a_message_starts_a_new_report_and_the_old_one_is_queued(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    phone.send("Hello")
    phone.send("I'm worried about my granddaughter Lily")
    before = {r["reference"] for r in queue(sms_var_dir)}
    # Her next message comes 25 hours later (the idle time is 24 h); the sweeper runs every 0.5 s
    # in these tests, so it may seal the old report first: either way it is sealed once.
    age_conversations(sms_var_dir, phone.number, hours=25)
    later = phone.send("Hello again")
    assert question(later) == "concern_description" and "999" in text_of(later)
    new = [r for r in queue(sms_var_dir) if r["reference"] not in before]
    assert len(new) == 1 and new[0]["status"] == "incomplete"
    assert show(sms_var_dir, new[0]["reference"])["child"]["name"] == "Lily"


def test_an_abandoned_report_is_sealed_by_the_sweeper_without_another_message(sms_stack, sms_var_dir, fake_twilio):
    phone = new_phone(sms_stack, fake_twilio)
    phone.send("Hello")
    phone.send("I'm worried about my granddaughter Rosie")
    before = {r["reference"] for r in queue(sms_var_dir)}
    age_conversations(sms_var_dir, phone.number, hours=25)
    deadline = time.monotonic() + 20
    new: list[dict] = []
    while time.monotonic() < deadline and not new:
        time.sleep(0.5)
        new = [r for r in queue(sms_var_dir) if r["reference"] not in before]
    assert len(new) == 1 and new[0]["status"] == "incomplete"
    assert show(sms_var_dir, new[0]["reference"])["child"]["name"] == "Rosie"
    assert database_rows(sms_var_dir, "SELECT count(*) FROM sms_senders WHERE report_open = 1 AND last_seen < datetime('now', '-1 day')") == [(0,)]
