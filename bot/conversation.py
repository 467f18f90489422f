"""What one reporter message does to a report in progress.

The Rasa form asks the questions; this decides, for each message, which answers it gives,
whether it is about immediate danger, and how a correction at the read-back is applied.
Pure: the action server passes slot values in and turns the result into Rasa events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from bot import extraction, indicators
from bot.slots import QUESTIONS, UNKNOWN, YES, YES_NO_SLOTS, is_known, required_questions

CONFIRM = "confirmed"

# Turns that are not answers. They get their own reply (a rule in data/rules/) and the
# question is asked again. Only when NLU is fairly sure: a misread answer costs a repeat
# question, a misread chit-chat would store nonsense as an answer.
NOT_ANSWERS = frozenset(
    {"chitchat", "ask_about_service", "insult", "bot_challenge", "adult_at_risk", "child_self_report", "greet", "goodbye"}
)
NOT_ANSWER_CONFIDENCE = 0.6

# Questions whose answer is an account in her own words: a message about danger right now
# is a fair answer to them, but not to "what is the child's name?".
NARRATIVE = frozenset({"concern_description", "concern_when", "injuries_detail", "child_said", "household", "reported_to"})
# Short factual answers: when a clear fact is found ("his name is Tom"), keep the fact.
FACTUAL = frozenset({"child_name", "child_age", "child_area", "child_school"})

# An account this long, given when asked for one, is her answer whatever NLU makes of it:
# "she is left on her own and cries for hours" can read like an adult at risk, and asking
# again would lose it in a loop.
_MIN_WORDS_FOR_NARRATIVE_ANSWER = 6

# A first message that already tells the story is kept as the description, so she is not
# asked to say it all again.
_MIN_WORDS_FOR_ACCOUNT = 8


@dataclass
class Turn:
    updates: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)

    @property
    def is_answer(self) -> bool:
        return bool(self.updates)


def next_question(answers: Mapping[str, Any]) -> str | None:
    """The next unanswered question, the read-back last; None when the report is ready."""
    for question in [*required_questions(dict(answers)), CONFIRM]:
        if answers.get(question) is None:
            return question
    return None


def _is_plain_answer(slot: str | None, text: str) -> bool:
    if slot is None:
        return False
    if extraction.is_dont_know(text):
        return True
    if slot in NARRATIVE and len(text.split()) >= _MIN_WORDS_FOR_NARRATIVE_ANSWER:
        return True
    return (slot in YES_NO_SLOTS or slot == CONFIRM) and extraction.parse_yes_no(text) is not None


def take_turn(
    text: str,
    intent: str | None,
    confidence: float,
    requested_slot: str | None,
    answers: Mapping[str, Any],
) -> Turn:
    turn = Turn()
    advice = indicators.advice_for(text)
    danger = advice.emergency
    turn.responses.extend(advice.responses)
    if danger:
        turn.updates["emergency"] = True
    elif intent in NOT_ANSWERS and confidence >= NOT_ANSWER_CONFIDENCE and not _is_plain_answer(requested_slot, text):
        return turn

    if requested_slot == CONFIRM:
        _confirm_or_correct(text, answers, turn)
        return turn

    facts = extraction.extract_facts(text)
    if requested_slot in QUESTIONS and not (danger and requested_slot not in NARRATIVE):
        fact = facts.get(requested_slot) if requested_slot in FACTUAL else None
        turn.updates[requested_slot] = fact or extraction.answer_for(requested_slot, text)
    elif requested_slot is None and answers.get("concern_description") is None and _tells_the_story(text):
        turn.updates["concern_description"] = text

    # Facts she volunteers fill questions not yet answered, so she is not asked again.
    for slot, value in facts.items():
        if slot in QUESTIONS and answers.get(slot) is None and slot not in turn.updates:
            turn.updates[slot] = value
    return turn


def _tells_the_story(text: str) -> bool:
    return len(text.split()) >= _MIN_WORDS_FOR_ACCOUNT and bool(indicators.find(text))


def _confirm_or_correct(text: str, answers: Mapping[str, Any], turn: Turn) -> None:
    changes = {k: v for k, v in extraction.apply_correction(text, dict(answers)).items() if k in QUESTIONS}
    if changes:
        turn.updates.update(changes)
        # Her words stay too: a change read from a sentence may not carry all of it.
        turn.updates["corrections"] = [*(answers.get("corrections") or []), text]
        turn.updates["awaiting_correction"] = False
        turn.responses.append("utter_correction_applied")
        return
    said = extraction.parse_yes_no(text)
    if said == YES and not answers.get("awaiting_correction"):
        turn.updates[CONFIRM] = YES
    elif said is not None and not answers.get("awaiting_correction"):
        # "No" (or "not sure") on its own: ask what to change before showing the summary again.
        turn.updates["awaiting_correction"] = True
    else:
        # Something we cannot map to one answer: keep it, word for word, as a note.
        turn.updates["corrections"] = [*(answers.get("corrections") or []), text]
        turn.updates["awaiting_correction"] = False
        turn.responses.append("utter_correction_noted")


def known(value: Any) -> Any:
    """An answer as the referral holds it: None for unknown, skipped or never asked."""
    return value if is_known(value) else None


__all__ = ["CONFIRM", "Turn", "take_turn", "next_question", "known", "UNKNOWN"]
