"""A child's age, from the words a reporter uses for it, as years (a float) or None.

Triage rules turn on age ("a baby under 1", "a child under 5"), so a wrong number is worse than
none: whenever the words do not give one clear age we return None, and the duty officer reads
the reporter's own words (``child.age_text``) instead.

Choices, so they are made once:
- approximate words keep the stated number: "about six" -> 6.0, "nearly 5" -> 5.0,
  "4ish" -> 4.0, "he'll be 5 in May" -> 5.0 ("nearly 1" is therefore 1.0: triage must also
  read ``age_text`` if it cares about "nearly");
- bounds give no number: "under 1", "over 10", "at least 3", "not even 1" -> None;
- two different ages give none: "4 or 5", "3-4", "he's 3 and his sister is 5" -> None;
- a corrected age keeps the correction: "4 not 5" -> 4.0;
- words alone never guess: "a baby", "toddler", "teenager", "a few months" -> None;
  only "newborn" means 0.0;
- weeks / 52, months / 12, days / 365, rounded to 2 decimal places; more than 25 years -> None;
- numbers that count or date something else are not ages: "2 brothers", "year 3", "2 weeks ago",
  "born 2019", "the 3rd";
- only the first 5,000 characters are read (an answer to "how old?" is short).
"""

from __future__ import annotations

import functools
import re

from bot.extraction_text import fold

MAX_AGE_YEARS = 25.0

_UNITS: dict[str, float] = {}
for _words, _factor in (
    ("year years yr yrs yo y", 1.0),
    ("month months mth mths mnth mnths mo mos", 1 / 12),
    ("week weeks wk wks", 1 / 52),
    ("day days", 1 / 365),
):
    for _w in _words.split():
        _UNITS[_w] = _factor

_SMALL = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
# Tens are recognised so "twenty-one" is 21 (and then too old), never "one".
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_FRACTIONS = {"half": 0.5, "quarter": 0.25, "bit": 0.0}

# Before a number: these make it something other than the child's age ("year 3" is a school
# year, "for 2 years" a duration, "number 12" a house, "no one" nobody).
_NOT_AGE_BEFORE = frozenset(
    "no the every each any that this which some for since past last within after before per at of "
    "number flat house bus room page once twice times year been on in".split()
)
# Before a number: a bound, not an age.
_BOUND_BEFORE = frozenset("under below over above younger older least than upto".split())
_BOUND_PAIRS = frozenset({("not", "yet"), ("not", "even"), ("up", "to")})
# After a bare number (no unit), only these let it stand as an age: "he's 3 and...", "3 now",
# "3 I think". Anything else ("2 brothers", "5 times", "6 feet") means it counts something else.
_FOLLOW_OK = frozenset(
    """
    and now but so i i'm im i'd i think guess reckon believe in next this or not ish maybe probably
    though apparently today soon then yet already he she they we it is was as if when by just
    only too also still nearly almost years year yrs yr old going turning turned max tops roughly
    his her their the bless love x xx xxx sorry please yes no either
    """.split()
)
_RANGE = frozenset({"or", "to", "-", "/"})
_AFTER_UNIT_NOT_AGE = frozenset({"ago", "later", "since", "before", "after", "of", "each", "every"})

