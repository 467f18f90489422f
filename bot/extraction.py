"""Reading a reporter's messages: the facts in them, and the answer each one gives.

Pure functions, no Rasa. Values follow ``bot.slots``: free text is kept verbatim (her words, as
she typed them), yes/no answers are ``YES`` / ``NO`` / ``UNKNOWN``, "don't know" on any question
is ``UNKNOWN``, a reporter who stays anonymous is ``ANONYMOUS``. Nothing is ever guessed: when
the words are unclear the result is None / ``{}`` / ``UNKNOWN`` and the bot asks, or keeps her
words as a note.

The work is split by topic, to keep each file readable:
``extraction_age`` (ages), ``extraction_answers`` (yes/no, don't know, anonymous),
``extraction_people`` (names, relationships, the person of concern), ``extraction_places``
(area, school), ``extraction_household`` (does that person live with the child),
``extraction_injuries`` (injuries seen), ``extraction_reporter`` (earlier reports, her name,
safe contact, whether the parent knows) and ``extraction_facts`` (``extract_facts`` itself).
"""

from __future__ import annotations

import re
from typing import Mapping

from bot.extraction_age import AGE_PHRASE, parse_age
from bot.extraction_answers import is_anonymous, is_dont_know, parse_yes_no
from bot.extraction_facts import extract_facts as _extract_facts
from bot.extraction_household import lives_with_child
from bot.extraction_injuries import injuries_seen
from bot.extraction_people import person_of_concern
from bot.extraction_reporter import dont_contact, reported
from bot.extraction_text import Message, fold, is_name_word, lower_same_length, same_length
from bot.slots import ANONYMOUS, NO, QUESTIONS, UNKNOWN, YES, YES_NO_SLOTS

__all__ = [
    "parse_age",
    "parse_yes_no",
    "is_dont_know",
    "is_anonymous",
    "extract_facts",
    "apply_correction",
    "answer_for",
]

_I = re.IGNORECASE


def extract_facts(text: str) -> dict[str, str]:
    """Facts volunteered in any message, keyed by slot name; ``{}`` when nothing is clear.

    Values are her words, verbatim spans of ``text`` ("Tom", "the Hillside estate in Bradford",
    "his mum's new fella", "the school"), except: ``child_age`` is the age phrase ("3 and a half",
    for ``parse_age``); ``reporter_relationship`` is one of "grandparent", "aunt or uncle",
    "neighbour", "family friend", "godparent"; ``poc_relationship`` is normalised ("stepfather",
    "mother's new partner", "uncle", ...); yes/no slots are ``YES`` / ``NO``; ``reporter_name``
    may be ``ANONYMOUS``. Names come only from clear patterns ("my grandson Tom", "called Mia",
    "her name is Lily"); a place or a sentence-initial word is never a name.
    """
    if not isinstance(text, str):
        return {}
    return _extract_facts(text)


# ---------------------------------------------------------------- corrections at the read-back

