"""A relative reports by web chat, end to end: real Rasa, real actions, real store, real keys.

The reporter is scripted by what she is asked, not by a fixed order, so the tests say what a
grandmother would notice: which questions she is asked, what she is told, and what the duty
officer finally reads.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from bot.triage import EVIDENCE_JOINER
from tests.e2e.conftest import familyvoice, say, texts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"\bFV-[0-9A-Z]{4}-[0-9A-Z]{4}\b")

# What each question looks like (a fragment of the bot's text) -> a slot name.
QUESTIONS = {
    "child's name": "child_name",
    "How old": "child_age",
    "town or area": "child_area",
    "school or nursery does": "child_school",
    "Where is the child now": "child_where_now",
    "what is worrying you": "concern_description",
    "When did this happen": "concern_when",
    "seen any injuries": "injuries_seen",
    "What did you see": "injuries_detail",
    "child said anything": "child_said",
    "Who are you worried about": "poc_description",
    "How is that person related": "poc_relationship",
    "live with the child": "poc_lives_with_child",
    "Who else lives": "household",
    "told anyone about this before": "reported_before",
    "Who was it reported to": "reported_to",
    "How do you know the child": "reporter_relationship",
    "What is your name": "reporter_name",
    "safe for the team to contact": "safe_to_contact",
    "How should they contact": "contact_method",
    "When is it safe to contact": "safe_times",
    "parent know": "parent_aware",
    "Here is what you told me": "confirm",
    "What would you like to change": "what_to_change",
}


def asked(replies: list[dict]) -> str | None:
    """The question the bot ends its turn with."""
    for reply in reversed(replies):
        for fragment, slot in QUESTIONS.items():
            if fragment in reply.get("text", ""):
                return slot
    return None


def hold_conversation(
    stack, sender: str, opening: list[str], answers: dict[str, list[str] | str],
    replies: list[dict] | None = None, max_turns: int = 40,
):
    """Say the opening lines (or carry on from `replies`), then answer whatever is asked until
    a reference is given."""
    transcript: list[tuple[str, list[dict]]] = []
    asked_slots: list[str] = []
    replies = replies or []
    for line in opening:
        replies = say(stack, sender, line)
        transcript.append((line, replies))
    for _ in range(max_turns):
        found = REFERENCE.search(texts(replies))
        if found:
            return found.group(0), asked_slots, transcript
        slot = asked(replies)
        assert slot is not None, f"no question recognised in: {texts(replies)!r}"
        asked_slots.append(slot)
        answer = answers[slot]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        replies = say(stack, sender, answer)
        transcript.append((answer, replies))
    raise AssertionError(f"no reference after {max_turns} turns; asked {asked_slots}")


def show(var_dir: Path, reference: str) -> dict:
    shown = familyvoice(var_dir, "referrals", "show", reference, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


DESCRIPTION = (
    "His mum's new fella shouts at him all the time. On Sunday I saw bruises on both his arms "
    "and he cried when I took him home."
)


def test_grandmother_reports_by_web_chat_and_the_officer_reads_it_all(stack, var_dir):
    sender = f"gran-{uuid.uuid4().hex[:8]}"
    opening = ["Hello", "I'm worried about my grandson Tom, he is 3 and a half"]
    answers = {
        "child_area": "They live in Leeds, LS6",
        "child_school": "Little Stars nursery",
        "child_where_now": "At home",
        "concern_description": DESCRIPTION,
        "concern_when": "Last Sunday",
        "injuries_seen": "Yes",
        "injuries_detail": "Bruises on both arms, like finger marks",
        "child_said": "He said Dean hurt him",
        "poc_lives_with_child": "Yeah he moved in",
        "household": "His mum and his baby sister",
        "reported_before": "No",
        "reporter_name": "Margaret",
        "safe_to_contact": "Yes",
        "contact_method": "07700 900123",
        "safe_times": "weekday mornings",
        "parent_aware": "No",
        "confirm": ["No, he's 4 not 3 and a half", "Yes, send it"],
    }
    reference, asked_slots, transcript = hold_conversation(stack, sender, opening, answers)

    intro = texts(transcript[0][1])
    assert "999" in intro and "don't know" in intro and "child protection team" in intro
    # What she already said is not asked again.
    for already_said in ("child_name", "child_age", "reporter_relationship", "poc_description", "poc_relationship"):
        assert already_said not in asked_slots
    # The read-back was shown twice: before and after her correction.
    assert asked_slots.count("confirm") == 2
    closing = texts(transcript[-1][1])
    assert "one working day" in closing and "may not be able to tell you" in closing

    listed = familyvoice(var_dir, "referrals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    row = next(r for r in json.loads(listed.stdout) if r["reference"] == reference)
    assert row["status"] == "complete" and row["channel"] == "webchat" and row["priority"] == "RED"

    referral = show(var_dir, reference)
    assert referral["child"]["name"] == "Tom"
    assert referral["child"]["age_years"] == 4.0  # corrected at the read-back
    assert referral["child"]["area"] == "Leeds, LS6" or "Leeds" in referral["child"]["area"]
    assert referral["concern"]["description"] == DESCRIPTION  # her own words, verbatim
    assert referral["concern"]["injuries_seen"] is True
    assert referral["concern"]["child_said"] == "He said Dean hurt him"
    assert "new" in referral["person_of_concern"]["relationship_to_child"]
    assert referral["person_of_concern"]["lives_with_child"] is True
    assert referral["previous_reports"] == {"reported_before": False, "to_whom": None}
    assert referral["reporter"]["name"] == "Margaret" and referral["reporter"]["anonymous"] is False
    assert referral["reporter"]["relationship"] == "grandparent"
    assert referral["reporter"]["contact"] == "07700 900123"
    assert referral["parent_aware"] is False
    assert referral["priority"] == "RED" and referral["emergency"] is False
    rules = {reason["rule"] for reason in referral["reasons"]}
    assert "R-INJURY-PARTNER" in rules
    reporter_said = " ".join(t["text"] for t in referral["transcript"] if t["speaker"] == "reporter")
    for reason in referral["reasons"]:
        for quote in reason["evidence"].split(EVIDENCE_JOINER):
            assert quote in reporter_said  # evidence is her words, not ours
    # Every turn, both sides, timestamped.
    speakers = [t["speaker"] for t in referral["transcript"]]
    assert speakers.count("reporter") == len(transcript)
    assert "bot" in speakers and all(t["at"] for t in referral["transcript"])

    # The store holds nothing readable about the child, the reporter or the worry.
    database = (var_dir / "familyvoice.db").read_bytes()
    for secret in ("07700 900123", "Margaret", "Little Stars", "finger marks"):
        assert secret.encode() not in database


def test_danger_mid_question_gets_999_in_the_same_turn_and_a_red_emergency(stack, var_dir):
    sender = f"aunt-{uuid.uuid4().hex[:8]}"
    first = say(stack, sender, "Hi")
    assert asked(first) == "child_name"
    during = say(stack, sender, "he is hitting her right now")
    assert "call 999" in texts(during)
    assert asked(during) is not None  # and the report carries on
    answers = {slot: "don't know" for slot in QUESTIONS.values()}
    answers.update({"reporter_name": "Stay anonymous", "confirm": "yes", "what_to_change": "nothing"})
    reference, asked_slots, _ = hold_conversation(stack, sender, [], answers, replies=during)

    referral = show(var_dir, reference)
    assert referral["emergency"] is True and referral["priority"] == "RED"
    danger = [r for r in referral["reasons"] if r["rule"] == "R-DANGER-NOW"]
    assert danger and "hitting her right now" in danger[0]["evidence"]
    # "Don't know" everywhere: unknown stays null, never guessed.
    assert referral["child"]["age_years"] is None and referral["child"]["area"] is None
    assert referral["concern"]["injuries_seen"] is None and referral["parent_aware"] is None
    assert referral["reporter"] == {
        "name": None, "relationship": None, "anonymous": True,
        "contact": None, "safe_to_contact": None, "safe_times": None,
    }
