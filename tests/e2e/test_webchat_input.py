"""Bad input at the web chat webhook gets a clear 4xx or a sensible reply, never a 5xx,
and never costs the reporter her report in progress."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.conftest import post, say, texts
from tests.e2e.test_webchat_report import asked

pytestmark = pytest.mark.e2e


def body(sender: str, message: object) -> bytes:
    return json.dumps({"sender": sender, "message": message}).encode()


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (b'{"sender": "x", "message": ""}', 400, "empty"),
        (b'{"sender": "x", "message": "   \\u200b  "}', 400, "empty"),
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe\xfa not utf-8", 400, "UTF-8"),
        (b'["a", "list"]', 400, "JSON object"),
        (b'{"message": "hello"}', 400, "sender"),
        (b'{"sender": "x", "message": 42}', 400, "string"),
        (b'{"sender": "a/b<script>", "message": "hi"}', 400, "sender"),
        (body("x", "a" * 100_000), 413, "too long"),
    ],
)
def test_malformed_requests_get_a_clear_4xx(stack, raw, status, reason):
    got, answer = post(stack.webchat_url, raw)
    assert got == status
    assert reason in answer["error"]


def test_bad_requests_in_the_middle_do_not_lose_the_report(stack):
    sender = f"keep-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "hello")
    replies = say(stack, sender, "I'm worried about my granddaughter, her name is Amira")
    assert asked(replies) == "concern_description"  # what has happened?
    for raw in (b"{broken", body(sender, ""), body(sender, "x" * 100_000), b"\xff\xfe"):
        got, _ = post(stack.webchat_url, raw)
        assert 400 <= got < 500
    # The conversation is where she left it: her account is still what she is asked for.
    assert asked(say(stack, sender, "Her mum's boyfriend hits her")) == "child_age"
    assert asked(say(stack, sender, "she is 2")) == "child_area"


@pytest.mark.parametrize(
    "message",
    [
        "😢😢 I'm so worried 🙏",
        "مرحبا، أنا قلقة على حفيدتي",  # Arabic, right to left
        "שלום, אני דואגת לנכד שלי",  # Hebrew
        "我很担心我的孙子",
        "Zalgo t̷̢e̸x̵t̴ and \u202eRTL override",
    ],
)
def test_any_script_gets_a_sensible_reply(stack, message):
    replies = say(stack, f"intl-{uuid.uuid4().hex[:8]}", message)
    assert replies and "999" in texts(replies)  # the introduction, with the 999 advice


def test_out_of_scope_mid_report_is_answered_and_the_question_asked_again(stack):
    sender = f"oos-{uuid.uuid4().hex[:8]}"
    say(stack, sender, "hello")
    say(stack, sender, "I'm worried about my grandson Jayden")
    assert asked(say(stack, sender, "His mum's boyfriend hits him")) == "child_age"
    robot = say(stack, sender, "are you a robot?")
    assert "automated assistant" in texts(robot) and asked(robot) == "child_age"
    childline = say(stack, sender, "I'm 13 and my dad hits me")
    assert "0800 1111" in texts(childline) and asked(childline) == "child_age"
    assert asked(say(stack, sender, "he's about six")) == "child_area"
