"""Where the child is: the area she lives in (a postcode, or "they live in Leeds") and her school.

Split from ``bot.extraction_facts`` because places have their own hazards: the reporter's own
address, someone else's home, words that are not places. Like every finder (see
``bot.extraction_facts``), these are narrow: when two readings disagree nothing is taken.
"""

from __future__ import annotations

import re

from bot.extraction_people import CHILD_WORD, OTHER_WORD, PRONOUN_SUBJECTS
from bot.extraction_text import Message, is_name_word, nearest_person

# ---------------------------------------------------------------- where the child lives

# From the outward code's digit ("ls|6 2ab"): a regex that starts with a digit skips ahead fast;
# the one or two letters before it are checked by hand.
_POSTCODE_FROM_DIGIT = re.compile(r"[0-9][a-z0-9]?[ \t]*[0-9][a-z]{2}(?![\w])")
# Her own address is not the child's: "my postcode is...", "I live at...".
_MY_POSTCODE = re.compile(r"\b(?:my\s+(?:post\s*code|address|house|home|flat)|(?:i|we)\s+(?:live|am|are)|i'm|we're)\b[^.!?\n]*$")
# Starts at the verb (no look-behind first: it would stop the engine skipping ahead); the word
# before the verb (who lives there) is read backwards with _LIVES_SUBJECT.
_LIVES_IN = re.compile(
    r"(?:live|lives|living|moved)\b[^,.;!?\n]{0,40}?\b(?:in|on|at|near|round|around|off|to)[ \t]+"
    r"(?P<place>[^,.;!?\n]{1,60})"
)
# Where the place words stop: "Leeds| with his mum", "Leeds| last week". Cut afterwards rather than
# with a lazy match and a look-ahead, which backtracks badly on a long run of words.
_PLACE_STOP = re.compile(
    r"[ \t]+(?:and|with|but|because|cos|who|where|since|now|at\s+the\s+moment|atm|though|so|which|then|"
    r"last|this|next|yesterday|today|recently|ago|for|about|a\s+few|over|in\s+(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december))\b"
)
_LIVES_SUBJECT = re.compile(r"(?<![\w'])(?P<subj>[\w']+)[ \t]+(?:(?:still|now|currently|all|both|also|actually)[ \t]+)?$")
_NOT_PLACE_WORDS = frozenset({"i", "i'm", "im", "mum", "dad", "nan", "gran", "mummy", "daddy", "he", "she", "they"})
_WORD = re.compile(r"[^\W_][\w'-]*")
_HER_OWN = frozenset({"i", "we", "me", "us", "i've", "we've", "i'm", "we're", "i'd"})
_GROUP_SUBJECTS = frozenset({"family", "kids", "children", "twins", "all", "both"})


def _trailing_other_script(place: str) -> str:
    """ "Leeds مرحبا" -> "Leeds": a UK place is written in Latin letters; what follows in another
    script (or an emoji) is the next thing she said."""
    words = place.split()
    while words and not any(ch.isalnum() and ord(ch) < 0x250 for ch in words[-1]):
        words.pop()
    return place[: place.find(words[-1]) + len(words[-1])] if words else ""


def _is_place(words: str) -> bool:
    """Place words name somewhere: a capitalised word ("Leeds", "LS6", "the Hillside estate")."""
    return any(w[0].isupper() and w.lower() not in _NOT_PLACE_WORDS for w in _WORD.findall(words))


def _postcode_start(low: str, digit_at: int) -> int | None:
    """Where a postcode whose outward digit is at ``digit_at`` starts: after one or two letters."""
    letters = 0
    while letters < 2 and digit_at - letters - 1 >= 0 and "a" <= low[digit_at - letters - 1] <= "z":
        letters += 1
    start = digit_at - letters
    if letters == 0 or (start > 0 and (low[start - 1].isalnum() or low[start - 1] == "_")):
        return None
    return start


