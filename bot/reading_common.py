"""What the readers of her replies share: clause splitting, "don't know", plain yes."""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from bot import questions as q
from bot.extraction import answer_for, is_dont_know, parse_yes_no
from bot.slots import UNKNOWN

_I = re.IGNORECASE

Answers = dict[str, Any]  # the answer slots a reply fills
CLAUSES = re.compile(r"[,;!?\n]+|\.(?=\s|$)")
NOTHING = re.compile(
    r"^\s*(?:no+|nope|nah|n|nothing(?:\s+else)?|no(?:thing)?\s+(?:else|more)|that'?s\s+(?:all|it|everything)"
    r"|thats\s+(?:all|it|everything)|not\s+really|i\s+don'?t\s+think\s+so)\b",
    _I,
)
JUST_YES = re.compile(r"^\s*(?:y|yes|yeah|yep|yup|ok|okay|sure|aye)\s*[.!]?\s*$", _I)


def dk(text: str) -> bool:
    return is_dont_know(text) or any(is_dont_know(c) for c in CLAUSES.split(text) if c.strip())


def all_unknown(question: str, answers: Mapping[str, Any]) -> Answers:
    return {slot: v for slot, v in q.unanswered(question).items() if answers.get(slot) is None}


def yes_no(slot: str) -> Callable[[str, Mapping[str, Any]], Answers | None]:
    def read(text: str, answers: Mapping[str, Any]) -> Answers | None:
        value = answer_for(slot, text)
        if value == UNKNOWN and not dk(text) and parse_yes_no(text) is None:
            return None
        return {slot: value}

    return read


def free_text(slot: str) -> Callable[[str, Mapping[str, Any]], Answers | None]:
    def read(text: str, answers: Mapping[str, Any]) -> Answers | None:
        if JUST_YES.match(text):
            return None
        return {slot: UNKNOWN if is_dont_know(text) else text.strip()}

    return read
