"""What a MASH referral form asks beyond the story: when it happened, whether she saw it herself
or was told, who lives in the home (other children too), the child's first language and whether
an interpreter is needed, disability or additional needs, and why the parent does not know.

Each finder returns her own words (or a category read from them, beside her words) and None when
the words do not say: the bot then asks, where the question is relevant, or leaves it unknown.
"""

from __future__ import annotations

import re

from bot.extraction_answers import is_dont_know, parse_yes_no
from bot.extraction_text import same_length
from bot.slots import NO, YES

_I = re.IGNORECASE
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)

# ---------------------------------------------------------------- when

_WHEN = re.compile(
    rf"\b(?:(?:on|last|this|since|every|most)\s+)?{_DAY}s?(?:\s+(?:night|morning|afternoon|evening|just\s+gone))?\b"
    r"|\b(?:on\s+)?sat(?:\s+just\s+gone)?\b(?=[\s,.!]|$)|\byesterday(?:\s+(?:morning|afternoon|evening))?\b"
    r"|\blast\s+(?:night|week|wk|month|weekend|year|time|summer|christmas|easter)\b"
    r"|\b(?:a\s+few|a\s+couple\s+of|\d{1,2}|one|two|three|four|five|six)\s+(?:days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(?:for|over)\s+(?:the\s+last\s+)?(?:\d{1,2}|a\s+few|two|three|four|six)\s+(?:days|weeks|months|years)\b"
    r"|\bthis\s+(?:morning|afternoon|evening|week|month|year)\b|\btoday\b|\btonight\b|\bright\s+now\b"
    rf"|\bsince\s+(?:{_MONTH}|christmas|easter|the\s+summer|last\s+\w+)\b|\bin\s+{_MONTH}\b"
    r"|\bat\s+(?:christmas|easter|the\s+weekend)\b|\bover\s+the\s+weekend\b|\bearlier\s+today\b",
    _I,
)


def when_said(text: str) -> str | None:
    """Her words for when it happened: "On Saturday", "last week", "two weeks ago"."""
    if not text:
        return None
    m = _WHEN.search(same_length(text))
    return text[m.start() : m.end()].strip() if m else None


# ---------------------------------------------------------------- saw it herself, or was told

SELF, TOLD, BOTH = "self", "told", "both"
_SAW = re.compile(
    r"\bi\s+(?:have\s+|'ve\s+|had\s+)?(?:saw|seen|see|noticed|found|spotted|watched|witnessed|could\s+see|can\s+see"
    r"|hear|heard(?!\s+(?:from|that|it\s+from|about))|was\s+there|were\s+there)\b|\bmyself\b|\bmy\s+own\s+eyes\b"
    r"|\bi'?ve\s+(?:seen|noticed|heard(?!\s+(?:from|that)))\b|\bive\s+seen\b|\bseen\s+it\b|\bsaw\s+it\b",
    _I,
)
_TOLD = re.compile(
    r"\b(?:told|tells|telling)\s+me\b|\bsaid\s+to\s+me\b|\bi\s+was\s+told\b|\bheard\s+(?:from|that|it\s+from|about)\b"
    r"|\b(?:rang|phoned|texted|messaged)\s+me\b|\bdidn'?t\s+see\b|\bdid\s+not\s+see\b|\bsomeone\s+(?:said|told)\b"
    r"|\bshowed\s+me\b",
    _I,
)


def source_of(text: str) -> str | None:
    """SELF (she saw or heard it herself), TOLD (someone told her), BOTH, or None."""
    if not text:
        return None
    norm = same_length(text)
    told = bool(_TOLD.search(norm))
    saw = bool(_SAW.search(re.sub(r"\bdidn'?t\s+see\b|\bdid\s+not\s+see\b", " ", norm, flags=_I)))
    if told and saw:
        return BOTH
    return TOLD if told else SELF if saw else None


# ---------------------------------------------------------------- first language, interpreter

_LANGUAGES = (
    "Polish Romanian Urdu Punjabi Panjabi Arabic Bengali Somali Kurdish Portuguese Lithuanian "
    "Slovak Czech Tigrinya Farsi Pashto Gujarati Welsh French Spanish Italian Chinese Mandarin "
    "Cantonese Turkish Hungarian "
    "Bulgarian Russian Ukrainian Latvian Albanian Hindi Tamil Amharic Sylheti Roma Romani"
).split()
_LANGUAGE = re.compile(r"\b(?P<lang>" + "|".join(_LANGUAGES) + r")\b", _I)
_NO_ENGLISH = re.compile(
    r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not|can'?t|cannot|hardly|barely)\s+(?:speak|understand|talk)\s+"
    r"(?:much\s+|any\s+|very\s+much\s+|good\s+)?english\b|\blittle\s+english\b|\bno\s+english\b",
    _I,
)
_INTERPRETER = re.compile(r"\binterpret\w*|\btranslat\w*", _I)


def first_language(text: str) -> str | None:
    """A language she names for the child or family ("Polish"), capitalised; else None."""
    if not text:
        return None
    found = {m.group("lang").capitalize() for m in _LANGUAGE.finditer(text)}
    return found.pop() if len(found) == 1 else None


def interpreter_needed(text: str, asked: bool = False) -> str | None:
    """YES when an interpreter is wanted or the family speak little English; NO when not needed."""
    if not text:
        return None
    norm = same_length(text)
    if _NO_ENGLISH.search(norm):
        return YES
    m = _INTERPRETER.search(norm)
    if m:
        before = norm[max(0, m.start() - 30) : m.start()].lower()
        return NO if re.search(r"\b(?:no|not|don'?t|doesn'?t|won'?t)\b", before) else YES
    if asked:
        # "Polish, yes the mum would need one": the yes or no after the language.
        for clause in re.split(r"[,;.]", norm):
            said = parse_yes_no(clause.strip())
            if said in (YES, NO):
                return said
    return None


