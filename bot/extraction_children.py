"""More than one child: "my grandchildren Mason and Lily, they're 8 and 5", "Ruby is 9 and Jack is
6", "the little boy is about 6 and the girl about 3"; and the answer to "What is the child's name,
and how old are they?" ("Ellie, she's 2", "Mason and Lily, 8 and 5", "don't know their names").

Each child is ``{"name": her words or None, "age": the age phrase or None}``, in the order she
named them. Narrow like every finder (see ``bot.extraction_facts``): names come only from clear
patterns, and when names and ages do not pair up one to one the ages are left for the question.
"""

from __future__ import annotations

import re

from bot.extraction_age import AGE_PHRASE, parse_age
from bot.extraction_answers import is_dont_know
from bot.extraction_text import NOT_NAMES, PLACES, Message, is_name_word, same_length

Child = dict[str, "str | None"]

_NAME = r"[^\W\d_][\w'-]*"
# Plural words for the children: "my grandchildren Mason and Lily", "the kids, Ruby and Jack".
_PLURAL_CHILDREN = (
    r"(?:grand[ -]?(?:children|kids|sons|daughters)|children|kids|nephews|nieces|twins|boys|girls|"
    r"little\s+ones|great[ -]grandchildren)"
)
_NAMES_AFTER_PLURAL = re.compile(
    rf"{_PLURAL_CHILDREN}[ \t]*,?[ \t]+"
    rf"(?P<names>{_NAME}(?:[ \t]*,[ \t]*{_NAME})*[ \t]+(?:and|&)[ \t]+{_NAME})",
    re.IGNORECASE,
)
# "Ruby is 9 and Jack is 6", "Mason (8) and Lily (5)", "Mason who's 8".
_NAME_IS_AGE = re.compile(
    rf"(?<![\w'])(?P<name>{_NAME})"
    rf"(?:[ \t]+is|'s|[ \t]+who'?s|[ \t]+who[ \t]+is|[ \t]*,|[ \t]+aged?)?[ \t]*\(?"
    rf"(?P<age>(?:about|around|nearly|almost)?[ \t]*\d{{1,2}}"
    rf"(?:[ \t]*(?:months?|weeks?|years?|yrs?)(?:[ \t]+old)?)?)\)?"
    rf"(?![\w/])",
)
# "the little boy is about 6 and the girl about 3": children without names, each with an age.
_KID_IS_AGE = re.compile(
    r"(?:the|a|her|his|their)[ \t]+(?:(?:little|baby|older|younger|eldest|youngest|big)[ \t]+)?"
    r"(?P<kid>boy|girl|lad|lass|baby|son|daughter|brother|sister)[ \t]+(?:is[ \t]+|who'?s[ \t]+)?"
    r"(?P<age>(?:about|around|nearly|almost|maybe)?[ \t]*\d{1,2}"
    r"(?:[ \t]*(?:months?|weeks?|years?))?)(?![\w/])",
    re.IGNORECASE,
)
# "they're 8 and 5", "aged 8 and 5", "ages 9 and 6".
_THEIR_AGES = re.compile(
    r"(?:they'?re|they[ \t]+are|theyre|aged|ages|age)[ \t]+"
    r"(?P<ages>(?:about[ \t]+)?\d{1,2}(?:[ \t]*,[ \t]*\d{1,2})*"
    r"[ \t]+(?:and|&)[ \t]+\d{1,2})(?![\w/])",
    re.IGNORECASE,
)
_SPLIT_NAMES = re.compile(r"[ \t]*(?:,|\band\b|&)[ \t]*", re.IGNORECASE)
_AGE_WORDS = frozenset("about around nearly almost maybe years year old months weeks yrs".split())


def _ok_name(word: str, lower_case_ok: bool = False) -> bool:
    if is_name_word(word):
        return True
    low = word.lower()
    return (
        lower_case_ok
        and low.isalpha()
        and low not in NOT_NAMES
        and low not in PLACES
        and low not in _AGE_WORDS
    )


def _names(run: str, lower_case_ok: bool = False) -> list[str] | None:
    parts = [p for p in _SPLIT_NAMES.split(run.strip()) if p]
    if len(parts) < 2 or not all(_ok_name(p, lower_case_ok) for p in parts):
        return None
    return parts


