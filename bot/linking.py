"""Joining up concerns about the same child without storing who the child is.

Each referral's child is reduced to a few normalised values per field, e.g. for "Tom, 3, Leeds
LS6": name {"thomas"}, age {the quarters of the year he may have been born in}, district
{"LS6"}, town {"leeds"}. Each value is stored only as a blind index: HMAC-SHA256 under a key of
its own per field, truncated to 16 bytes (see ``BlindIndexer``). Two referrals share a digest
exactly when they share a normalised value, and without the key nobody can tell which value.

Normalising (all of it pure, tested in tests/bot/test_linking.py):
- name: accents, case and punctuation dropped, doubled letters collapsed, then the first name
  looked up in the nickname groups of bot/linking_tables.py ("Tommy" -> thomas). A name in
  several groups ("Alex") gets one digest per group. The last word, if there are two or more,
  is the surname.
- age: the quarters of a year the child may have been born in, from the age given and the day
  of the referral, with room for rounding ("3" means 2.25 to 4 years; a baby's "14 weeks" +-3
  months); or from a date of birth if one is written.
- area: the postcode district ("LS6 2AB" -> "LS6") and the town (from a list of places, or the
  town the postcode area is named after).
- school: "St Mary's C of E Primary School" and "st marys primary" both read "saint mary".

The rule (``match``), in words a duty officer can check. Nothing links if the surnames differ
or the ages cannot be the same child (two Toms in the same class are two children). Otherwise:
- LIKELY (and counted by R-REPEAT): the first names match (nicknames count) and at least two of
  surname, age, postcode district and school match;
- POSSIBLE (listed for the officer to judge, not counted): the first names match and one of
  those four does; or one of the two has no name, and age, area and school all match.
A first name and an age alone, or a first name and a town, say little: in one council there
are dozens of Olivers of about four (see README, "Joining up").
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot import linking_tables as tables

NAME, SURNAME, AGE, DISTRICT, TOWN, SCHOOL = "name", "surname", "age", "district", "town", "school"
FIELDS: tuple[str, ...] = (NAME, SURNAME, AGE, DISTRICT, TOWN, SCHOOL)
DIGEST_BYTES = 16  # 128 bits: no accidental collisions, and half the row of a full HMAC
_KEY_INFO = b"familyvoice/blind-index/v1/"

Indexes = Mapping[str, frozenset[bytes]]  # field -> digests (a field with no value is absent)


@dataclass(frozen=True)
class ChildIdentity:
    """What the reporter said about who the child is, as she said it."""

    name: str | None = None
    age_years: float | None = None
    age_text: str | None = None
    area: str | None = None
    school: str | None = None


# --- normalising -------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case words: accents dropped, apostrophes closed up, other marks to spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"['\u2019`]", "", plain)  # "mary's" -> "marys", "o'brien" -> "obrien"
    # Letters of any script stay (a name in Arabic script is still a name); marks become spaces.
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _collapse(word: str) -> str:
    """Doubled letters as one, so "Philip"/"Phillip" and "Matthew"/"Mathew" read the same."""
    return re.sub(r"(.)\1+", r"\1", word)


def _nickname_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in tables.NICKNAME_GROUPS:
        formal = _collapse(group[0])
        for name in group:
            index.setdefault(_collapse(name), set()).add(formal)
    return {name: frozenset(formals) for name, formals in index.items()}


_NICKNAMES = _nickname_index()


def first_names(name: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(first-name keys, surname keys) for a name answer; both empty if it is not a name.

    "Tommy Smith-Jones" -> ({"thomas"}, {"smith", "jones", "smithjones"}). A description such
    as "the little boy at number 12" gives nothing: it names no one.
    """
    if not name:
        return frozenset(), frozenset()
    if any(w in tables.NOT_A_NAME or not w.isalpha() for w in fold(name).split()):
        return frozenset(), frozenset()
    # Hyphens closed up here, so "Smith-Jones" stays one surname; its parts are added below.
    words = [w for w in fold(name.replace("-", "")).split() if w not in tables.NAME_FILLERS]
    if not words or len(words) > 3 or len(words[0]) < 2:
        return frozenset(), frozenset()
    given = _collapse(words[0])
    keys = _NICKNAMES.get(given, frozenset({given}))
    if len(words) == 1:
        return keys, frozenset()
    parts = fold(name.split()[-1]).split() if "-" in name.split()[-1] else []
    surnames = {_collapse(words[-1])} | {_collapse(p) for p in parts if len(p) > 1}
    return keys, frozenset(surnames)


