"""Her reply to the read-back: send it, change something, or a note to keep.

"yes" sends it; "no, he's 4 not 5" changes the age and shows the summary again; a plain "no"
asks what to change; words we cannot place are kept, word for word, as a note. "don't know" or
"nothing" to "what would you like to change?" is not a change and not a note: after two such
replies she is offered "1 send it as it is, 2 change something", so it can never loop.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot import extraction
from bot.slots import NO, QUESTIONS, UNKNOWN, YES

CONFIRM = "confirmed"
# Unclear replies at the read-back before she is offered the two numbered choices.
UNCLEAR_BEFORE_CHOICE = 2
# Unclear replies after which it is sent as it is (she was told so): the read-back never loops.
UNCLEAR_BEFORE_SENDING = 4

_SEND = re.compile(
    r"^\s*(?:1|one|send(?:\s+it)?(?:\s+as\s+it\s+is)?|as\s+it\s+is|send\s+it\s+as\s+it\s+is)\s*[.!]?\s*$",
    re.I,
)
_CHANGE = re.compile(r"^\s*(?:2|two|change(?:\s+something)?|change\s+it)\s*[.!]?\s*$", re.I)
# "ok", "that's fine", "send it" to "Is this right?": she is content for it to go.
_CONTENT = re.compile(
    r"^\s*(?:ok(?:ay)?|fine|that'?s\s+(?:fine|ok|okay|right|correct|it)|thats\s+(?:fine|right|it)|correct|right|"
    r"spot\s+on|all\s+(?:good|correct|right)|send(?:\s+it)?(?:\s+please)?|please\s+send(?:\s+it)?|go\s+ahead)\s*[.!]*\s*$",
    re.I,
)
_NOTHING = re.compile(
    r"^\s*(?:nothing|none|no\s+changes?|nothing\s+to\s+change|it'?s\s+(?:fine|ok|okay|right))\s*[.!]?\s*$",
    re.I,
)
# A note worth keeping has some words to it; "hmm" or "what?" is not one.
_MIN_NOTE_WORDS = 3


def _unclear(answers: Mapping[str, Any], updates: dict[str, Any], responses: list[str]) -> None:
    unclear = int(answers.get("readback_unclear") or 0) + 1
    updates["readback_unclear"] = unclear
    updates["awaiting_correction"] = False
    if unclear >= UNCLEAR_BEFORE_SENDING:
        updates[CONFIRM] = YES
        responses.append("utter_sending_as_it_is")


def read_back_turn(
    text: str, answers: Mapping[str, Any], updates: dict[str, Any], responses: list[str]
) -> None:
    """What her reply at the read-back changes, into ``updates`` and ``responses``."""
    offered = int(answers.get("readback_unclear") or 0) >= UNCLEAR_BEFORE_CHOICE
    awaiting = bool(answers.get("awaiting_correction"))
    if offered and _SEND.match(text):
        updates[CONFIRM] = YES
        return
    if _CHANGE.match(text):
        updates["awaiting_correction"] = True
        updates["readback_unclear"] = 0
        return
    changes = {
        k: v for k, v in extraction.apply_correction(text, dict(answers)).items() if k in QUESTIONS
    }
    if changes:
        updates.update(changes)
        # Her words stay too: a change read from a sentence may not carry all of it.
        updates["corrections"] = [*(answers.get("corrections") or []), text]
        updates["awaiting_correction"] = False
        updates["readback_unclear"] = 0
        responses.append("utter_correction_applied")
        return
    said = extraction.parse_yes_no(text)
    if said is None and _CONTENT.match(text):
        said = YES
    if said == YES and not awaiting:
        updates[CONFIRM] = YES
    elif said == NO and not awaiting:
        updates["awaiting_correction"] = True  # "No" on its own: what should change?
    elif (
        said in (UNKNOWN, YES, NO)
        or extraction.is_dont_know(text)
        or _NOTHING.match(text)
        or len(text.split()) < _MIN_NOTE_WORDS
    ):
        _unclear(answers, updates, responses)  # nothing to change, and nothing to add: not a note
    else:
        # Something we cannot map to one answer: keep it, word for word, as a note.
        updates["corrections"] = [*(answers.get("corrections") or []), text]
        updates["awaiting_correction"] = False
        responses.append("utter_correction_noted")