# (trigger, pattern, replacement): each rewrite runs only when its trigger occurs at all.
_PRE = [
    ("½", re.compile(r"\s*½"), " and a half "),
    ("¼", re.compile(r"\s*¼"), " and a quarter "),
    ("¾", re.compile(r"\s*¾"), " and three quarters "),
    ("/", re.compile(r"(?<=\d)\s*\b1/2\b"), " and a half "),
    ("/", re.compile(r"(?<=\d)\s*\b1/4\b"), " and a quarter "),
    ("/", re.compile(r"(?<=\d)\s*\b3/4\b"), " and three quarters "),
    ("/", re.compile(r"\by\s*/\s*o\b"), " yo "),
    ("born", re.compile(r"\bnew\s*-?\s*born\b"), " newborn "),
    # A hyphen touching a letter joins words ("4-year-old", "twenty-one"); between digits it is a range.
    ("-", re.compile(r"(?<=[a-z0-9])-(?=[a-z])|(?<=[a-z])-(?=[0-9])"), " "),
]
# An age answer is short; a longer text is read only this far, so a pasted essay stays quick.
_MAX_AGE_TEXT = 5000
_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?[a-z]*|[a-z]+(?:'[a-z]+)*|[^\sa-z0-9]")
_DIGITS = re.compile(r"([0-9]+(?:\.[0-9]+)?)([a-z]*)")


def _tokens(text: str) -> list[str]:
    s = fold(text[:_MAX_AGE_TEXT])
    for trigger, pattern, repl in _PRE:
        if trigger in s:
            s = pattern.sub(repl, s)
    out: list[str] = []
    for tok in _TOKEN.findall(s):
        m = _DIGITS.fullmatch(tok)
        if not m:
            out.append(tok)
            continue
        digits, suffix = m.groups()
        if len(digits.split(".")[0]) > 3:
            out.append("#big")  # a year, a phone number: never an age
        elif suffix in ("st", "nd", "rd", "th"):
            out.append("#ordinal")  # "born on the 3rd"
        elif suffix in ("am", "pm"):
            out.append("#time")
        elif suffix == "" or suffix in _UNITS or suffix == "ish":
            out.append(digits)
            if suffix:
                out.append(suffix)
        else:
            out.append("#code")  # "2ab" in a postcode
    return out


def _ends_like_an_age(nxt: str) -> bool:
    """Whether what follows a bare number lets it stand as an age: the end, "and", "now", an emoji..."""
    if not nxt or nxt in _FOLLOW_OK:
        return True
    # Punctuation or a symbol ends it too, but not "5:30", "50%", or another number ("#big"...).
    return not nxt[0].isalnum() and nxt[0] not in ":%#/£$&@"


def _number_at(toks: list[str], i: int) -> tuple[float, int, bool] | None:
    """(value, next index, came from "a"/"an") for a number starting at toks[i]."""
    tok = toks[i]
    if tok[0] in "0123456789":  # ASCII only: float() would also read other scripts' digits
        return float(tok), i + 1, False
    if tok in _SMALL:
        return float(_SMALL[tok]), i + 1, False
    if tok in _TENS:
        value = _TENS[tok]
        if i + 1 < len(toks) and toks[i + 1] in _SMALL and 0 < _SMALL[toks[i + 1]] < 10:
            return float(value + _SMALL[toks[i + 1]]), i + 2, False
        return float(value), i + 1, False
    if tok in ("a", "an") and i + 1 < len(toks) and toks[i + 1] in ("year", "month", "week", "day"):
        return 1.0, i + 1, True
    return None


def _fraction_at(toks: list[str], j: int) -> tuple[float, int]:
    """ "and a half", "and a bit", "and three quarters" after a number or unit."""
    if j + 2 < len(toks) and toks[j] == "and":
        if toks[j + 1] in ("a", "an") and toks[j + 2] in _FRACTIONS:
            return _FRACTIONS[toks[j + 2]], j + 3
        if toks[j + 1] == "three" and toks[j + 2] in ("quarter", "quarters"):
            return 0.75, j + 3
    return 0.0, j


def _unit_at(toks: list[str], j: int) -> tuple[float | None, int]:
    if j < len(toks) and toks[j] in _UNITS:
        return _UNITS[toks[j]], j + 1
    return None, j


def _quantity_at(toks: list[str], i: int) -> tuple[float, int, bool] | None:
    """(years, next index, has a unit) for an age expression starting at toks[i]."""
    first = _number_at(toks, i)
    if first is None:
        return None
    number, j, from_article = first
    frac, j = _fraction_at(toks, j)
    unit, j = _unit_at(toks, j)
    if unit is None:
        if from_article:
            return None
        return number + frac, j, False
    years = (number + frac) * unit
    if frac == 0.0:
        late_frac, j = _fraction_at(toks, j)  # "a year and a half"
        years += late_frac * unit
    # "1 year and 3 months", "2 years 6 months", "3 weeks and 2 days": smaller units add up.
    while True:
        k = j + 1 if j < len(toks) and toks[j] in ("and", ",") else j
        if k >= len(toks):
            break
        part = _number_at(toks, k)
        if part is None:
            break
        more, k2, _ = part
        more_frac, k2 = _fraction_at(toks, k2)
        more_unit, k2 = _unit_at(toks, k2)
        if more_unit is None or more_unit >= unit:
            break
        years += (more + more_frac) * more_unit
        unit, j = more_unit, k2
    if j < len(toks) and toks[j] == "old":
        j += 1
    return years, j, True


def _find_ages(toks: list[str]) -> tuple[list[float], bool]:
    """Every age stated in the tokens, and whether anything makes the answer unclear."""
    ages: list[float] = []
    unclear = False
    i = 0
    n = len(toks)
    while i < n:
        q = _quantity_at(toks, i)
        if q is None:
            i += 1
            continue
        years, j, has_unit = q
        prev1 = toks[i - 1] if i >= 1 else ""
        prev2 = toks[i - 2] if i >= 2 else ""
        if prev1 in ("not", "isn't", "isnt"):
            # "4 not 5", "he's not 5, he's 4": the number after "not" is the one corrected away.
            i = j
            continue
        # "4 or 5", "3-4", "14/15", "2 or 3 weeks": a range is judged as one expression.
        second = None
        if j + 1 < n and toks[j] in _RANGE:
            second = _quantity_at(toks, j + 1)
        end = second[1] if second else j
        has_unit = has_unit or bool(second and second[2])
        nxt = toks[end] if end < n else ""
        ends_old = toks[end - 1] == "old"
        if (prev2, prev1) in _BOUND_PAIRS or prev1 in _BOUND_BEFORE or prev1 == "between":
            unclear = True  # "under 1", "not yet 1", "at least 3": a bound, not an age
        elif prev1 in _NOT_AGE_BEFORE and not (ends_old and prev1 in ("the", "this", "that")):
            pass  # "year 3", "for 2 years", "number 12", "no one": not the child's age
        elif has_unit and nxt in _AFTER_UNIT_NOT_AGE:
            pass  # "2 weeks ago": when, not how old
        elif not has_unit and not _ends_like_an_age(nxt):
            pass  # "2 brothers", "5 times", "6 feet", "5:30"
        elif second:
            unclear = True  # two ages, so no age
        else:
            ages.append(years)
        i = end
    return ages, unclear


def parse_age(text: str) -> float | None:
    """Years as a float, or None when the words do not state one clear age (see module doc)."""
    if not text or not isinstance(text, str):
        return None
    if len(text) <= 100:
        return _parse_short(text)  # the phrases extract_facts checks repeat: remember them
    return _parse(text)


@functools.lru_cache(maxsize=2048)
def _parse_short(text: str) -> float | None:
    return _parse(text)


def _parse(text: str) -> float | None:
    toks = _tokens(text)
    ages, unclear = _find_ages(toks)
    if unclear:
        return None
    distinct = {round(a, 2) for a in ages}
    if not distinct:
        return 0.0 if "newborn" in toks else None
    if len(distinct) > 1:
        return None  # two different ages: we cannot tell which is the child's
    years = distinct.pop()
    if years < 0 or years > MAX_AGE_YEARS:
        return None
    return years


# ---- Finding an age phrase inside a longer message (for extract_facts) ----

_NUMWORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[\s-](?:one|two|three|four|five))?)"
)
_NUM = rf"(?:\d{{1,3}}(?:\.\d+)?|{_NUMWORD}(?![\w]))"
_FRAC = r"(?:\s*[½¼¾]|\s+[13]/[24]|\s+and\s+an?\s+(?:half|quarter|bit)|\s+and\s+three\s+quarters|-?ish)"
_UNIT = (
    r"(?:\s*-?\s*(?:years?|yrs?|yo|y/o|months?|mths?|mnths?|mos|weeks?|wks?|days?)(?![\w])"
    r"(?:\s+and\s+an?\s+half)?)"
)
_OLD = r"(?:\s*-?\s*old(?![\w]))"
_PART = rf"(?:{_NUM}{_FRAC}?{_UNIT}?|an?\s+(?:year|month|week|day)(?![\w])(?:\s+and\s+an?\s+half)?)"
_PART_WITH_UNIT = rf"(?:{_NUM}{_FRAC}?{_UNIT})"
_APPROX = r"(?:(?:about|around|roughly|approximately|approx|nearly|almost|not\s+quite)\s+)"