_LEAD = re.compile(
    r"^\s*(?:(?:no+|nope|sorry|oops|actually|oh|wait|erm|um|well|that'?s\s+wrong|wrong|not\s+quite|correction|"
    r"change\s+(?:it|that)?|it\s+should\s+(?:be|say)|should\s+(?:be|say))\b[\s,.:;!-]*)+",
    _I,
)
_X_NOT_Y = re.compile(r"^(?P<x>[^,.;!?]+?)[\s,;-]+(?:and\s+|but\s+)?not\s+(?P<y>[^,.;!?]+)", _I)
_NOT_Y_X = re.compile(
    r"^not\s+(?P<y>[^,.;!?]+?)\s*(?:,|;|-|\bbut\b)\s*(?:it'?s\s+|it\s+is\s+|he'?s\s+|she'?s\s+|they'?re\s+)?(?P<x>[^,.;!?]+)",
    _I,
)
# The value being given comes after the last of these: "his name is |Tommy", "he's |4", "it's |Leeds".
_CUE = re.compile(
    r".*\b(?:is|was|are|it'?s|its|he'?s|she'?s|hes|shes|they'?re|called|named|lives?\s+in|live\s+in|goes\s+to|"
    r"go\s+to|should\s+be|actually)\s+",
    _I,
)
_FIELD_STATEMENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (slot, re.compile(pattern, _I))
    for slot, pattern in (
        ("reporter_name", r"\bmy\s+name(?:'s|\s+is|\s+should\s+be)\s+(?P<v>[^,.;!?]+)"),
        (
            "child_name",
            r"\b(?:his|her|their|the\s+(?:child|boy|girl|baby)'?s)\s+name(?:'s|\s+is|\s+should\s+be|\s+was)\s+"
            r"(?P<v>[^,.;!?]+)",
        ),
        (
            "child_name",
            r"\b(?:he|she|they)(?:'s|s|\s+is|\s+are|'re)\s+(?:a\s+(?:little\s+)?(?:boy|girl|baby)\s+)?called\s+"
            r"(?P<v>[^,.;!?]+)",
        ),
        ("child_name", r"\b(?:a\s+)?(?:little\s+)?(?:boy|girl|baby)\s+called\s+(?P<v>[^,.;!?]+)"),
        (
            "child_school",
            r"\b(?:the|his|her|their)\s+(?:school|nursery)(?:'s|\s+is|\s+should\s+be)\s+(?:called\s+)?(?P<v>[^,.;!?]+)",
        ),
        ("child_school", r"\b(?:he|she|they)\s+(?:actually\s+)?(?:goes|go)\s+to\s+(?P<v>[^,.;!?]+)"),
        ("child_area", r"\b(?:he|she|they)\s+(?:actually\s+)?(?:lives?|live)\s+(?:in|on|at)\s+(?P<v>[^,.;!?]+)"),
        ("child_area", r"\b(?:the\s+)?(?:area|town|postcode|address)(?:'s|\s+is)\s+(?P<v>[^,.;!?]+)"),
        ("child_age", r"\b(?:he|she)(?:'s|s|\s+is)\s+(?:actually\s+|only\s+|really\s+|just\s+)?(?P<v>[^,.;!?]+)"),
        ("child_age", r"\b(?:his|her|the\s+child'?s)\s+age(?:'s|\s+is)\s+(?P<v>[^,.;!?]+)"),
    )
)
_CLAUSE_END = re.compile(r"\s+(?:and|but|because|cos|by\s+the\s+way|btw|sorry|thanks|please|not)\b.*$", _I)


def _trim(slot: str, value: str) -> str | None:
    """The part of a clause that is the new value, or None when it is not one."""
    if slot == "child_age":  # before the clause is cut: "4 and a half" is one age
        stripped = value.strip()
        m = AGE_PHRASE.match(lower_same_length(stripped))
        return stripped[: m.end("age")] if m and parse_age(m.group("age")) is not None else None
    value = _CLAUSE_END.sub("", value.strip()).strip(" '\"")
    if not value:
        return None
    if slot in ("child_name", "reporter_name"):
        # "Tommy", "Tommy Smith"; typed in lower case, only a short answer is clearly a name.
        words = value.split()
        if words[0][0].isupper():
            n = 1
            while n < min(3, len(words)) and words[n][0].isupper():
                n += 1
            return " ".join(words[:n])
        return " ".join(words) if len(words) <= 2 else None
    return value if len(value) <= 120 else None