def language_signalled(text: str) -> bool:
    """Whether an account suggests the family may not speak English at home."""
    return bool(text) and (
        first_language(text) not in (None, "Welsh")
        or bool(_NO_ENGLISH.search(text))
        or bool(_INTERPRETER.search(text))
    )


# ---------------------------------------------------------------- disability, additional needs

_NEEDS = re.compile(
    r"\b(?:autis\w*|asd|adhd|non[ -]?verbal|disab\w*|special\s+needs|\bsend?\b"
    r"|learning\s+(?:difficult|disabilit)\w*"
    r"|cerebral\s+palsy|down'?s(?:\s+syndrome)?|deaf|blind|wheelchair|epilep\w*|(?:global|developmental)\s+delay"
    r"|speech\s+delay|can'?t\s+(?:talk|speak|walk)|doesn'?t\s+(?:talk|speak))\b",
    _I,
)
_NEEDS_CLAUSE = re.compile(r"[^,.;!?\n]*")


def additional_needs(text: str) -> str | None:
    """Her words about a disability or additional need ("he's autistic and non verbal")."""
    if not text:
        return None
    norm = same_length(text)
    m = _NEEDS.search(norm)
    if not m:
        return None
    start = max(norm.rfind(c, 0, m.start()) for c in ",.;!?\n") + 1
    end_m = re.search(r"[.;!?\n]", norm[m.end() :])
    end = m.end() + end_m.start() if end_m else len(norm)
    return text[start:end].strip(" ,")


# ---------------------------------------------------------------- the household

_SIBLINGS = re.compile(
    r"\b(?:(?:baby|little|big|older|younger|half|step)[ -]?)?(?:brothers?|sisters?|siblings?)\b"
    r"|\b(?:her|his|their|the\s+other|other|two|three|2|3|4)\s+(?:\w+\s+)?(?:kids|children|boys|girls|babies)\b"
    r"|\bthe\s+baby\b|\btwins?\b",
    _I,
)
_ONLY = re.compile(
    r"\b(?:just|only)\b|\bon\s+(?:her|his|their)\s+own\b|\bthe\s+two\s+of\s+them\b", _I
)
_MEMBERS = (
    (
        "mother's partner",
        r"\b(?:mum|mam|mom|mother)'?s?\s+(?:new\s+)?(?:partner|boyfriend|boyfreind|bf|fella|husband)\b"
        r"|\bthe\s+boyfriend\b|\bher\s+(?:new\s+)?(?:partner|boyfriend|fella)\b",
    ),
    (
        "father's partner",
        r"\b(?:dad|father)'?s?\s+(?:new\s+)?(?:partner|girlfriend|gf|wife)\b|\bthe\s+girlfriend\b"
        r"|\bhis\s+(?:new\s+)?(?:girlfriend|partner)\b",
    ),
    ("stepfather", r"\bstep[ -]?(?:dad|father)\b"),
    ("stepmother", r"\bstep[ -]?(?:mum|mam|mother)\b"),
    ("mother", r"(?<!step )(?<!step-)(?<!step)\b(?:mum|mam|mom|mummy|mother)\b(?!'|s\b)"),
    ("father", r"(?<!step )(?<!step-)(?<!step)\b(?:dad|daddy|father)\b(?!'|s\b)"),
    ("grandparent", r"\b(?:nan|nana|gran|grandma|grandad|grandpa|grandparents?)\b"),
    ("siblings", _SIBLINGS.pattern),
    ("lodger or other adult", r"\b(?:lodger|uncle|aunt|auntie|friend|cousin)\b"),
)
_MEMBER_RES = tuple((label, re.compile(pattern, _I)) for label, pattern in _MEMBERS)


def household_members(text: str | None) -> list[str]:
    """Who lives in the home, as categories the console sorts by, beside her words."""
    if not text or is_dont_know(text):
        return []
    return [label for label, rx in _MEMBER_RES if rx.search(same_length(text))]


def other_children(text: str | None) -> tuple[str | None, str | None]:
    """(YES / NO / None, her words for the other children) from an answer about the household."""
    if not text or is_dont_know(text):
        return None, None
    norm = same_length(text)
    m = _SIBLINGS.search(norm)
    if m:
        start = max(norm.rfind(c, 0, m.start()) for c in ",;\n") + 1
        and_at = max(
            norm.lower().rfind(" and ", start, m.start()),
            norm.lower().rfind(" n ", start, m.start()),
        )
        if and_at >= 0:
            start = and_at + (5 if norm.lower()[and_at : and_at + 5] == " and " else 3)
        return YES, text[start:].strip(" ,.")[:120]
    if _ONLY.search(norm):
        return NO, None
    return None, None


# ---------------------------------------------------------------- why the parent does not know

_LEADING_ANSWER = re.compile(
    r"^\s*(?:no+|nope|nah|n|not\s+yet|she\s+doesn'?t|he\s+doesn'?t|they\s+don'?t)\b[\s,.:;-]*", _I
)


def parent_unaware_why(text: str) -> str | None:
    """Her reason, when she says the parent does not know: "no, she would stop me seeing Ellie"."""
    if not text:
        return None
    rest = _LEADING_ANSWER.sub("", text.strip(), count=1)
    if rest == text.strip() or len(rest.split()) < 3 or is_dont_know(rest):
        return None
    return rest
