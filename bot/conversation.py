"""What one reporter message does to a report in progress.

The Rasa form asks the questions (``bot.questions`` picks which); this decides, for each message,
which answers it gives (``bot.answer_reading``), which facts she volunteered on the way, whether
it is about danger right now, and how a reply at the read-back is taken. Pure: the action server
passes slot values in and turns the result into Rasa events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from bot import extraction, indicators
from bot import questions as q
from bot.answer_reading import plain_answer, read_answer
from bot.extraction_facts import account_facts
from bot.readback import read_back_turn
from bot.slots import QUESTIONS, UNKNOWN, WORDS_SLOTS, is_known

CONFIRM = q.CONFIRM
next_question = q.next_question

# Turns that are not answers. They get their own reply (a rule in data/rules/) and the
# question is asked again. Only when NLU is fairly sure, and only when the reply is not
# plainly an answer to the question asked ("evenings" to "when is it safe to contact you?").
NOT_ANSWERS = frozenset(
    {
        "chitchat",
        "ask_about_service",
        "insult",
        "bot_challenge",
        "adult_at_risk",
        "child_self_report",
        "greet",
        "goodbye",
    }
    # Her questions about the service (bot/her_questions.py):
    | {"ask_confidentiality", "ask_anonymous", "ask_what_next"}
)
NOT_ANSWER_CONFIDENCE = 0.6
# Of those, the kinds a real answer is most often mistaken for: the second time she gives one to
# the same question, it is read as her answer (or the question is left unanswered), never a loop.
LOW_VALUE = frozenset({"chitchat", "greet", "goodbye", "adult_at_risk", "insult"})

# A first message this long that names a safeguarding worry is her account, not an opening.
_MIN_WORDS_FOR_ACCOUNT = 15
# A first message this long is her account even when it names no indicator we know.
_MIN_WORDS_FOR_LONG_ACCOUNT = 25
# A short first message worth keeping as the start of her account ("I'm worried about my grandson").
_MIN_WORDS_FOR_OPENING = 3
# A reply this long, with a worry in it, is part of her account whatever NLU makes of it.
_MIN_WORDS_FOR_NARRATIVE = 6

# Slots a volunteered fact may fill (bookkeeping and words slots come with their category).
_FACT_SLOTS = frozenset(QUESTIONS) | frozenset(WORDS_SLOTS) | {"children", "language_signalled"}


@dataclass
class Turn:
    updates: dict[str, Any] = field(default_factory=dict)
    responses: list[str] = field(default_factory=list)

    @property
    def is_answer(self) -> bool:
        return bool(self.updates)


_OWN_AGE = re.compile(r"\bi(?:'?m|\s+am)\s+(?:only\s+)?\d", re.IGNORECASE)


def _own_age(text: str) -> bool:
    """ "I'm 13 and my dad hits me": a child writing about themselves, never the child's age."""
    return bool(_OWN_AGE.search(text))


def _tells_a_worry(text: str) -> bool:
    return bool(indicators.find(text))


def take_turn(
    text: str,
    intent: str | None,
    confidence: float,
    requested_slot: str | None,
    answers: Mapping[str, Any],
    *,
    returning: bool = False,
) -> Turn:
    """What this message does. ``requested_slot`` is the question she was asked (None for her
    first message, which the introduction answered: any 999 advice was given before it).
    ``returning``: the form is back after a rule answered this message as not an answer."""
    turn = Turn()
    text = text if isinstance(text, str) else ""
    advice = indicators.advice_for(text)
    if requested_slot is not None:
        turn.responses.extend(advice.responses)
    if advice.emergency:
        turn.updates["emergency"] = True
    not_an_answer = intent in NOT_ANSWERS and confidence >= NOT_ANSWER_CONFIDENCE
    # Her story is never chit-chat or about an adult.
    worry = advice.emergency or (
        intent in LOW_VALUE
        and len(text.split()) >= _MIN_WORDS_FOR_NARRATIVE
        and _tells_a_worry(text)
    )
    # A plain answer to the question asked ("evenings") is not chit-chat; a child writing about
    # themselves, or a question about the service, keeps its own reply whatever it holds.
    plain = intent in LOW_VALUE and plain_answer(requested_slot, text)
    if not_an_answer and not worry and not plain:
        retried = list(answers.get("retried") or [])
        asked_again = requested_slot in retried
        if returning and requested_slot not in (None, CONFIRM) and not asked_again:
            turn.updates["retried"] = [*retried, requested_slot]  # counted once a rule answered
            return turn
        if returning or not asked_again:
            return turn  # a rule answers it, and the same question is asked again
        if intent not in LOW_VALUE and (not plain_answer(requested_slot, text) or _own_age(text)):
            # Her question, or a child writing about themselves, is answered by its rule each
            # time; only a plain answer to the question misread twice is taken as her answer.
            return turn

    if requested_slot == CONFIRM:
        read_back_turn(text, answers, turn.updates, turn.responses)
        return turn
    if requested_slot is None:
        _first_message(text, intent if not_an_answer else None, answers, turn)
    else:
        _answer(requested_slot, text, answers, advice.emergency, turn)
    _volunteered(text, requested_slot, answers, turn)
    if "poc_description" in turn.updates or "poc_relationship" in turn.updates:
        turn.updates["poc_referent"] = q.poc_referent({**answers, **turn.updates})
    return turn


