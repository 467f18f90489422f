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
from tests.conversations.runner import TOPICS, topics_asked
from tests.e2e.conftest import familyvoice, say, texts

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"\bFV-[0-9A-Z]{4}-[0-9A-Z]{4}\b")

# The topics of a question, as the conversation set's runner recognises them, named by slot.
_TOPIC_SLOT = {"read_back": "confirm", "account": "concern_description", "anything_else": "concern_more",
               "source": "source", "readback_choice": "readback_choice"}
QUESTIONS = {topic: _TOPIC_SLOT.get(topic, topic) for topic, _ in TOPICS}


def asked_all(replies: list[dict]) -> list[str]:
    """Everything the bot's last question asks for (one question may ask two things), by slot."""
    return [_TOPIC_SLOT.get(t, t) for t in topics_asked("\n\n".join(r.get("text", "") for r in replies))]


def asked(replies: list[dict]) -> str | None:
    """The (first) thing the bot's last question asks for."""
    found = asked_all(replies)
    return found[0] if found else None


def reply_for(slots: list[str], answers: dict[str, list[str] | str]) -> str:
    """Her answer to a question about ``slots``: her answer for each, in one message."""
    parts = []
    for slot in slots:
        answer = answers.get(slot)
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if answer is not None:
            parts.append(answer)
    assert parts, f"no answer for {slots}"
    return ", ".join(parts)


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
        slots = asked_all(replies)
        assert slots, f"no question recognised in: {texts(replies)!r}"
        asked_slots.extend(slots)
        answer = reply_for(slots, answers)
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
        "concern_description": DESCRIPTION,
        "child_area": "They live in Leeds, LS6",
        "child_school": "Little Stars nursery",
        "child_where_now": "At home",
        "concern_when": "Last Sunday",
        "source": "I saw them myself",
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
    # Her account comes first: after "Hello" she is asked what is worrying her, and her short
    # opening is not taken as the whole account: she is asked what happened.
    assert "What is worrying you" in intro
    assert "what has happened" in texts(transcript[1][1])
    # What she already said is not asked again.
    for already_said in ("child_name", "child_age", "reporter_relationship", "poc_description", "poc_relationship",
                         "concern_when"):
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
    assert "Leeds" in referral["child"]["area"]
    # Her own words, verbatim: the opening and what happened.
    assert referral["concern"]["description"].startswith(f"{opening[1]}\n{DESCRIPTION}")
    assert referral["concern"]["injuries_seen"] is True
    assert referral["concern"]["child_said"] == "He said Dean hurt him"
    assert "new" in referral["person_of_concern"]["relationship_to_child"]
    assert referral["person_of_concern"]["relationship_words"] == "His mum's new fella"
    assert referral["person_of_concern"]["lives_with_child"] is True
    assert referral["other_children_in_home"] is True and "baby sister" in referral["other_children"]
    assert referral["previous_reports"] == {"reported_before": False, "to_whom": None}
    assert referral["reporter"]["name"] == "Margaret" and referral["reporter"]["anonymous"] is False
    assert referral["reporter"]["relationship"] == "grandparent"
    assert referral["reporter"]["relationship_words"] == "my grandson"
    assert referral["reporter"]["contact"] == "07700 900123" and referral["reporter"]["contact_by"] == ["phone"]
    assert referral["reporter"]["safe_times"] == "weekday mornings"
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
    assert asked(first) == "concern_description"
    account = say(stack, sender, "I'm worried about my niece")
    assert asked(account) == "concern_description"  # what has happened?
    during = say(stack, sender, "he is hitting her right now")
    assert "call 999" in texts(during)
    assert asked(during) is not None  # and the report carries on
    answers = {slot: "don't know" for slot in QUESTIONS.values()}
    answers.update({"reporter_name": "Stay anonymous", "safe_to_contact": "no", "confirm": "yes",
                    "what_to_change": "nothing"})
    reference, asked_slots, _ = hold_conversation(stack, sender, [], answers, replies=during)
    # In danger right now, where the child is comes first.
    assert asked_slots[0] == "child_where_now"

    referral = show(var_dir, reference)
    assert referral["emergency"] is True and referral["priority"] == "RED"
    danger = [r for r in referral["reasons"] if r["rule"] == "R-DANGER-NOW"]
    assert danger and "hitting her right now" in danger[0]["evidence"]
    # "Don't know" everywhere: unknown stays null, never guessed.
    assert referral["child"]["age_years"] is None and referral["child"]["area"] is None
    assert referral["concern"]["injuries_seen"] is None and referral["parent_aware"] is None
    assert referral["reporter"]["name"] is None and referral["reporter"]["anonymous"] is True
    assert referral["reporter"]["contact"] is None and referral["reporter"]["safe_to_contact"] is None


def test_danger_in_her_first_message_gets_the_999_advice_before_the_introduction(stack, var_dir):
    sender = f"nan-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, "help he is going to kill her")
    said = [r.get("text", "") for r in replies]
    assert "call 999" in said[0] and "This is FamilyVoice" in said[1]  # the advice first
    assert asked(replies) is not None  # and the report carries on