_DOB_NUMERIC = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOB_WORDS = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\s+(\d{4})\b")


def date_of_birth(text: str | None) -> date | None:
    """A date written in the age answer ("born 3/4/2023", "12th March 2023"), UK order."""
    if not text:
        return None
    low = text.lower()
    found = _DOB_NUMERIC.search(low)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        found = _DOB_WORDS.search(low)
        if found and found.group(2)[:3] in _MONTHS:
            return date(int(found.group(3)), _MONTHS.index(found.group(2)[:3]) + 1, int(found.group(1)))
    except ValueError:
        return None  # 31/02/2023: not a date
    return None


def _year_fraction(moment: date) -> float:
    start = date(moment.year, 1, 1).toordinal()
    length = date(moment.year + 1, 1, 1).toordinal() - start
    return moment.year + (moment.toordinal() - start) / length


def _age_range(age: float) -> tuple[float, float]:
    """The ages a child said to be ``age`` may really be: people round down, and guess."""
    if age < 2:
        return max(age - 0.25, 0.0), age + 0.25  # babies' ages come in weeks and months
    return age - 0.75, age + 1.0


def birth_quarters(identity: ChildIdentity, received: datetime) -> frozenset[str]:
    """The quarters of a year the child may have been born in, e.g. {"2023Q1", "2023Q2", ...}."""
    born = date_of_birth(identity.age_text)
    if born is not None and born <= received.date():
        earliest = latest = _year_fraction(born)
    elif identity.age_years is not None and 0 <= identity.age_years < 19:
        now = _year_fraction(received.date())
        youngest, oldest = _age_range(identity.age_years)
        earliest, latest = now - oldest, now - youngest
    else:
        return frozenset()
    quarters = range(math.floor(earliest * 4), math.floor(latest * 4) + 1)
    return frozenset(f"{q // 4}Q{q % 4 + 1}" for q in quarters)


_FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*[0-9][A-Z]{2}\b")
_OUTWARD_ONLY = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\b")


def postcode_districts(area: str | None) -> frozenset[str]:
    """Postcode districts in an area answer: "LS6 2AB" -> {"LS6"}; "ls6" -> {"LS6"}."""
    if not area:
        return frozenset()
    upper = area.upper()
    found = {m.group(1) for m in _FULL_POSTCODE.finditer(upper)}
    if not found:
        # A bare outward code counts only in a known postcode area ("A1" does not). One-letter
        # areas (M, B, S...) also name motorways and roads, so "M14" counts only on its own or
        # beside a town ("Manchester M14"), not in "off the M62".
        others = [w for w in fold(area).split() if w.upper() not in tables.PLACES and w not in tables.PLACES]
        for m in _OUTWARD_ONLY.finditer(upper):
            letters = re.match(r"[A-Z]+", m.group(1)).group(0)  # type: ignore[union-attr]
            if letters in tables.POSTCODE_AREAS and (len(letters) == 2 or others == [m.group(1).lower()]):
                found.add(m.group(1))
    return frozenset(found)


def _places_in(words: list[str]) -> set[str]:
    found: set[str] = set()
    for size in (4, 3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if phrase in tables.PLACES and not any(f" {phrase} " in f" {longer} " for longer in found):
                found.add(phrase)
    return found


def towns(area: str | None) -> frozenset[str]:
    """Towns named in an area answer, plus the town each postcode area is named after."""
    if not area:
        return frozenset()
    districts = postcode_districts(area)
    found = {tables.POSTCODE_AREAS[re.match(r"[A-Z]+", d).group(0)] for d in districts}  # type: ignore[union-attr]
    words = [w for w in fold(area).split() if w.upper() not in districts and not any(c.isdigit() for c in w)]
    named = _places_in(words)
    if not named and not districts:
        # A place not on our list ("Little Snoring"): the answer itself, minus the small words.
        rest = [w for w in words if w not in tables.AREA_FILLERS]
        if 1 <= len(rest) <= 3:
            named = {" ".join(rest)}
    return frozenset(found | named)


def school_key(school: str | None) -> str | None:
    """Which school, in a form both "St Mary's Primary" and "st marys primary school" share."""
    if not school:
        return None
    words = fold(school).split()
    if any(w in tables.NO_SCHOOL for w in words):
        return None
    districts = {d.lower() for d in postcode_districts(school)}
    kept = [w for w in words if w not in tables.SCHOOL_FILLERS and w not in districts and not w.isdigit()]
    # "St Mary's Primary, Leeds": a town at the end says where, not which (but "St Helens
    # Primary" is all place, so a place is dropped only when something is left).
    for size in (3, 2, 1):
        if len(kept) > size and " ".join(kept[-size:]) in tables.PLACES:
            kept = kept[:-size]
            break
    kept = [tables.SCHOOL_ABBREVIATIONS.get(w, w) for w in kept]
    # Plural and possessive "s" dropped on both sides: "St Marys" reads as "St Mary".
    kept = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in kept]
    return " ".join(_collapse(w) for w in kept) or None


