"""Her replies about what happened and about the child: her account, anything else, name and
age, area and school, when and how she knows, injuries."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot import extraction_mash as mash
from bot import indicators
from bot.extraction import is_dont_know, parse_yes_no
from bot.extraction_children import children_from_answer
from bot.extraction_places import child_area, child_school
from bot.extraction_text import Message, same_length
from bot.reading_common import CLAUSES, JUST_YES, NOTHING, Answers, dk, free_text
from bot.slots import NO, UNKNOWN, YES

_I = re.IGNORECASE

SCHOOL_WORDS = re.compile(
    r"\b(?:school|nursery|primary|primery|academy|high|college|juniors?|infants?|pre-?school|reception|year\s+\d+)\b",
    _I,
)
_NO_SCHOOL = re.compile(
    r"\b(?:no|not|too\s+(?:little|young)|baby|doesn'?t\s+go|don'?t\s+know|dunno|idk|no\s+idea|not\s+sure)\b",
    _I,
)
_SCHOOL_LEAD = re.compile(
    r"^\s*(?:(?:he|she|they)(?:'s|s|\s+is|\s+are|'re)?\s+(?:at|in)|(?:he|she|they)\s+(?:both\s+)?go(?:es)?\s+to"
    r"|(?:they\s+)?both\s+go\s+to|at|goes\s+to)\s+",
    _I,
)
PLACE_NOW = re.compile(
    r"\b(?:home|house|school|nursery|with|at|in|out|here|there|street|park|car|hospital|flat)\b", _I
)
BODY = re.compile(
    r"\b(?:arms?|legs?|face|cheeks?|eyes?|head|neck|back|chest|ribs?|hands?|wrists?|feet|foot|bum|bottom|thighs?|"
    r"stomach|tummy|ears?|nose|mouth|lips?|shoulders?|forearms?|knees?|body|side)\b",
    _I,
)
_MIN_WORDS_FOR_STORY = 15


def read_opening_or_account(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """Her reply to "what is worrying you?": a worry told ("his mum hits him") is her account; a
    short opening ("I'm worried about my grandson Tom") is not yet: she is asked what happened.
    """
    if (
        not is_dont_know(text)
        and len(text.split()) < _MIN_WORDS_FOR_STORY
        and not indicators.find(text)
    ):
        if len(text.split()) < 2:
            return None
        opening = answers.get("concern_opening")
        return {"concern_opening": f"{opening}\n{text}" if opening else text}
    return read_account(text, answers)


def read_account(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if len(text.split()) < 2 and not is_dont_know(text):
        return None
    if is_dont_know(text):
        return {"concern_description": answers.get("concern_opening") or UNKNOWN}
    parts = [p for p in (answers.get("concern_opening"), text) if p]
    return {
        "concern_description": "\n".join(parts),
        "account_messages": (answers.get("account_messages") or 0) + len(parts),
    }


def read_what_happened(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """What happened, and the child's own words if she passes them on with it."""
    read = read_account(text, answers)
    said = child_words(text)
    if read is not None and answers.get("child_said") is None and said:
        read["child_said"] = said
    return read


def read_more(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text) or (NOTHING.match(text) and len(text.split()) <= 6):
        return {"concern_more": NO}
    if JUST_YES.match(text):
        return None  # "yes": there is more, but she has not said it yet
    said = answers.get("concern_description")
    return {
        "concern_more": YES,
        "concern_description": f"{said}\n{text}" if said and said != UNKNOWN else text,
    }


_CHILD_SPEECH = re.compile(
    r"\b(?:(?:he|she|they|[A-Z][a-z]+)\s+(?:said|says|told\s+me|tells\s+me|keeps\s+saying|told\s+(?:her|his)\s+\w+))\b"
    r"|[\"\u201c]",
)


def child_words(text: str) -> str | None:
    """Her words from where she passes on what the child said: "..., he said Dean hurt him"."""
    m = _CHILD_SPEECH.search(same_length(text))
    if m is None:
        return None
    start = max(text.rfind(c, 0, m.start()) for c in ".,;!?\n") + 1
    return text[start:].strip(" ,") or None


