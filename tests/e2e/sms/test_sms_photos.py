"""Photos by MMS: fetched from (fake) Twilio with our credentials, retried on 429, sealed into
the referral, deleted from Twilio afterwards; and a slow turn answered later by the REST API."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest

from bot import sms
from tests.e2e.sms.conftest import OUR_NUMBER, REPLY_DEADLINE, Phone, database_rows, text_of
from tests.e2e.sms.test_sms_report import REFERENCE, answer_until_sent, queue, question
from tests.e2e.test_webchat_report import show
from tests.fake_twilio import PNG, MediaItem, new_sid

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(sms_stack, fake_twilio) -> Phone:
    return Phone(sms_stack, fake_twilio, "+4477009" + str(uuid.uuid4().int)[:5])


def mms(phone: Phone, fake, item: MediaItem, body: str = "", declared: str | None = None):
    sid = new_sid("MM")
    url = fake.add_media(sid, item)
    return phone.send(body, sid=sid, NumMedia="1", MediaUrl0=url, MediaContentType0=declared or item.content_type), url


def test_a_photo_is_fetched_after_a_429_sealed_into_the_report_and_deleted_from_twilio(phone, sms_var_dir, fake_twilio):
    phone.send("Hello")
    asked = phone.send("My grandson Arthur is 6, I saw bruises on his back")
    sent, url = mms(phone, fake_twilio, MediaItem("image/png", PNG, fail_first=1))
    assert sent.messages[0] == sms.PHOTO_KEPT_TEXT
    assert sent.messages[1:] == asked.messages[-1:]  # and the same question again
    gets = [r for r in fake_twilio.recorded("GET") if url.endswith(r.path)]
    assert len(gets) == 2 and all(r.authorized for r in gets)  # 429, then the photo

    answers = {
        "child_area": "Solihull", "child_school": "don't know", "child_where_now": "1",
        "concern_description": "Bruises on his back", "concern_when": "Yesterday", "injuries_seen": "1",
        "injuries_detail": "Big bruises on his back", "child_said": "no", "poc_description": "his dad's girlfriend",
        "poc_relationship": "dad's partner", "poc_lives_with_child": "1", "household": "his dad", "reported_before": "2",
        "reporter_relationship": "1", "reporter_name": "Stay anonymous", "safe_to_contact": "2", "parent_aware": "2",
        "confirm": "yes", "child_name": "Arthur", "child_age": "6", "concern_more": "no",
        "source": "I saw them myself", "contact_method": "don't know", "safe_times": "don't know",
    }
    reference = REFERENCE.search(text_of(answer_until_sent(phone, sent, answers)[-1])).group(0)

    referral = show(sms_var_dir, reference)
    assert referral["status"] == "complete" and referral["channel"] == "sms"
    [photo] = referral["attachments"]
    assert photo["content_type"] == "image/png" and photo["filename"] == "photo-1.png"
    assert base64.b64decode(photo["data_b64"]) == PNG and photo["size"] == len(PNG)
    # Twilio's copy is deleted, and ours went with it once the referral was sealed.
    deletes = fake_twilio.wait_for("DELETE", url.rsplit("/", 1)[1])
    assert len(deletes) == 1 and deletes[0].authorized
    deadline = time.monotonic() + 10
    while database_rows(sms_var_dir, "SELECT count(*) FROM sms_media")[0][0] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert database_rows(sms_var_dir, "SELECT count(*) FROM sms_media") == [(0,)]


def test_a_photo_then_stop_is_queued_incomplete_with_the_photo(phone, sms_var_dir, fake_twilio):
    phone.send("Hi")
    sent, url = mms(phone, fake_twilio, MediaItem("image/png", PNG), body="This is Maya's arm")
    assert sent.messages[0] == sms.PHOTO_KEPT_TEXT
    before = {r["reference"] for r in queue(sms_var_dir)}
    assert phone.send("STOP").messages == []
    [new] = [r for r in queue(sms_var_dir) if r["reference"] not in before]
    referral = show(sms_var_dir, new["reference"])
    assert referral["status"] == "incomplete"
    assert base64.b64decode(referral["attachments"][0]["data_b64"]) == PNG
    assert "This is Maya's arm" in json.dumps(referral["transcript"])
    assert fake_twilio.wait_for("DELETE", url.rsplit("/", 1)[1])


def test_a_video_or_a_disguised_file_is_not_kept(phone, sms_var_dir, fake_twilio):
    phone.send("Hello")
    sent, url = mms(phone, fake_twilio, MediaItem("video/mp4", b"\x00\x00\x00\x18ftypmp42"))
    assert sms.PHOTO_REFUSED_TEXT in sent.messages and question(sent) == "concern_description"
    assert not [r for r in fake_twilio.requests if url.endswith(r.path)]  # never even fetched
    sent, url = mms(phone, fake_twilio, MediaItem("image/jpeg", b"MZ\x90\x00 not a photo"))
    assert sms.PHOTO_REFUSED_TEXT in sent.messages
    assert database_rows(sms_var_dir, "SELECT count(*) FROM sms_media WHERE status = 'held'") == [(0,)]


def test_a_slow_turn_is_answered_by_the_rest_api_which_retries_twilios_429s(phone, sms_var_dir, fake_twilio):
    first = phone.send("Hello")
    fake_twilio.send_fail_first = 2
    started = time.monotonic()
    sent, _ = mms(phone, fake_twilio, MediaItem("image/png", PNG, delay=REPLY_DEADLINE + 1.5))
    waited = time.monotonic() - started
    assert sent.messages == [] and waited < REPLY_DEADLINE + 1.0  # Twilio is answered in time
    deadline = time.monotonic() + 20
    mine: list = []
    while len(mine) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
        mine = [p for p in fake_twilio.recorded("POST", "Messages.json") if p.form.get("To") == phone.number]
    # The first message was refused twice with 429 and then accepted; then the second went.
    assert [p.form["Body"] for p in mine] == [sms.PHOTO_KEPT_TEXT] * 3 + [first.messages[-1]]
    assert all(p.authorized and p.form["From"] == OUR_NUMBER for p in mine)
    assert mine[2].at - mine[0].at > 0.05  # with a backoff between the tries