def normalised(identity: ChildIdentity, received: datetime) -> dict[str, frozenset[str]]:
    """The plaintext values to index, per field. Never stored: only their digests are."""
    given, surnames = first_names(identity.name)
    school = school_key(identity.school)
    values = {
        NAME: given,
        SURNAME: surnames,
        AGE: birth_quarters(identity, received),
        DISTRICT: postcode_districts(identity.area),
        TOWN: towns(identity.area),
        SCHOOL: frozenset({school}) if school else frozenset(),
    }
    return {field: found for field, found in values.items() if found}


# --- blind indexes -------------------------------------------------------------------------


class BlindIndexer:
    """Keyed digests of normalised values, one HMAC key per field.

    The field keys are derived with HKDF-SHA256 from the linking secret (``info`` names the
    field), so a digest of "leeds" as a town and as a school differ, and a leak of one field's
    key does not give the others.
    """

    def __init__(self, linking_secret: bytes) -> None:
        if len(linking_secret) < 32:
            raise ValueError("the linking secret must be at least 32 bytes")
        self._keys = {
            field: HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO + field.encode()).derive(
                linking_secret
            )
            for field in FIELDS
        }

    def digest(self, field: str, value: str) -> bytes:
        return hmac.new(self._keys[field], value.encode("utf-8"), hashlib.sha256).digest()[:DIGEST_BYTES]

    def indexes(self, identity: ChildIdentity, received: datetime) -> dict[str, frozenset[bytes]]:
        return {
            field: frozenset(self.digest(field, value) for value in values)
            for field, values in normalised(identity, received).items()
        }


# --- the rule ------------------------------------------------------------------------------


LIKELY, POSSIBLE = "likely", "possible"
# Fields that narrow a first name down to one child; two of them make a link likely.
_NARROWING = (SURNAME, AGE, DISTRICT, SCHOOL)


@dataclass(frozen=True)
class Match:
    strength: str  # LIKELY | POSSIBLE
    fields: list[str]  # the fields that matched, in FIELDS order (area as district or town)


def match(new: Indexes, old: Indexes) -> Match | None:
    """Whether ``old`` is about the same child as ``new``, how sure, and on which fields."""

    def shared(field: str) -> bool:
        return bool(new.get(field, frozenset()) & old.get(field, frozenset()))

    def both(field: str) -> bool:
        return bool(new.get(field)) and bool(old.get(field))

    if both(AGE) and not shared(AGE):
        return None  # a baby and a ten-year-old are two children, whatever their names
    if both(SURNAME) and not shared(SURNAME):
        return None  # Tom Smith and Tom Jones in one class are two children
    if both(DISTRICT):
        area = [DISTRICT] if shared(DISTRICT) else []  # a district outweighs the town it is in
    else:
        area = [TOWN] if shared(TOWN) else []
    fields = [f for f in FIELDS if f in area or (f not in (DISTRICT, TOWN) and shared(f))]
    narrowing = sum(1 for f in _NARROWING if f in fields)

    if shared(NAME):
        if narrowing >= 2:
            return Match(LIKELY, fields)
        return Match(POSSIBLE, fields) if narrowing == 1 else None
    if not both(NAME) and AGE in fields and area and SCHOOL in fields:
        return Match(POSSIBLE, fields)  # no name on one side: age, area and school all agree
    return None


def all_digests(indexes: Indexes, fields: Iterable[str] = FIELDS) -> list[tuple[str, bytes]]:
    """(field, digest) pairs, e.g. to look earlier referrals up by."""
    return [(field, digest) for field in fields for digest in sorted(indexes.get(field, ()))]