def read_more_said(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """ "Anything else, and has the child said anything?": her words go to the account, and to
    what the child said when they report the child's words."""
    read = read_more(text, answers)
    if read is None:
        return None
    if read.get("concern_more") == NO:
        rest = NOTHING.sub("", text).strip(" ,.")
        if rest and len(rest.split()) >= 2 and not is_dont_know(rest):
            read["child_said"] = rest  # "no, she can't really talk yet"
        else:
            read["child_said"] = UNKNOWN
    elif child_words(text):
        read["child_said"] = child_words(text)
    return read


def read_names_ages(
    text: str, answers: Mapping[str, Any], asked_name: bool, asked_age: bool
) -> Answers | None:
    kids = children_from_answer(text, asked_name, asked_age)
    out: Answers = {}
    if kids:
        first = kids[0]
        if asked_name and first["name"]:
            out["child_name"] = first["name"]
        if asked_age and first["age"]:
            out["child_age"] = first["age"]
        if len(kids) > 1:
            known = answers.get("children") or []
            out["children"] = [
                {
                    "name": k["name"] or (known[i].get("name") if i < len(known) else None),
                    "age": k["age"] or (known[i].get("age") if i < len(known) else None),
                }
                for i, k in enumerate(kids)
            ]
    if dk(text):
        if asked_name and "child_name" not in out:
            out["child_name"] = UNKNOWN
        if asked_age and "child_age" not in out:
            out["child_age"] = UNKNOWN
    if (
        not out
        and asked_name
        and not asked_age
        and len(text.split()) >= 3
        and not JUST_YES.match(text)
    ):
        out["child_name"] = text.strip()  # "the little boy at number 12": her words say who
    return out or None


def read_area_school(text: str, asked_area: bool, asked_school: bool) -> Answers | None:
    if (
        JUST_YES.match(text)
        or parse_yes_no(text) in (YES, NO)
        and len(text.split()) <= 2
        and not asked_school
    ):
        return None
    msg = Message.of(text)
    out: Answers = {}
    if is_dont_know(text):
        return {
            slot: UNKNOWN
            for slot, asked in (("child_area", asked_area), ("child_school", asked_school))
            if asked
        }
    clauses = [c for c in re.split(r"(,|;|\.|\band\b)", text)]
    school_clause = next(
        (c for c in clauses if SCHOOL_WORDS.search(c) or _SCHOOL_LEAD.match(c)), None
    )
    if school_clause is None and asked_area and asked_school:
        # "Ossett WF5, she's a baby": a later clause that says there is no school
        school_clause = next((c for c in clauses[1:] if c.strip() and _NO_SCHOOL.search(c)), None)
    if asked_school:
        if (
            school_clause is not None
            and _NO_SCHOOL.search(school_clause)
            and not child_school(Message.of(school_clause))
        ):
            out["child_school"] = UNKNOWN
        elif school_clause is not None:
            named = child_school(Message.of(school_clause))
            out["child_school"] = (
                named or _SCHOOL_LEAD.sub("", school_clause.strip()).strip(" ,.") or UNKNOWN
            )
        elif not asked_area:
            out["child_school"] = UNKNOWN if dk(text) or _NO_SCHOOL.search(text) else text.strip()
    if asked_area:
        rest = text.replace(school_clause, " ") if school_clause else text
        rest = re.sub(r"^[\s,;.]+|[\s,;.]+$", "", re.sub(r"\s+(?:and|,)\s*$", "", rest.strip()))
        found = child_area(msg, None)
        if (
            rest
            and not dk(rest)
            and (
                found
                or any(w[:1].isupper() or any(ch.isdigit() for ch in w) for w in rest.split())
                or len(rest.split()) <= 4
            )
        ):
            out["child_area"] = rest
        elif found:
            out["child_area"] = found
        elif dk(text):
            out["child_area"] = UNKNOWN
    return out or None


def read_when_source(
    text: str, answers: Mapping[str, Any], asked_when: bool, asked_source: bool
) -> Answers | None:
    out: Answers = {}
    when = mash.when_said(text)
    source = mash.source_of(text)
    if asked_source and source:
        out["source"], out["source_words"] = source, text.strip()
    if asked_when and not when and source:
        # "now, I'm in the next room": the clause that is not about how she knows is when
        first = CLAUSES.split(text.strip())[0].strip()
        when = first if first and not mash.source_of(first) and len(first.split()) <= 6 else None
    if asked_when:
        if when:
            out["concern_when"] = text.strip() if not asked_source or not source else when
        elif dk(text) and not source:
            out["concern_when"] = UNKNOWN
        elif not asked_source and not JUST_YES.match(text):
            out["concern_when"] = text.strip()
    if asked_source and "source" not in out and dk(text):
        out["source"] = UNKNOWN
    return out or None


def read_injuries(text: str, answers: Mapping[str, Any]) -> Answers | None:
    read = free_text("injuries_detail")(text, answers)
    when = mash.when_said(text)
    if read and when and answers.get("concern_when") is None:
        read["concern_when"] = when
    source = mash.source_of(text)
    if read and source and answers.get("source") is None:
        read["source"], read["source_words"] = source, text.strip()
    return read
