"""The short read-back before a report is sent, so the reporter can correct it."""

from __future__ import annotations

from typing import Any, Mapping

from bot.slots import ANONYMOUS, NO, UNKNOWN, YES

_LONGEST_QUOTE = 80  # keeps the read-back within a few SMS segments


def _say(value: Any) -> str:
    if value in (None, "", UNKNOWN):
        return "not known"
    if value == YES:
        return "yes"
    if value == NO:
        return "no"
    text = " ".join(str(value).split())
    return text if len(text) <= _LONGEST_QUOTE else text[: _LONGEST_QUOTE - 3].rstrip() + "..."


def read_back(answers: Mapping[str, Any]) -> str:
    name = answers.get("reporter_name")
    you = "anonymous" if name == ANONYMOUS else _say(name)
    lines = [
        "Here is what you told me:",
        f"Child: {_say(answers.get('child_name'))}, age {_say(answers.get('child_age'))}, "
        f"area {_say(answers.get('child_area'))}, school {_say(answers.get('child_school'))}.",
        f"Your worry: {_say(answers.get('concern_description'))}",
        f"Injuries seen: {_say(answers.get('injuries_seen'))}.",
        f"Person of concern: {_say(answers.get('poc_description'))} "
        f"({_say(answers.get('poc_relationship'))}), lives with the child: {_say(answers.get('poc_lives_with_child'))}.",
        f"You: {_say(answers.get('reporter_relationship'))}, name {you}, "
        f"safe to contact: {_say(answers.get('safe_to_contact'))}.",
        f"Parent knows: {_say(answers.get('parent_aware'))}.",
        'Is this right? Say "yes" to send it, or tell me what to change.',
    ]
    return "\n".join(lines)