# On lower-cased text (``lower_same_length``): no IGNORECASE, which is several times slower.
AGE_PHRASE = re.compile(
    rf"(?<![\w£$#/.])(?P<age>{_APPROX}?{_PART}(?:(?:\s*,\s*|\s+and\s+|\s+){_PART_WITH_UNIT})?{_OLD}?)(?![\w/])"
)
NEWBORN = re.compile(r"(?<![\w])new\s*-?\s*born(?![\w])")
_NEXT_WORD = re.compile(r"\s*([\w']+|\S)?")
_RANGE_NEXT = re.compile(rf"\s*(?:or|to|-|/)\s*(?:\d|{_NUMWORD}\b)", re.IGNORECASE)
_HAS_UNIT = re.compile(rf"{_UNIT}|{_OLD}|\ban?\s+(?:year|month|week|day)\b", re.IGNORECASE)


def bare_number_can_end_here(following: str) -> bool:
    """Whether the words after a bare number ("he's 3 ...") leave it standing as an age."""
    if _RANGE_NEXT.match(following):
        return False  # "he's 4 or 5": two ages, so none
    m = _NEXT_WORD.match(following)
    nxt = (m.group(1) or "").lower() if m else ""
    return _ends_like_an_age(nxt)


def has_unit(phrase: str) -> bool:
    return bool(_HAS_UNIT.search(phrase))
