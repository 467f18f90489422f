"""What she types cannot drive the dialogue (a leading "/" is a Rasa command), and characters
nobody sees cannot change what a duty officer reads: removed before anything is stored, said
so in the referral, and shown as visible codes if any reach the console anyway."""

from __future__ import annotations

import json

import pytest

from bot import invisible, transcript
from bot.inbound import cleaned, parse_webchat_body, without_commands
from bot.sms_inbound import inbound_sms
from tests.e2e.conftest import familyvoice, say, texts
from tests.security.conftest import file_report

RLO, LRI, PDI = "\u202e", "\u2066", "\u2069"
WALES = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"


def body(message: str) -> bytes:
    return json.dumps({"sender": "s-1", "message": message}).encode()


@pytest.mark.parametrize(
    "typed", ["/restart", "/ /restart", "// / /restart", " / / / restart", "/\u200b/restart"]
)
def test_no_number_of_slashes_makes_a_command(typed):
    assert parse_webchat_body(body(typed)).text == "restart"
    assert without_commands(cleaned(typed)[0]) == "restart"


def test_bidirectional_and_invisible_controls_are_removed_and_counted():
    typed = (
        f"He said {RLO}mra sih no sesiurb{PDI} and {LRI}x\u200e\u200f\u2060\u061c\U000e0041\ufeff"
    )
    message = parse_webchat_body(body(typed))
    assert message.text == "He said mra sih no sesiurb and x"
    assert message.removed == 9
    sms = inbound_sms({"MessageSid": "SM" + "0" * 32, "From": "+447700900123", "Body": typed})
    assert (sms.text, sms.removed) == (message.text, message.removed)


def test_what_scripts_and_emoji_need_is_kept():
    for text in (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0645",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        f"Croeso {WALES}",
        "\u2764\ufe0f",
        "line one\nline\ttwo",
    ):
        assert cleaned(text) == (text, 0), text
    assert cleaned("a\r\nb") == ("a\nb", 0)  # a Windows line ending is not a hidden character


def test_the_referral_says_characters_were_removed():
    events = [
        {
            "event": "user",
            "timestamp": 1.0,
            "text": "he hurt her",
            "metadata": {invisible.REMOVED_KEY: 2},
        },
        {"event": "bot", "timestamp": 2.0, "text": "When?"},
        {"event": "user", "timestamp": 3.0, "text": "Sunday", "metadata": {}},
    ]
    told = transcript.turns(events)
    assert told[0].text == "he hurt her [2 invisible formatting characters removed]"
    assert told[2].text == "Sunday"


def test_the_console_shows_any_that_reach_it_as_visible_codes():
    shown = invisible.make_visible(f"bruises on his {RLO}mra{PDI} {WALES}")
    assert shown == f"bruises on his [U+202E]mra[U+2069] {WALES}"
    assert invisible.make_visible(3) == 3


@pytest.mark.e2e
def test_a_slash_wrapped_restart_in_web_chat_does_not_reset_her_report(stack, var_dir):
    sender = "security-slashes"
    opening = "I'm worried about my grandson Tom, he is 3 and a half"
    first = texts(say(stack, sender, opening))
    assert "999" in first or first  # the introduction, once
    reference = file_report(stack, sender, opening="/ /restart")
    done = familyvoice(var_dir, "referrals", "show", reference, "--json")
    referral = json.loads(done.stdout)
    said = [turn["text"] for turn in referral["transcript"] if turn["speaker"] == "reporter"]
    assert said[0] == opening  # the report was not reset: what she said first is in it
    assert "restart" in said


@pytest.mark.e2e
def test_hidden_controls_never_reach_the_referral_and_it_says_so(stack, var_dir):
    sender = "security-bidi"
    reference = file_report(
        stack, sender, opening=f"I'm worried about my grandson Tom{RLO}, he is 3{LRI} and a half"
    )
    referral = json.loads(familyvoice(var_dir, "referrals", "show", reference, "--json").stdout)
    everything = json.dumps(referral, ensure_ascii=False)
    assert RLO not in everything and LRI not in everything
    said = [turn["text"] for turn in referral["transcript"] if turn["speaker"] == "reporter"]
    assert (
        said[0]
        == "I'm worried about my grandson Tom, he is 3 and a half"
        " [2 invisible formatting characters removed]"
    )
    assert referral["child"]["name"] == "Tom"
