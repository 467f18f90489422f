"""The public SMS webhook against forged, replayed and malformed requests: a clear 4xx or a
sensible reply, never a 5xx, and nothing processed or stored from a request Twilio did not sign."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest

from bot import sms
from tests.e2e.sms.conftest import Phone, database_rows, text_of
from tests.e2e.test_webchat_report import asked

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(sms_stack, fake_twilio) -> Phone:
    return Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])


def stored(var_dir) -> tuple:
    return (
        database_rows(var_dir, "SELECT count(*) FROM sms_replies")[0][0],
        database_rows(var_dir, "SELECT count(*) FROM sms_senders")[0][0],
        database_rows(var_dir, "SELECT count(*) FROM referrals")[0][0],
    )


def test_forged_or_missing_signatures_are_refused_and_nothing_is_kept(phone, sms_var_dir, sms_stack):
    before = stored(sms_var_dir)
    form = phone.form("STOP")
    internal_url = phone.url  # what the Host header says: behind a proxy, never what Twilio signed
    attempts = {
        "no signature": phone.post(urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}),
        "wrong token": phone.send_form(form, phone.sign(form, token="not-the-token")),
        "signed for the Host header": phone.send_form(form, phone.sign(form, url=internal_url)),
        "another field changed": phone.send_form({**form, "Body": "hello"}, phone.sign(form)),
        "garbage": phone.send_form(form, "AAAA"),
    }
    for name, sent in attempts.items():
        assert sent.status == 403, (name, sent.status, sent.body)
    assert stored(sms_var_dir) == before
    # The same request properly signed is accepted: she was never opted out by the forgeries.
    first = phone.send("Hello")
    assert asked([{"text": m} for m in first.messages]) == "concern_description"
    log = next((sms_var_dir / "log").glob("rasa-*.log")).read_text(errors="replace")
    assert "twilio_sms.rejected status=403 reason=bad_signature" in log
    assert "twilio_sms.rejected status=403 reason=unsigned" in log
    assert phone.number.lstrip("+") not in log


def test_bad_input_gets_a_4xx_or_a_sensible_reply_never_a_5xx(phone, sms_var_dir):
    first = phone.send("Hi")
    question = first.messages[-1]
    # An empty message: she is told, and asked the same question again.
    empty = phone.send("")
    assert empty.messages == [sms.EMPTY_TEXT, question]
    # 10 KB of text in one signed request: a sensible reply, and the report goes on.
    long = phone.send("a" * 10_000)
    assert long.messages == [sms.TOO_LONG_TEXT, question]
    # Unknown fields are ignored (Twilio adds new ones); they are still covered by the signature.
    extra = phone.send("Her name is Zofia", FromCity="LEEDS", SomethingNew="1")
    assert extra.status == 200 and "what has happened" in text_of(extra)
    # A body that is not a form: 400, never processed.
    raw = b"Body=%ZZ&From=%2B447700900123"
    assert phone.post(raw, {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}).status == 400
    invalid_utf8 = phone.post(b"Body=%C3%28", {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
    assert invalid_utf8.status == 400
    json_body = phone.post(b'{"Body": "hi"}', {"Content-Type": "application/json", "X-Twilio-Signature": "x"})
    assert json_body.status == 400
    # Far too large to read at all.
    assert phone.post(b"Body=" + b"a" * 70_000, {"Content-Type": "application/x-www-form-urlencoded",
                                                "X-Twilio-Signature": "x"}).status == 413
    # Signed, but From is not a phone number, or MessageSid is missing.
    for bad in ({"From": "hello"}, {"From": ""}, {"MessageSid": ""}):
        form = {**phone.form("hi"), **bad}
        sent = phone.send_form(form)
        assert sent.status == 400, (bad, sent.body)


SCRIPTS = [
    "Zofia ma 4 lata, mieszka w \u0141odzi",  # Polish
    "\u0627\u0644\u0637\u0641\u0644 \u0639\u0645\u0631\u0647 \u0663 \u0633\u0646\u0648\u0627\u062a",  # Arabic, Eastern Arabic digits
    "\u5b69\u5b50\u4e09\u5c81",  # Chinese
    "\u092c\u091a\u094d\u091a\u093e \u0924\u0940\u0928 \u0938\u093e\u0932 \u0915\u093e \u0939\u0948",  # Hindi
    "\u05d4\u05d9\u05dc\u05d3 \u05d1\u05df \u05e9\u05dc\u05d5\u05e9",  # Hebrew
    "\u0420\u0435\u0431\u0451\u043d\u043a\u0443 \u0442\u0440\u0438 \u0433\u043e\u0434\u0430",  # Russian
    "\u0e40\u0e14\u0e47\u0e01\u0e2d\u0e32\u0e22\u0e38\u0e2a\u0e32\u0e21\u0e02\u0e27\u0e1a",  # Thai
    "\uc544\uc774\ub294 \uc138 \uc0b4",  # Korean
    "\u1200\u1208\u1218 \U0001f622\U0001f44d\U0001f3fd \u200f\u202e reversed",  # Ethiopic, emoji, bidi controls
    "\u13a0\u13a1\u13a2 \U00010330\U00010331 \U0001d11e",  # Cherokee, Gothic, musical symbols
]


def test_unicode_from_every_script_is_taken_and_quoted_back_within_three_segments(phone, sms_var_dir):
    phone.send("Hello")
    for text in SCRIPTS:
        sent = phone.send(text)
        assert sent.status == 200 and sent.messages, text
        for message in sent.messages:
            assert sms.segment_count(message) <= 3, message
    sent = phone.send("\u200b\u2028")  # invisible only: empty once cleaned
    assert sent.messages[0] == sms.EMPTY_TEXT


def test_a_leading_slash_cannot_drive_the_dialogue(phone, sms_var_dir):
    phone.send("Hello")
    before = database_rows(sms_var_dir, "SELECT count(*) FROM referrals")[0][0]
    # However many layers of slashes and spaces (or invisible characters) wrap it.
    for text in ("/restart", "/ /restart", "// / /restart", "/\u200b/restart", "\u202e/ /restart"):
        sent = phone.send(text)
        # Read as words ("restart"), not as Rasa's restart intent: nothing sealed, no reset (a
        # reset would show the introduction, with its 999 advice, again).
        assert database_rows(sms_var_dir, "SELECT count(*) FROM referrals")[0][0] == before, text
        assert sent.messages and "999" not in text_of(sent), text
        assert asked([{"text": m} for m in sent.messages]) is not None, text  # the report goes on
