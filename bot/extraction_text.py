"""Shared helpers for the extraction modules: normalising what a reporter types, and word lists.

Reporters type on phones: curly apostrophes, no apostrophes at all, all lower case, emoji.
Everything here is a pure function or a constant; regexes are compiled once at import.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterator

# Apostrophe and dash look-alikes become plain ones, ONE character for one character, so a match
# found in the normalised text has the same offsets in what she typed and we can quote her verbatim.
_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",  # right single quote: what phones insert for "'"
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "\u2032": "'",
        "`": "'",
        "\u00a0": " ",  # non-breaking space
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)

_LOWER_SAME_LENGTH = dict(_SAME_LENGTH)
_LOWER_SAME_LENGTH.update({ord(c): ord(c.lower()) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})


def same_length(text: str) -> str:
    """Plain apostrophes and dashes; offsets unchanged (no case folding: it can change lengths)."""
    return text.translate(_SAME_LENGTH)


def lower_same_length(text: str) -> str:
    """``same_length`` and ASCII lower case: what the finders match on. Case-sensitive regexes on
    lower-case text run several times faster than IGNORECASE ones, and offsets still line up
    with what she typed (``str.lower`` can change lengths: "İ" becomes two characters)."""
    return text.translate(_LOWER_SAME_LENGTH)


_NOT_WORDISH = re.compile(r"[^\w'/½¼¾.-]+")
_STRAY_STOP = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, plain apostrophes, punctuation to spaces: for matching whole short answers."""
    lowered = same_length(text).lower()
    lowered = _NOT_WORDISH.sub(" ", lowered)
    # Full stops only matter inside numbers ("3.5"); elsewhere they are sentence ends.
    lowered = _STRAY_STOP.sub(" ", lowered)
    return _SPACES.sub(" ", lowered).strip()


def words_of(pattern_words: str) -> str:
    """A regex alternation from a space-separated word list, longest first so "mums" beats "mum"."""
    items = sorted(set(pattern_words.split()), key=len, reverse=True)
    return "(?:" + "|".join(items) + ")"


# Words that can start with a capital letter after "my grandson" or "called" but are not names.
# Days and most months are here; "April", "May", "June" and "August" are real names, so they are not.
NOT_NAMES = frozenset(
    """
    i i'm im i've i'd i'll he he's she she's it it's its they they're we you his her hers their them
    him me my our your the a an and but or so if as at in on to of for from with by about after before
    is was are were has had have be been do does did not no yes yeah ok okay please thanks thank hi hello
    who what when where why how which that this there then than just also only really very
    yesterday today tonight tomorrow last next every always never sometimes often now still
    mum mummy mam mom mother dad daddy father nan nana nanna gran granny grandma grandad grandpa
    baby boy girl child kid son daughter grandson granddaughter grandaughter nephew niece
    police social services school nursery council teacher doctor nurse hospital
    god jesus christ christmas easter
    monday tuesday wednesday thursday friday saturday sunday
    january february march july september october november december
    mr mrs ms miss dr sir madam
    aged age lives lived living goes went go says said told tells keeps kept gets got seems looks
    can could will would should might must never hits hit hurts hurt cries cried
    lovely poor bless sadly thankfully luckily unfortunately apparently anyway also
    """.split()
)

# A handful of places reporters here name often; a place is never taken as a child's name.
PLACES = frozenset(
    """
    leeds bradford wakefield halifax huddersfield kirklees calderdale york hull sheffield
    london manchester birmingham liverpool newcastle bristol nottingham leicester coventry
    sunderland derby preston bolton wigan stockport oldham rochdale salford barnsley rotherham
    doncaster harrogate keighley dewsbury batley pudsey otley ilkley castleford pontefract
    glasgow edinburgh cardiff swansea belfast england scotland wales ireland britain uk
    """.split()
)

# The child, as reporters refer to her or him.
CHILD_WORDS = words_of(
    """
    grand[\\s-]?sons? grand[\\s-]?d?aughters? grandchild grandchildren grandkid grandkids
    grandbaby nephew niece godson goddaughter godchild
    boy girl baby child kid kiddie little\\s+one lad lass toddler youngster wean bairn
    """
)

# Anyone who is not the child: when one of these is the nearest person before "he's 19" or
# "called Dave", the words are probably about that person, so we take nothing.
OTHER_PERSON_WORDS = words_of(
    """
    mum mums mummy mam mams mom moms mother mothers ma dad dads daddy father fathers da
    stepdad step-dad stepfather stepmum step-mum stepmother step-mother
    boyfriend boyfriends girlfriend bf gf partner partners fella fellas feller fellow bloke man men
    woman women husband wife missus guy chap lady
    uncle aunt auntie aunty grandad granddad grandpa grandfather nan nana nanna gran granny grandma
    grandmother brother brothers sister sisters sibling siblings cousin babysitter childminder
    lodger neighbour neighbor teacher friend mate daughter son sons daughters
    """
)

