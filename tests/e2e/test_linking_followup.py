"""Joining up and coming back, end to end over web chat: real Rasa, actions, store and keys.

Two relatives describe the same toddler in different words: the second referral names the first
and goes up a level. A grandmother chooses a PIN, comes back in a new conversation and adds to
her report; the duty officer reads the addition. Wrong PIN and unknown reference get the same
reply, and too many tries lock, whatever the reference.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import familyvoice, say, texts
from tests.e2e.test_webchat_report import QUESTIONS, hold_conversation, show

pytestmark = pytest.mark.e2e

PIN = "73910462"  # 8 digits: cannot turn up by chance in a timestamp's microseconds
CALM = "He has been very quiet and withdrawn for a few weeks"
NOT_FOUND = "cannot find a report with that reference and PIN"


def short_answers(**given: str) -> dict[str, str]:
    """The worry and an anonymous "yes, send it"; "don't know" to everything else."""
    answers = {slot: "don't know" for slot in QUESTIONS.values()}
    answers.update({"concern_description": CALM, "reporter_name": "Stay anonymous", "confirm": "Yes, send it"})
    return {**answers, **given}


def report(stack, *, opening: str, area: str) -> tuple[str, list[dict]]:
    sender = f"relative-{uuid.uuid4().hex[:8]}"
    reference, _, transcript = hold_conversation(stack, sender, [opening], short_answers(child_area=area))
    return reference, transcript[-1][1]


def without_recipient(replies: list[dict]) -> list[dict]:
    return [{key: value for key, value in reply.items() if key != "recipient_id"} for reply in replies]


def row(var_dir: Path, reference: str) -> dict:
    listed = familyvoice(var_dir, "referrals", "list", "--json", "--limit", "1000")
    assert listed.returncode == 0, listed.stderr
    return next(r for r in json.loads(listed.stdout) if r["reference"] == reference)


def test_two_relatives_describing_the_same_toddler_are_joined_up(stack, var_dir):
    first, _ = report(stack, opening="I'm worried about my grandson Teddy, he is 3", area="Leeds LS6")
    second, _ = report(stack, opening="I'm worried about my nephew Theodore, he's about three and a half",
                       area="LS6 2AB")
    other, _ = report(stack, opening="I'm worried about my granddaughter Matilda, she is 3", area="LS6 2AB")

    assert row(var_dir, first)["priority"] == "GREEN"
    assert row(var_dir, second)["priority"] == "AMBER"  # the same worry, one level up
    referral = show(var_dir, second)
    assert [(link["reference"], link["matched_fields"], link["strength"]) for link in referral["linked_references"]] == [
        (first, ["name", "age", "district"], "likely")
    ]
    repeat = referral["reasons"][0]
    assert repeat["rule"] == "R-REPEAT" and "1 earlier referral" in repeat["evidence"]
    # A different child of the same age in the same district is not joined to them.
    assert show(var_dir, other)["linked_references"] == []
    assert row(var_dir, other)["priority"] == "GREEN"

    database = (var_dir / "familyvoice.db").read_bytes()
    for plain in (b"Theodore", b"theodore", b"Teddy", b"Matilda"):
        assert plain not in database


def test_she_chooses_a_pin_comes_back_and_adds_to_her_report(stack, var_dir):
    sender = f"gran-{uuid.uuid4().hex[:8]}"
    opening = ["I'm worried about my grandson Alfie"]
    reference, _, transcript = hold_conversation(stack, sender, opening, short_answers(child_name="Alfie"))
    offer = texts(transcript[-1][1])
    assert "choose a PIN" in offer and "cannot be used to read your report" in offer

    assert "easy to guess" in texts(say(stack, sender, "1234"))
    assert "same numbers again" in texts(say(stack, sender, PIN))
    done = texts(say(stack, sender, PIN))
    assert "your PIN is set" in done and reference in done

    # Days later, on another device: a new conversation.
    back = f"gran-again-{uuid.uuid4().hex[:8]}"
    assert "PIN you chose" in texts(say(stack, back, f"I want to add to my report {reference}"))
    wrong_pin = texts(say(stack, back, "24681357"))
    assert NOT_FOUND in wrong_pin and "reference of your report" in wrong_pin
    assert "PIN you chose" in texts(say(stack, back, reference.lower().replace("-", " ")))
    assert "What would you like to add" in texts(say(stack, back, PIN))
    added = texts(say(stack, back, "He had a new bruise on his cheek today"))
    assert f"added that to your report {reference}" in added
    more = texts(say(stack, back, "and his sister is scared of the new boyfriend"))
    assert reference in more  # from now on this conversation adds to the same report

    # Another time, the news comes with the reference: added once the PIN checks out.
    third = f"gran-third-{uuid.uuid4().hex[:8]}"
    news = f"{reference} he was crying at the window again this morning"
    assert "PIN you chose" in texts(say(stack, third, news))
    assert f"added that to your report {reference}" in texts(say(stack, third, PIN))

    referral = show(var_dir, reference)
    assert [a["text"] for a in referral["additions"]] == [
        "He had a new bruise on his cheek today", "and his sister is scared of the new boyfriend", news
    ]
    everything = json.dumps(referral)
    assert PIN not in everything and "24681357" not in everything  # no PIN in the report
    assert PIN.encode() not in (var_dir / "familyvoice.db").read_bytes()


def test_wrong_pin_and_unknown_reference_get_the_same_reply_and_tries_are_limited(stack, var_dir):
    sender = f"owner-{uuid.uuid4().hex[:8]}"
    reference, _, _ = hold_conversation(stack, sender, ["I'm worried about a little girl next door"], short_answers())
    say(stack, sender, PIN)
    assert "PIN is set" in texts(say(stack, sender, PIN))
    unknown = "FV-0000-0000" if reference != "FV-0000-0000" else "FV-0000-0001"

    def attempt(who: str, ref: str, pin: str) -> list[dict]:
        say(stack, who, f"I want to add to my report {ref}")
        return say(stack, who, pin)

    wrong = attempt(f"x-{uuid.uuid4().hex[:6]}", reference, "86420975")
    missing = attempt(f"y-{uuid.uuid4().hex[:6]}", unknown, PIN)
    assert without_recipient(wrong) == without_recipient(missing)  # word for word, buttons and all
    assert NOT_FOUND in texts(wrong)

    # Per reference: 5 wrong tries from 5 different conversations lock it, even for her.
    for i in range(4):
        assert NOT_FOUND in texts(attempt(f"z{i}-{uuid.uuid4().hex[:6]}", reference, f"8642097{i}"))
    locked = texts(attempt(f"owner-back-{uuid.uuid4().hex[:6]}", reference, PIN))
    assert "too many tries" in locked and NOT_FOUND not in locked
    # An unknown reference locks the same way, so locking does not tell them apart either.
    for i in range(4):
        attempt(f"u{i}-{uuid.uuid4().hex[:6]}", unknown, f"8642097{i}")
    assert "too many tries" in texts(attempt(f"u-{uuid.uuid4().hex[:6]}", unknown, PIN))

    # Per conversation: one sender trying five references in turn is stopped too.
    prober = f"prober-{uuid.uuid4().hex[:6]}"
    say(stack, prober, "add to my report")
    for i in range(5):
        assert "PIN you chose" in texts(say(stack, prober, f"FV-1111-222{i}"))
        assert NOT_FOUND in texts(say(stack, prober, "86420975"))
    assert "PIN you chose" in texts(say(stack, prober, "FV-1111-2229"))
    assert "too many tries" in texts(say(stack, prober, "86420975"))
    # Nothing was added to her report by any of it.
    assert show(var_dir, reference)["additions"] == []
