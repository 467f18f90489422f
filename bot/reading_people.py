"""Her replies about people: the person she is worried about, who they are to the child, the
household, and how she knows the child."""

from __future__ import annotations

import re
from typing import Any, Mapping

from bot import extraction_mash as mash
from bot import questions as q
from bot.extraction import answer_for, is_dont_know, parse_yes_no
from bot.extraction_people import person_of_concern
from bot.extraction_relations import poc_relationship_answer, reporter_relationship_answer
from bot.extraction_text import Message, is_name_word, same_length
from bot.reading_common import CLAUSES, JUST_YES, Answers, all_unknown
from bot.slots import NO, UNKNOWN, YES

_I = re.IGNORECASE

_CHILDS = re.compile(r"\b(?:his|her|their|the\s+(?:child|kids?|children)'?s?)\s", _I)
_SHORT_CLAUSE = 5


def read_poc(text: str) -> Answers | None:
    if is_dont_know(text):
        return {"poc_description": UNKNOWN, "poc_relationship": UNKNOWN}
    said = parse_yes_no(text)
    if said == NO or re.match(
        r"^\s*(?:no\s*one|nobody|not\s+really|no\s+one\s+in\s+particular)\b", text, _I
    ):
        return {"poc_description": UNKNOWN, "poc_relationship": UNKNOWN}
    if JUST_YES.match(text):
        return None
    out: Answers = {"poc_description": text.strip()}
    found = person_of_concern(Message.of(text))
    relationship = found[1] if found and found[1] else None
    short = [c for c in CLAUSES.split(text) if 0 < len(c.split()) <= _SHORT_CLAUSE]
    # "my sister's husband, their dad": the words that say who the person is to the child win.
    for clause in sorted(short, key=lambda c: not _CHILDS.search(c)):
        if relationship is None:
            relationship = poc_relationship_answer(clause)
            relationship = None if relationship == "other" else relationship
    if relationship:
        out["poc_relationship"], out["poc_relationship_words"] = relationship, text.strip()
    return out


def read_poc_relationship(text: str) -> Answers | None:
    if is_dont_know(text):
        return {"poc_relationship": UNKNOWN}
    if JUST_YES.match(text) or parse_yes_no(text) == NO and len(text.split()) == 1:
        return None
    return {
        "poc_relationship": poc_relationship_answer(text) or UNKNOWN,
        "poc_relationship_words": text.strip(),
    }


_PERSON_WORDS = {
    "mother": r"mum|mam|mom|mother|mummy",
    "father": r"dad|father|daddy",
    "mother's partner": r"boyfriend|boyfreind|partner|fella|bf|him|he",
    "mother's new partner": r"boyfriend|boyfreind|partner|fella|bf|him|he",
    "father's partner": r"girlfriend|partner|gf|her|she",
    "father's new partner": r"girlfriend|partner|gf|her|she",
    "stepfather": r"step\s?dad|stepfather|step\s?father",
    "stepmother": r"step\s?mum|stepmother|step\s?mother",
}


def mentions_person(household: str, description: str | None, relationship: str | None) -> bool:
    """Whether her household answer names the person of concern ("her mum, Kyle and the baby")."""
    words = [w.strip(",.'") for w in (description or "").split()]
    names = [w for w in words if is_name_word(w)]
    pattern = "|".join(
        [re.escape(n) for n in names]
        + ([_PERSON_WORDS[relationship]] if relationship in _PERSON_WORDS else [])
    )
    return (
        bool(pattern) and re.search(rf"\b(?:{pattern})\b", same_length(household), _I) is not None
    )


def read_household(text: str, answers: Mapping[str, Any], ask_lives: bool) -> Answers | None:
    if JUST_YES.match(text):
        return None
    if is_dont_know(text):
        return all_unknown(q.HOUSEHOLD_POC if ask_lives else q.HOUSEHOLD, answers)
    out: Answers = {"household": text.strip()}
    others, words = mash.other_children(text)
    if others:
        out["other_children_in_home"] = others
        if words:
            out["other_children"] = words
    if answers.get("poc_lives_with_child") is None and answers.get("poc_description") not in (
        None,
        UNKNOWN,
    ):
        lives = answer_for("poc_lives_with_child", text)
        if lives in (YES, NO) and parse_yes_no(text) is None and lives == NO:
            out["poc_lives_with_child"] = NO
        elif mentions_person(text, answers.get("poc_description"), answers.get("poc_relationship")):
            out["poc_lives_with_child"] = YES
        elif ask_lives and parse_yes_no(CLAUSES.split(text)[-1].strip()) in (YES, NO):
            out["poc_lives_with_child"] = parse_yes_no(CLAUSES.split(text)[-1].strip())
    return out


def read_relationship(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"reporter_relationship": UNKNOWN}
    if JUST_YES.match(text):
        return None
    return {
        "reporter_relationship": reporter_relationship_answer(text),
        "reporter_relationship_words": text.strip(),
    }