_PERSON = re.compile(rf"(?<![\w])(?:(?P<child>{CHILD_WORDS})|(?P<other>{OTHER_PERSON_WORDS}))(?![\w])")
SENTENCE_END = re.compile(r"[.!?;\n]")


def sentence_before(low: str, pos: int, limit: int = 160) -> str:
    """The part of the sentence before ``pos`` (at most ``limit`` characters)."""
    start = max(0, pos - limit)
    seg = low[start:pos]
    last = None
    for last in SENTENCE_END.finditer(seg):
        pass
    return seg[last.end() :] if last else seg


def nearest_person(low: str, pos: int, child_name: str | None = None) -> str | None:
    """Who the last person word before ``pos`` in this sentence is: "child", "other" or None.

    ``low`` is the message after ``lower_same_length``. A pronoun ("he's 3", "she's called Mia")
    most likely points back to the nearest person named before it; when that is an adult or a
    sibling we would rather ask than guess.
    """
    seg = sentence_before(low, pos)
    kind = None
    last_at = -1
    for m in _PERSON.finditer(seg):
        kind, last_at = ("child" if m.group("child") else "other"), m.start()
    if child_name:
        at = seg.rfind(child_name.lower())
        if at > last_at:
            kind = "child"
    return kind


def is_name_word(word: str) -> bool:
    """A capitalised word that could be a person's first name or surname."""
    if not word or not word[0].isupper():
        return False
    if len(word) > 1 and word.isupper():  # SHOUTING gives no signal that this is a name
        return False
    low = word.lower().rstrip("'")
    if low.endswith("'s"):
        low = low[:-2]
    return low not in NOT_NAMES and low not in PLACES


_CAPITALISED = re.compile(r"(?<![\w'])[^\W\d_]")


def capitals_mean_something(text: str) -> bool:
    """False when (nearly) every word starts with a capital: then a capital letter marks no name."""
    words = _CAPITALISED.findall(text[:600])  # the first few lines show how she types
    if len(words) < 4:
        return True
    capitals = sum(1 for w in words if w.isupper())
    return capitals / len(words) < 0.6


@dataclass(frozen=True)
class Message:
    """One message three ways, all with the same offsets: as typed (to quote), with plain
    apostrophes (to check capitals), and lower-cased (to match)."""

    text: str
    norm: str
    low: str

    @classmethod
    def of(cls, text: str) -> "Message":
        return cls(text, same_length(text), lower_same_length(text))

    def has(self, *keywords: str) -> bool:
        """Cheap pre-check: does any keyword occur at all? Saves running a regex that cannot match."""
        return any(k in self.low for k in keywords)


def at_word_start(low: str, i: int) -> bool:
    """Whether position ``i`` starts a word.

    The message-wide regexes begin with their first literal word, not with ``\\b`` or a
    look-behind: those stop the regex engine from skipping ahead and make a search several
    times slower. The word boundary is checked here instead, on each match.
    """
    return i == 0 or not (low[i - 1].isalnum() or low[i - 1] == "_")


def words_found(pattern: re.Pattern[str], low: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(low)``, keeping only matches that start a word."""
    return (m for m in pattern.finditer(low) if at_word_start(low, m.start()))


def word_search(pattern: re.Pattern[str], low: str) -> re.Match[str] | None:
    """The first match of ``pattern`` that starts a word, or None."""
    return next(words_found(pattern, low), None)


@dataclass(frozen=True)
class Keyed:
    """A regex that runs only when one of its ``keys`` occurs in the message, and whose match
    counts only when the text just before it fits ``before`` (read backwards: "don't |ring me").

    Splitting a long alternation into keyed parts that each start with a literal word is what
    keeps extraction well under a millisecond for a long message."""

    keys: tuple[str, ...]
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None


def keyed(keys: str, pattern: str, before: str | None = None) -> Keyed:
    return Keyed(tuple(keys.split("|")), re.compile(pattern), re.compile(before + "$") if before else None)


# Matches looked at per pattern: plenty for any account, bounded for a pasted essay.
_MAX_MATCHES = 40


def keyed_matches(msg: Message, parts: tuple[Keyed, ...]) -> list[tuple[int, re.Match[str]]]:
    """(where the phrase starts, counting its ``before`` words; the match), in text order."""
    low = msg.low
    found: list[tuple[int, re.Match[str]]] = []
    for part in parts:
        if not msg.has(*part.keys):
            continue
        for m in itertools.islice(words_found(part.pattern, low), _MAX_MATCHES):
            if part.before is None:
                found.append((m.start(), m))
                continue
            b = part.before.search(low, max(0, m.start() - 40), m.start())
            if b and at_word_start(low, b.start()):
                found.append((b.start(), m))
    found.sort(key=lambda item: item[0])
    return found
