"""What kind of turn a message is, decided with its safeguarding indicators first.

The intent classifier learns words from examples, and relatives write as they talk: "my sons ex
has got a knife and is screaming at the kids" can read like an adult at risk, "hiya my nephew has
burns on his hand" like a greeting, "that useless pig hits the baby" like an insult. A turn taken
as one of those gets its own reply instead of being kept as her account, so the indicators
(``bot.indicators``, explainable rules) are read before the classifier's guess is believed:

- danger right now (``advice_for(text).emergency``) is ``danger_now``, whatever else it reads like;
- any other indicator makes the message part of her account: never chit-chat, a greeting, a
  goodbye, an insult, a question about us or a message for adult services. It becomes the account
  intent the classifier ranked higher (``inform`` or ``report_concern``);
- "adult at risk" stands only for a message about adults alone: one that names a child (a
  grandson, "the kids", "she is 2") is about a child, and so is an indicator with no adult named
  ("her stepdad touches her at night"); a child's account of harm counts as a child's own report
  only when written in the first person by someone under 18;
- with no indicator, a question about the service in her words (``bot.her_questions``) is that
  question, however the classifier read it; one the classifier only guesses at is not.

A reference to an earlier report (``add_to_report``) is left alone: its own step reads it.
Pure: the Rasa component ``rasa_ext.indicators_first`` passes the classifier's ranking in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from bot import her_questions, indicators
from bot.about_whom import mentions_child, names_adult, speaks_as_child

__all__ = ["Decision", "decide", "NOT_ACCOUNT", "ACCOUNT", "DANGER", "SURE_OF_A_QUESTION"]

DANGER = "danger_now"
ACCOUNT = ("report_concern", "inform")
ADULT_AT_RISK = "adult_at_risk"
CHILD_SELF_REPORT = "child_self_report"
FOLLOW_UP = "add_to_report"
# Turns that get a reply of their own instead of being kept as an answer or her account.
NOT_ACCOUNT = frozenset({
    "chitchat", "greet", "goodbye", "insult", "bot_challenge", "ask_about_service",
    ADULT_AT_RISK, CHILD_SELF_REPORT, *her_questions.INTENTS,
})


# The classifier's own guess at one of her questions is believed from this confidence up, as
# bot.conversation believes any turn that is not an answer.
SURE_OF_A_QUESTION = 0.6


@dataclass(frozen=True)
class Decision:
    intent: str
    reason: str  # why the classifier's intent was replaced: a code, never her words


def _account_intent(ranking: Sequence[tuple[str, float]]) -> str:
    ranked = [name for name, _ in ranking if name in ACCOUNT]
    return ranked[0] if ranked else ACCOUNT[0]


def _stands(intent: str, text: str, hits: list) -> bool:
    """Whether a turn that is not an account may keep its intent, given what it tells."""
    if intent == ADULT_AT_RISK:
        return not mentions_child(text) and (not hits or names_adult(text))
    if intent == CHILD_SELF_REPORT:
        return speaks_as_child(text) or not (hits or mentions_child(text))
    return not hits


def decide(
    text: str | None, intent: str | None, ranking: Sequence[tuple[str, float]] = ()
) -> Decision | None:
    """The intent this message must have instead of the classifier's, or None if it stands.

    ``ranking`` is the classifier's (intent, confidence) list, best first.
    """
    text = text or ""
    if intent == FOLLOW_UP or not text.strip():
        return None
    if indicators.advice_for(text).emergency:
        return Decision(DANGER, "danger_now") if intent != DANGER else None
    hits = indicators.find(text)
    question = None if hits else her_questions.asked(text)
    served, reason = intent, ""
    unsure = _confidence(intent, ranking) < SURE_OF_A_QUESTION
    if question is None and intent in her_questions.INTENTS and unsure:
        # Answered only when she clearly asked: a guess would answer a question never asked and,
        # before a report, put the answer before the introduction.
        served, reason = _best_other(ranking), "unsure_question"
    if served in NOT_ACCOUNT and not _stands(served, text, hits):
        served, reason = _account_intent(ranking), "indicator" if hits else "child_named"
    elif question is not None and served not in (ADULT_AT_RISK, CHILD_SELF_REPORT):
        served, reason = question, "question"
    return Decision(served, reason) if served and served != intent else None


def _confidence(intent: str, ranking: Sequence[tuple[str, float]]) -> float:
    return next((c for name, c in ranking if name == intent), 0.0)


def _best_other(ranking: Sequence[tuple[str, float]]) -> str:
    others = (n for n, _ in ranking if n not in her_questions.INTENTS and n != FOLLOW_UP)
    return next(others, ACCOUNT[1])