def children_in(text: str) -> list[Child]:
    """Two or more children found in a free account; ``[]`` when it is one child or unclear."""
    if not text:
        return []
    norm = same_length(text)
    named: list[str] = []
    m = _NAMES_AFTER_PLURAL.search(norm)
    if m:
        named = _names(m.group("names")) or []
    pairs = [
        (p.group("name"), p.group("age"))
        for p in _NAME_IS_AGE.finditer(norm)
        if is_name_word(p.group("name")) and parse_age(p.group("age")) is not None
    ]
    if len({name for name, _ in pairs}) >= 2 and (not named or {n for n, _ in pairs} >= set(named)):
        return [{"name": name, "age": age.strip()} for name, age in pairs]
    ages = _ages_listed(norm)
    if named:
        if len(ages) == len(named):
            return [{"name": n, "age": a} for n, a in zip(named, ages)]
        return [{"name": n, "age": None} for n in named]
    kids = [
        (k.group("kid"), k.group("age").strip())
        for k in _KID_IS_AGE.finditer(norm)
        if parse_age(k.group("age")) is not None
    ]
    if len(kids) >= 2:
        return [{"name": None, "age": age} for _, age in kids]
    return []


def _ages_listed(norm: str) -> list[str]:
    m = _THEIR_AGES.search(norm)
    if not m:
        return []
    return [a.strip() for a in _SPLIT_NAMES.split(m.group("ages")) if a.strip()]


# ---------------------------------------------------------------- the answer to "name and age?"

_NAME_LEAD = re.compile(
    r"^\s*(?:(?:his|her|their|the\s+(?:child|kids?|children|boy|girl|baby)'?s?)\s+names?(?:'s|\s+is|\s+are|s)?"
    r"|(?:he|she|they)(?:'s|s|\s+is|\s+are|'re)?\s+called|called|names?|it'?s|its|it\s+is)\s+",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[,.;!?\n]+|\s+-\s+")
_NOT_NAME_CLAUSE = re.compile(
    r"\b(?:don'?t|dont|dunno|not\s+sure|no\s+idea|know|idk|he|she|they|it|is|was|goes|lives?|school)\b",
    re.IGNORECASE,
)


def ages_in_answer(text: str) -> list[str]:
    """Every age phrase in an answer to "how old?", in order: "8 and 5" is two."""
    if not text or is_dont_know(text):
        return []
    msg = Message.of(text[:500])
    found = []
    for m in AGE_PHRASE.finditer(msg.low):
        phrase = text[m.start("age") : m.end("age")]
        if parse_age(phrase) is not None:
            found.append(phrase.strip())
    return found


def names_in_answer(text: str) -> list[str]:
    """The names in an answer to "what is the child's name?": "Tom", "Mason and Lily", "jayden"."""
    if not text or is_dont_know(text):
        return []
    norm = same_length(text[:500])
    lower_case_ok = not any(c.isupper() for c in norm)
    for clause in _CLAUSES.split(norm):
        clause = clause.strip()
        if not clause:
            continue
        lead = _NAME_LEAD.match(clause)
        body = clause[lead.end() :] if lead else clause
        # Cut what follows the names: "Riley hes 4" -> "Riley".
        words = body.split()
        kept: list[str] = []
        for word in words:
            bare = word.strip("'\"()")
            if bare.lower() in ("and", "&"):
                kept.append("and")
                continue
            if AGE_PHRASE.fullmatch(bare.lower()) or not _ok_name(
                bare, lower_case_ok or bool(lead)
            ):
                break
            kept.append(bare)
        while kept and kept[-1] == "and":
            kept.pop()
        if not kept or (not lead and _NOT_NAME_CLAUSE.search(body) and len(kept) < len(words) - 2):
            continue
        if len(kept) > 4:
            continue
        run = " ".join(kept)
        several = _names(run, True)
        if several:
            return several
        if "and" not in kept and len(kept) <= 2:
            return [run]
    return []


def children_from_answer(text: str, asked_name: bool, asked_age: bool) -> list[Child]:
    """Children from an answer to the name and/or age question, names and ages paired in order."""
    names = names_in_answer(text) if asked_name else []
    ages = ages_in_answer(text) if asked_age else []
    count = max(len(names), len(ages))
    if count == 0:
        return []
    if names and ages and len(names) != len(ages):
        ages = []  # "Mason and Lily, 8" does not say whose age it is
    return [
        {"name": names[i] if i < len(names) else None, "age": ages[i] if i < len(ages) else None}
        for i in range(count)
    ]