def _same(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return fa == fb or re.sub(r"^the ", "", fa) == re.sub(r"^the ", "", fb)


def _slot_holding(old: str, current: Mapping[str, object]) -> tuple[list[str], list[str]]:
    """Slots whose current value is ``old`` (exactly), and those that merely contain it."""
    exact: list[str] = []
    partial: list[str] = []
    folded_old = fold(old)
    if not folded_old:
        return exact, partial
    word = re.compile(rf"(?<![\w']){re.escape(folded_old)}(?![\w'])")
    for slot, value in current.items():
        if slot not in QUESTIONS or slot in YES_NO_SLOTS or not isinstance(value, str):
            continue
        if value in (YES, NO, UNKNOWN, ANONYMOUS):
            continue
        if _same(value, old):
            exact.append(slot)
        elif word.search(fold(value)):
            partial.append(slot)
    old_age = parse_age(old)
    current_age = current.get("child_age")
    if old_age is not None and isinstance(current_age, str) and parse_age(current_age) == old_age:
        if "child_age" not in exact:
            exact.append("child_age")
            partial = [s for s in partial if s != "child_age"]
    return exact, partial


def _guess_field(text: str, new: str, old: str) -> str | None:
    """Which answer an "X not Y" is about when Y matches nothing we hold: only from clear words."""
    if parse_age(new) is not None and parse_age(old) is not None:
        return "child_age"
    folded = fold(text)
    if re.search(r"\bmy name\b", folded):
        return "reporter_name"
    if re.search(r"\bname\b|\bcalled\b", folded):
        return "child_name"
    if re.search(r"\b(?:school|nursery|academy|primary)\b", folded):
        return "child_school"
    if re.search(r"\b(?:live|lives|living|area|postcode|town|estate)\b", folded):
        return "child_area"
    return None


def _with_derived(slot: str, value: str) -> dict[str, str]:
    """A changed person of concern brings its relationship along ("her stepdad" -> "stepfather")."""
    changes = {slot: value}
    if slot == "poc_description":
        poc = person_of_concern(Message.of(value))
        if poc and poc[1]:
            changes["poc_relationship"] = poc[1]
    return changes


def apply_correction(text: str, current: dict[str, str]) -> dict[str, str]:
    """The answers a correction at the read-back changes; ``{}`` when we cannot tell which.

    "no, he's 4 not 5" -> {"child_age": "4"}; "it's Leeds, not Bradford" -> {"child_area": "Leeds"}
    when "Bradford" is the area we hold (the Y of "X not Y" decides which answer changes; when Y is
    only part of an answer, it is replaced inside it: "the Hillside estate in Bradford" becomes
    "the Hillside estate in Leeds"); "the school is Oakwood Academy" -> {"child_school": ...};
    "she's a girl called Mia" -> {"child_name": "Mia"}. Anything else she says that
    ``extract_facts`` understands ("they moved to Leeds") is used last.
    """
    if not text or not isinstance(text, str) or len(text) > 2000:
        return {}
    current = dict(current or {})
    body = _LEAD.sub("", same_length(text)).strip()
    m = _X_NOT_Y.match(body) or _NOT_Y_X.match(body)
    if m:
        cue = _CUE.match(m.group("x"))
        new = (m.group("x")[cue.end() :] if cue else m.group("x")).strip(" '\"")
        old = m.group("y").strip(" '\"")
        exact, partial = _slot_holding(old, current)
        slot = exact[0] if len(exact) == 1 else partial[0] if not exact and len(partial) == 1 else None
        if slot is None and not exact and not partial:
            slot = _guess_field(body, new, old)
        if slot is not None:
            value = _trim(slot, new) if slot in ("child_age", "child_name", "reporter_name") else new
            if value and slot in partial and isinstance(current.get(slot), str):
                held = current[slot]
                at = re.search(re.escape(old), same_length(held), _I)
                value = held[: at.start()] + value + held[at.end() :] if at else value
            if value:
                return _with_derived(slot, value)
    for slot, pattern in _FIELD_STATEMENTS:
        fm = pattern.search(body)
        if fm:
            value = _trim(slot, fm.group("v"))
            if value:
                return _with_derived(slot, value)
    facts = _extract_facts(text)
    return {k: v for k, v in facts.items() if current.get(k) != v}


# ---------------------------------------------------------------- the answer to the question asked

_SAFE = re.compile(r"\bsafe\b|\bfine\b|\bok(?:ay)?\b|\bany\s*time\b", _I)
_NOT_SAFE = re.compile(
    r"\b(?:not|never|isn'?t|wouldn'?t|won'?t)\s+(?:really\s+|be\s+|very\s+)?(?:safe|ok(?:ay)?|fine)\b"
    r"|\bunsafe\b|\bdangerous\b|\bbetter\s+not\b",
    _I,
)
_KNOWS = re.compile(r"\b(?:knows|does\s+know|is\s+aware|told\s+(?:her|him|them))\b", _I)
_NOT_KNOWS = re.compile(
    r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not|dont|won'?t|not|never|no\s+one|nobody)\b[^.!?]{0,40}\b(?:know|aware)"
    r"|\bknows\s+nothing\b|\bunaware\b",
    _I,
)
# "her name is Lily", "he's called Tom": the name, even typed in lower case.
_NAME_ANSWER = re.compile(
    r"^\s*(?:(?:his|her|their|the\s+child'?s)\s+name(?:'s|\s+is)|(?:he|she|they)(?:'s|s|\s+is|'re|\s+are)\s+called|called)"
    r"\s+(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s*[.!]?\s*$",
    _I,
)
# "it's Tom": only when Tom is capitalised, or "it's a boy" would be a name.
_ITS_NAME = re.compile(r"^\s*(?:it'?s|its|it\s+is)\s+(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)\s*[.!]?\s*$", _I)


def _yes_no_from_words(slot: str, text: str) -> str | None:
    """For a yes/no question answered in words ("he moved in", "there were bruises")."""
    msg = Message.of(text)
    if slot == "poc_lives_with_child":
        return lives_with_child(msg, None, loose=True)
    if slot == "injuries_seen":
        return injuries_seen(msg)
    if slot == "reported_before":
        told = reported(msg)
        return told[0] if told else None
    if slot == "safe_to_contact":
        if _NOT_SAFE.search(msg.low) or dont_contact(msg):
            return NO
        return YES if _SAFE.search(msg.low) else None
    if slot == "parent_aware":
        if _NOT_KNOWS.search(msg.low):
            return NO
        return YES if _KNOWS.search(msg.low) else None
    return None


def answer_for(slot: str, text: str) -> str:
    """The value to store when ``text`` answers the question for ``slot``.

    - yes/no questions: ``parse_yes_no``; failing that, a clear yes or no in words ("he moved in",
      "I told the school"); failing that ``UNKNOWN`` (never her words: the slot holds only
      YES / NO / UNKNOWN, and the transcript keeps what she said);
    - the reporter's name: ``ANONYMOUS`` when she wants to stay anonymous ("skip" or "rather not
      say" there is ``UNKNOWN``, like anywhere else: she may still give a way to contact her);
    - any question: ``UNKNOWN`` for "don't know" / "skip", and for an empty answer;
    - the child's name: the name alone when she says "her name is Lily" / "he's called Tom";
    - otherwise her words, stripped of surrounding spaces.
    """
    if not isinstance(text, str):
        return UNKNOWN
    words = text.strip()
    if slot in YES_NO_SLOTS:
        said = parse_yes_no(words)
        if said is None:
            said = _yes_no_from_words(slot, words)
        return said or UNKNOWN
    if slot == "reporter_name" and is_anonymous(words):
        return ANONYMOUS
    if not words or is_dont_know(words):
        return UNKNOWN
    if slot == "child_name":
        m = _NAME_ANSWER.match(same_length(words))
        if m is None:
            m = _ITS_NAME.match(same_length(words))
            if m and not all(is_name_word(w) for w in m.group("name").split()):
                m = None
        if m:
            return words[m.start("name") : m.end("name")]
    return words
