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

__all__ = ["Decision", "decide", "NOT_ACCOUNT", "ACCOUNT", "DANGER", "mentions_child", "names_adult", "speaks_as_child"]

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


_AGE_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)"
_CHILD = re.compile(
    r"\b(?:grand\s?(?:son|daughter|child|children|kids?|babies|baby|boy|girl)s?|grandaughters?|grandaughter"
    r"|gran(?:d)?kids?|nieces?|nephews?|kids?|kiddies|kiddos?|child(?:ren)?|childs|babys?|babies|bab(?:y|e)\b"
    r"|toddlers?|infants?|newborns?|little\s+(?:ones?|lad|lass|boy|girl|man|un)|lads?\s+(?:next|over)|teen(?:ager)?s?"
    r"|schools?|nursery|nurserys|year\s+\d+|pupils?|step\s?(?:son|daughter|kids?|children)s?|twins|foster(?:ed|ing)?"
    r"|(?:little|young|small|baby|my|his|her|their|the)\s+(?:boy|girl)s?|(?:little|baby|his|her|their)\s+(?:brother|sister)s?"
    # Someone else's son or daughter is, in a report to a child protection team, most often the child.
    r"|(?:his|her|their|\w+'?s)\s+(?:son|daughter|lad|lass)s?)\b"
    rf"|\b(?:is|was|aged?|only|just|turned|nearly|almost|s?he'?s|they'?re)\s+(?:\d{{1,2}}|{_AGE_WORDS})\b(?!\s*(?:am|pm|o'?clock|:|\.\d))"
    r"|\b\d{1,2}\s*(?:yo|y/o|yrs?|years?\s+old|months?|weeks?|wks?)\b",
    re.IGNORECASE,
)
# Ages written as numbers: 18 or over is an adult ("my daughter is 25").
_AGE_NUMBER = re.compile(
    r"\b(?:is|was|aged?|only|just|turned|nearly|almost|s?he'?s|they'?re|i'?m|i\s+am|im)\s+(\d{1,3})\b", re.IGNORECASE
)
# "my grown up son", "her adult daughter": a son or daughter who is not a child.
_GROWN_UP = re.compile(r"\b(?:grown\s?-?\s?up|adult)\s+(?:sons?|daughters?|children|kids)\b", re.IGNORECASE)
_SELF_AS_CHILD = re.compile(
    rf"\b(?:i'?m|i\s+am|im)\s+(?:only\s+|just\s+)?(?:\d{{1,2}}|{_AGE_WORDS})\b(?!\s*(?:am|pm|mins?|minutes))"
    r"|\b(?:i'?m|i\s+am|im)\s+(?:only\s+)?(?:a\s+)?(?:kid|child|teenager|teen|young\s+person|schoolgirl|schoolboy)\b"
    r"|\b(?:hits?|hurts?|beats?|touche[sd]|touch|kicks?|slaps?|punch(?:es)?|scares?|locks?|starves?|shouts\s+at|abuses?|hit)\s+me\b"
    r"|\bme\s+and\s+my\s+(?:little\s+)?(?:brother|sister)s?\b",
    re.IGNORECASE,
)
# Children who are not the writer: a relative's account, even when it quotes the child.
_OTHER_CHILD = re.compile(
    r"\b(?:grand\s?(?:son|daughter|child|children|kids?)s?|grandaughters?|gran(?:d)?kids?|nieces?|nephews?"
    r"|(?:my|our)\s+(?:son|daughter|kids?|children|baby|boy|girl|little\s+one)s?"
    r"|the\s+(?:kids|children|baby|little\s+ones?)|(?:he|she)\s+(?:said|told\s+me|says))\b",
    re.IGNORECASE,
)


# Adults who may be at risk themselves: with an indicator, "adult at risk" needs one named.
_ADULT = re.compile(
    r"\b(?:elderly|pensioners?|dementia|alzheimers?|carers?|care\s+home|nursing\s+home|grown\s?-?\s?up|adults?"
    r"|old\s+(?:lady|man|woman|gentleman|couple|people|person|fella|boy)|learning\s+(?:disabilit\w+|difficult\w+)"
    r"|benefits|pension|(?:my|his|her|our)\s+(?:mum|mam|mom|mother|dad|father|wife|husband|sister|brother|friend"
    r"|auntie|aunt|uncle|nan|gran|grandma|grandad|neighbour|neighbor|cousin|girlfriend|partner|missus|fiancee))\b",
    re.IGNORECASE,
)


def names_adult(text: str) -> bool:
    """Whether ``text`` names an adult who could be the one at risk ("my mum", "the old man")."""
    return bool(_ADULT.search(text)) or any(int(m[1]) >= 18 for m in _AGE_NUMBER.finditer(text))


def mentions_child(text: str) -> bool:
    """Whether ``text`` is about someone under 18: a word for a child, a school, or a child's age."""
    text = _GROWN_UP.sub(" ", text)
    ages = [int(m[1]) for m in _AGE_NUMBER.finditer(text)]
    if ages and all(age >= 18 for age in ages):
        text = _AGE_NUMBER.sub(" ", text)
        text = re.sub(r"\b(?:sons?|daughters?)\b", " ", text, flags=re.IGNORECASE)  # "her son is 22"
    return bool(_CHILD.search(text))


def speaks_as_child(text: str) -> bool:
    """Whether the writer speaks as the child ("I'm 13 and my dad hits me"), not about one."""
    if _OTHER_CHILD.search(text):
        return False
    ages = [int(m[1]) for m in _AGE_NUMBER.finditer(text) if m[0].lower().startswith(("i", "im"))]
    if ages and min(ages) >= 18:
        return False
    return bool(_SELF_AS_CHILD.search(text))


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


def decide(text: str | None, intent: str | None, ranking: Sequence[tuple[str, float]] = ()) -> Decision | None:
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
    if question is None and intent in her_questions.INTENTS and _confidence(intent, ranking) < SURE_OF_A_QUESTION:
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
    return next((n for n, _ in ranking if n not in her_questions.INTENTS and n != FOLLOW_UP), ACCOUNT[1])