def child_area(msg: Message, name: str | None) -> str | None:
    """A postcode, or the place words after "they live in / on / near"."""
    low = msg.low
    for m in _POSTCODE_FROM_DIGIT.finditer(low):
        start = _postcode_start(low, m.start())
        if start is not None and not _MY_POSTCODE.search(low, max(0, start - 40), start):
            return msg.text[start : m.end()]
    if not msg.has("liv", "moved"):
        return None
    found: list[str] = []
    for tried, m in enumerate(_LIVES_IN.finditer(low)):
        if tried >= 40:
            break  # bounded work for a pasted essay; an account says where she lives a few times at most
        if m.start() and low[m.start() - 1].isalnum():
            continue  # "delivered", "outlive"
        s = _LIVES_SUBJECT.search(low, max(0, m.start() - 40), m.start())
        subj = s.group("subj") if s else ""
        if subj in _HER_OWN or OTHER_WORD.match(subj):
            continue  # her own home, or the home of someone else
        if subj in PRONOUN_SUBJECTS:
            if nearest_person(low, m.start(), name) == "other":
                continue  # "his dad... he lives in Bradford"
        elif subj and not (CHILD_WORD.match(subj) or (name and subj in name.lower().split())):
            if subj not in _GROUP_SUBJECTS:
                continue  # "Dave lives in Leeds": we do not know Dave is the child
        place = _PLACE_STOP.split(low[m.start("place") : m.end("place")], maxsplit=1)[0]
        place = _trailing_other_script(msg.norm[m.start("place") : m.start("place") + len(place)].strip())
        if _is_place(place):
            found.append(msg.text[m.start("place") : m.start("place") + len(place)])
    return found[0] if len({f.lower() for f in found}) == 1 else None


# ---------------------------------------------------------------- school or nursery

_SCHOOL_KINDS = ("infant", "junior", "primary", "secondary", "high", "grammar", "nursery", "academy", "school",
                 "college", "playgroup", "kindergarten", "sixth form")  # fmt: skip
_SCHOOL_KIND = (
    r"(?:infants?|juniors?|primary|secondary|high|grammar|nursery|academy|school|college|pre-?school|"
    r"playgroup|kindergarten|sixth[ \t]+form)"
)
# On the typed text: the name part must be capitalised ("Oakwood Academy", "St Mary's primary").
_SCHOOL = re.compile(
    rf"(?<![\w'])(?P<school>(?:(?-i:St)\.?[ \t]+)?(?-i:[A-Z])[\w'.&-]*(?:[ \t]+(?:(?-i:[A-Z])[\w'.&-]*|of|the|and|&)){{0,5}}"
    rf"(?:[ \t]+(?:c[ \t]*of[ \t]*e|ce|rc|catholic|church[ \t]+of[ \t]+england|community|infants?|juniors?|primary|"
    rf"junior[ \t]+and[ \t]+infant)){{0,2}}"
    rf"[ \t]+{_SCHOOL_KIND})(?![\w])",
    re.IGNORECASE,
)
_SCHOOL_LEAD_NOISE = frozenset("yesterday today she he they his her their at in to i my and but so".split())


def child_school(msg: Message) -> str | None:
    if not msg.has(*_SCHOOL_KINDS):
        return None
    found: list[str] = []
    for m in _SCHOOL.finditer(msg.norm):
        words = m.group("school").split()
        # "Yesterday Oakwood Academy rang": drop capitalised words that start sentences, not names.
        while len(words) > 1 and words[0].lower() in _SCHOOL_LEAD_NOISE:
            words = words[1:]
        if len(words) < 2 or not (words[0] in ("St", "St.", "The") or is_name_word(words[0])):
            continue
        if not any(is_name_word(w) for w in words[:-1] if w not in ("St", "St.")):
            continue  # "The school said...": a school, but not one she named
        start = msg.norm.find(words[0], m.start())
        found.append(msg.text[start : m.end()])
    return found[0] if len({f.lower() for f in found}) == 1 else None
