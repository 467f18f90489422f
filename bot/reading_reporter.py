"""Her replies about herself: her name, whether, how and when to contact her, whether the
parent knows and whether it was reported before, and the family's language."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot import extraction_contact as contact
from bot import extraction_mash as mash
from bot import questions as q
from bot.extraction import answer_for, is_anonymous, is_dont_know, parse_yes_no
from bot.extraction_reporter import reported
from bot.extraction_text import Message, is_name_word, same_length
from bot.reading_common import CLAUSES, JUST_YES, Answers, all_unknown, dk, yes_no
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES

_I = re.IGNORECASE


def read_reported(text: str, answers: Mapping[str, Any]) -> Answers | None:
    told = reported(Message.of(text))
    said = parse_yes_no(CLAUSES.split(text.strip())[0]) or (told[0] if told else None)
    if said is None:
        return None if not dk(text) else {"reported_before": UNKNOWN}
    out: Answers = {"reported_before": said}
    if said == YES:
        rest = re.sub(
            r"^\s*(?:y|yes|yeah|yep|i\s+have|we\s+have|i\s+did)\b[\s,.]*",
            "",
            text.strip(),
            flags=_I,
        )
        to_whom = told[1] if told and told[1] else (rest if len(rest.split()) >= 2 else None)
        if to_whom:
            out["reported_to"] = text.strip() if len(text) <= 200 else to_whom
    return out


def read_reporter_name(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if not is_anonymous(text) and (JUST_YES.match(text) or parse_yes_no(text) == NO):
        return None
    return {"reporter_name": answer_for("reporter_name", text)}


_MY_NAME = re.compile(
    r"^\s*(?:(?:my\s+name(?:'s|\s+is)|i'?m|i\s+am|im|it'?s|its|this\s+is|call\s+me)\s+)?"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)(?:\s+here)?\s*$",
    _I,
)
_NOT_A_NAME = frozenset(
    "yes yeah yep no nope ok okay sure fine anonymous skip her his their the a grandad nan gran "
    "grandma aunt auntie uncle neighbour friend mum dad mother father ring call text phone email "
    "safe not never only".split()
)


def name_said(clause: str) -> str | None:
    """Her name, when a short clause is her name ("Pat", "my name is Jean Smith", "it's Dot")."""
    m = _MY_NAME.match(same_length(clause))
    if not m:
        return None
    words = m.group("name").split()
    lower_ok = not any(c.isupper() for c in clause)
    if any(w.lower() in _NOT_A_NAME for w in words) or is_dont_know(clause):
        return None
    if all(is_name_word(w) for w in words) or (lower_ok and all(w.isalpha() for w in words)):
        return (
            clause.strip()[m.start("name") : m.end("name")]
            if m.start("name") < len(clause.strip())
            else None
        )
    return None


def read_name_contact(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_anonymous(text):
        said = contact.read_contact(text)
        return {
            "reporter_name": ANONYMOUS,
            **({"safe_to_contact": NO} if said.get("safe_to_contact") == NO else {}),
        }
    clauses = [c for c in CLAUSES.split(text) if c.strip()]
    name = name_said(clauses[0].strip()) if clauses else None
    rest = ", ".join(clauses[1:]) if name else text
    out: Answers = {"reporter_name": name} if name else {}
    out.update(contact.read_contact(rest) if rest.strip() else {})
    if not out:
        return (
            {"reporter_name": UNKNOWN, "safe_to_contact": UNKNOWN} if is_dont_know(text) else None
        )
    out.setdefault("reporter_name", UNKNOWN)  # she answered the rest, and chose not to say her name
    return out


def read_contact(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"safe_to_contact": UNKNOWN}
    said = contact.read_contact(text)
    return said or None


def read_contact_how(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"contact_method": UNKNOWN}
    said = {k: v for k, v in contact.read_contact(text).items() if k != "safe_to_contact"}
    if "contact_method" not in said and contact.read_contact(text).get("safe_to_contact") == NO:
        return {"safe_to_contact": NO}
    return said if "contact_method" in said else None


def read_contact_when(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"safe_times": UNKNOWN}
    times = contact.safe_times(text)
    return {"safe_times": times if len(text) > 60 else text.strip()} if times else None


def read_parent(text: str, answers: Mapping[str, Any]) -> Answers | None:
    read = yes_no("parent_aware")(text, answers)
    if read is None:
        if len(text.split()) >= 3 and not JUST_YES.match(text):
            # "her mum is at work": an answer, though not a yes or no; her words are kept
            return {"parent_aware": UNKNOWN, "parent_aware_words": text.strip()}
        return None
    why = mash.parent_unaware_why(text) if read["parent_aware"] == NO else None
    return {**read, **({"parent_unaware_why": why} if why else {})}


def read_parent_reported(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """ "no, she would stop me seeing Ellie, no": the first yes or no is whether the parent knows,
    a later one (or "I told the school") whether anyone reported it before."""
    clauses = [c.strip() for c in CLAUSES.split(text) if c.strip()]
    if not clauses:
        return None
    if len(clauses) == 1 and is_dont_know(text):
        return {"parent_aware": UNKNOWN, "reported_before": UNKNOWN}
    out: Answers = dict(read_parent(clauses[0], answers) or {})
    at = next((i for i in range(1, len(clauses)) if reported(Message.of(clauses[i]))), None)
    if at is None:
        at = next(
            (i for i in range(len(clauses) - 1, 0, -1) if parse_yes_no(clauses[i]) is not None),
            None,
        )
    if at is not None:
        out.update(read_reported(", ".join(clauses[at:]), answers) or {})
    if out.get("parent_aware") == NO:
        why = ", ".join(clauses[1:at] if at is not None else clauses[1:])
        if len(why.split()) >= 3 and not is_dont_know(why):
            out["parent_unaware_why"] = why
    return out or None


def read_language(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return all_unknown(q.LANGUAGE, answers)
    out: Answers = {}
    language = mash.first_language(text)
    if language:
        out["first_language"] = language
    interpreter = mash.interpreter_needed(text, asked=True)
    if interpreter:
        out["interpreter_needed"] = interpreter
    return out or None
