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


def _known(value: Any) -> bool:
    return value not in (None, "", UNKNOWN)


def _children(answers: Mapping[str, Any]) -> str:
    kids = answers.get("children") or []
    if len(kids) > 1:
        each = ", ".join(
            f"{_say(k.get('name')) if _known(k.get('name')) else 'name not known'}"
            f" (age {_say(k.get('age'))})"
            for k in kids
        )
        return f"Children: {each}."
    return f"Child: {_say(answers.get('child_name'))}, age {_say(answers.get('child_age'))}."


def read_back(answers: Mapping[str, Any]) -> str:
    name = answers.get("reporter_name")
    you = "anonymous" if name == ANONYMOUS else _say(name)
    lines = [
        "Here is what you told me:",
        _children(answers),
        f"Area: {_say(answers.get('child_area'))}. School: {_say(answers.get('child_school'))}.",
        f"Your worry: {_say(answers.get('concern_description'))}",
    ]
    if answers.get("injuries_seen") == YES:
        lines.append(f"Injuries seen: yes. {_say(answers.get('injuries_detail'))}")
    if _known(answers.get("poc_description")):
        lines.append(
            f"Person of concern: {_say(answers.get('poc_description'))} "
            f"({_say(answers.get('poc_relationship'))}), "
            f"lives with the child: {_say(answers.get('poc_lives_with_child'))}."
        )
    if _known(answers.get("household")):
        lines.append(f"Home: {_say(answers.get('household'))}")
    if _known(answers.get("first_language")) or _known(answers.get("interpreter_needed")):
        lines.append(
            f"First language: {_say(answers.get('first_language'))}, "
            f"interpreter: {_say(answers.get('interpreter_needed'))}."
        )
    if _known(answers.get("additional_needs")):
        lines.append(f"Needs: {_say(answers.get('additional_needs'))}")
    contact = (
        "" if name == ANONYMOUS else f", safe to contact: {_say(answers.get('safe_to_contact'))}"
    )
    lines += [
        f"You: {_say(answers.get('reporter_relationship'))}, name {you}{contact}.",
        f"Parent knows: {_say(answers.get('parent_aware'))}.",
        'Is this right? Say "yes" to send it, or tell me what to change.',
    ]
    return "\n".join(lines)
