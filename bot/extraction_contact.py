"""How and when the team may contact her: "yes, ring me on 07700 900456 after 6", "evenings",
"text only", "no, he reads my phone".

One answer often gives all three parts of "Is it safe for the team to contact you? If so, how
and when?"; each part is read on its own, and a part that is not there stays None, so the bot
can ask for that part alone. An answer that names no way or no time ("yes" to "when is it safe?")
is not a way or a time.
"""

from __future__ import annotations

import re

from bot.extraction_answers import is_dont_know, parse_yes_no
from bot.extraction_reporter import dont_contact
from bot.extraction_text import Message, same_length
from bot.slots import NO, YES

_I = re.IGNORECASE

_PHONE = re.compile(r"(?<![\d+])(?:\+44[ \t]?\(?0?\)?[ \t]?|0)\d(?:[ \t-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_METHOD_WORDS = re.compile(
    r"\b(?:ring|call|phone|text|txt|sms|e-?mail|message|whats\s?app|write|letter|post|mobile|landline|"
    r"this\s+number|my\s+number|number|in\s+person|visit)\b",
    _I,
)
_BY = (
    ("email", re.compile(r"\be-?mail\b|@", _I)),
    ("text", re.compile(r"\btext|\btxt\b|\bsms\b|\bmessage\b|whats\s?app", _I)),
    (
        "phone",
        re.compile(r"\bring\b|\bcall\b|\bphone\b|\bmobile\b|\blandline\b|\bnumber\b|\d{5}", _I),
    ),
    ("letter", re.compile(r"\bletter\b|\bpost\b|\bwrite\b", _I)),
    ("in person", re.compile(r"\bin\s+person\b|\bvisit\b|\bcome\s+round\b", _I)),
)
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"
_TIME = re.compile(
    rf"\b(?:(?:weekday|week\s+day|weekend|week\s+end)s?|{_DAY}|mornings?|afternoons?|evenings?|nights?|"
    r"night\s*time|day\s*time|daytime|lunch\s*(?:time|times)?|lunchtimes?|tea\s*time|bed\s*time|"
    r"any\s*time|anytime|any\s+day|whenever|all\s+day|today|tonight|tomorrow|now|asap|"
    r"(?:after|before|from|until|till|til|between|around|about|by)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|o'?clock)?|"
    r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|o'?clock)|school\s+hours|office\s+hours|working\s+hours|"
    r"when\s+(?:he|she|they)(?:'s|\s+is|\s+are|'re)\s+(?:at\s+work|out|not\s+(?:in|home|there)|asleep|away)|"
    r"after\s+(?:work|school)|before\s+(?:work|school))\b",
    _I,
)
_ANY = re.compile(r"^\s*(?:any|anytime|whenever|any\s+time|all\s+day|always)\s*[.!]?\s*$", _I)
_CLAUSE = re.compile(r"[,;.!?\n]+|\s+(?:but|and)\s+", _I)


def contact_by(words: str | None) -> list[str]:
    """The ways she names ("phone", "text", "email"...): what the console sorts by."""
    if not words:
        return []
    return [kind for kind, rx in _BY if rx.search(words)]


def contact_method(text: str) -> str | None:
    """The part of her answer that says how to reach her: a number, an address, "text me"."""
    if not text:
        return None
    norm = same_length(text)
    for rx in (_PHONE, _EMAIL):
        m = rx.search(norm)
        if m:
            return _clause_around(text, m.start(), m.end())
    m = _METHOD_WORDS.search(norm)
    if m and not dont_contact(Message.of(text)):
        return _clause_around(text, m.start(), m.end())
    return None


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause of ``text`` holding [start, end): her words for it, without the rest."""
    left = 0
    for m in _CLAUSE.finditer(text):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            return _tidy(text[left : m.start()])
    return _tidy(text[left:])


def _tidy(words: str) -> str:
    words = words.strip(" \t\n,.;")
    return re.sub(r"^(?:yes|yeah|yep|y|ok|okay|sure)\b[\s,]*", "", words, flags=_I).strip() or words


def safe_times(text: str) -> str | None:
    """Her words for when it is safe, from the first time word to the last ("after 6 in the
    evening")."""
    if not text:
        return None
    norm = same_length(text)
    found = [
        m
        for m in _TIME.finditer(norm)
        if not _PHONE.search(norm, max(0, m.start() - 12), m.end() + 12)
    ]
    if not found:
        return next((c.strip() for c in _CLAUSE.split(text) if _ANY.match(c)), None)
    start, end = found[0].start(), found[-1].end()
    if end - start > 80:
        end = found[0].end()
    # "after 6 in the evening": keep the words that join two time words.
    return text[start:end].strip()


def is_times_answer(text: str) -> bool:
    """Whether ``text`` answers "when is it safe to contact you?" (a time, or "don't know")."""
    return is_dont_know(text) or safe_times(text) is not None


def is_method_answer(text: str) -> bool:
    return is_dont_know(text) or contact_method(text) is not None


def read_contact(text: str) -> dict[str, str]:
    """What an answer to "Is it safe to contact you? If so, how and when?" says, part by part."""
    if not text:
        return {}
    msg = Message.of(text)
    said: dict[str, str] = {}
    if dont_contact(msg):
        said["safe_to_contact"] = NO
    else:
        first = _CLAUSE.split(text.strip(), maxsplit=1)[0]
        answer = parse_yes_no(first) or parse_yes_no(text)
        method = contact_method(text)
        times = safe_times(text)
        if answer is None and (method or times):
            answer = YES  # "ring me on 07700 900456": she gave a way, so it is safe
        if answer is not None:
            said["safe_to_contact"] = answer
        if answer != NO:
            if method:
                said["contact_method"] = method
            if times:
                said["safe_times"] = times
    return said