def _first_message(
    text: str, not_an_answer: str | None, answers: Mapping[str, Any], turn: Turn
) -> None:
    words = len(text.split())
    if (not_an_answer and not _tells_a_worry(text)) or extraction.is_dont_know(text):
        return  # "hello": she is asked what is worrying her
    told = answers.get("concern_description")
    story = words >= _MIN_WORDS_FOR_LONG_ACCOUNT or (
        words >= _MIN_WORDS_FOR_ACCOUNT and _tells_a_worry(text)
    )
    if story or turn.updates.get("emergency"):
        opening = answers.get("concern_opening")
        earlier = told if is_known(told) else opening
        turn.updates["concern_description"] = f"{earlier}\n{text}" if earlier else text
        turn.updates["account_messages"] = (answers.get("account_messages") or 0) + (
            2 if opening else 1
        )
    elif words >= _MIN_WORDS_FOR_OPENING:
        if is_known(told):
            _add_to_account(text, answers, turn)
        else:  # never the whole account: she is asked what happened
            opening = answers.get("concern_opening")
            turn.updates["concern_opening"] = f"{opening}\n{text}" if opening else text


def earlier_words(texts: list[str]) -> dict[str, Any]:
    """The answers in what she wrote before the report began (a first message that another rule
    answered, e.g. as about an adult): nothing she said is left out of her account."""
    answers: dict[str, Any] = {}
    for text in texts:
        answers.update(take_turn(text, None, 0.0, None, answers).updates)
    return answers


def _answer(question: str, text: str, answers: Mapping[str, Any], danger: bool, turn: Turn) -> None:
    if danger and question not in q.ACCOUNT_QUESTIONS:
        # Danger right now while answering something else: part of her account, not the answer.
        _add_to_account(text, answers, turn)
        return
    got = read_answer(question, text, answers)
    if got is not None:
        turn.updates.update(got)
        return
    if len(text.split()) >= _MIN_WORDS_FOR_NARRATIVE and _tells_a_worry(text):
        _add_to_account(text, answers, turn)  # more of her story, kept with the account
    retried = list(answers.get("retried") or [])
    if question not in retried:
        turn.updates["retried"] = [*retried, question]
        turn.responses.append("utter_not_an_answer")
        return
    # Asked twice: move on, and the referral says it was not answered.
    turn.updates.update({s: v for s, v in q.unanswered(question).items() if answers.get(s) is None})
    turn.updates["unanswered"] = [*(answers.get("unanswered") or []), question]


def _add_to_account(text: str, answers: Mapping[str, Any], turn: Turn) -> None:
    said = turn.updates.get("concern_description", answers.get("concern_description"))
    turn.updates["concern_description"] = f"{said}\n{text}" if is_known(said) else text


def _volunteered(text: str, question: str | None, answers: Mapping[str, Any], turn: Turn) -> None:
    """Facts she volunteers fill answers not yet given, so she is not asked for them again."""
    facts = dict(extraction.extract_facts(text))
    if (
        question is None
        or question in q.ACCOUNT_QUESTIONS
        or turn.updates.get("concern_description")
    ):
        facts.update({k: v for k, v in account_facts(text).items() if k not in facts})
    else:
        facts.update(
            {k: v for k, v in account_facts(text, account=False).items() if k not in facts}
        )
    for slot, value in facts.items():
        if slot in _FACT_SLOTS and answers.get(slot) is None and slot not in turn.updates:
            turn.updates[slot] = value


def known(value: Any) -> Any:
    """An answer as the referral holds it: None for unknown, skipped or never asked."""
    return value if is_known(value) else None


__all__ = [
    "CONFIRM",
    "NOT_ANSWERS",
    "Turn",
    "take_turn",
    "next_question",
    "earlier_words",
    "known",
    "UNKNOWN",
]
