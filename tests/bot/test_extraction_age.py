"""How old the child is, read from what she typed: her stated age, or nothing rather than a guess.

Mirrors ``bot.extraction_age`` (through ``bot.extraction.parse_age``, which callers use).
"""

from __future__ import annotations

import pytest

from bot.extraction import parse_age



@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("she's only 14 weeks", 0.27),
        ("about six", 6.0),
        ("he is 3 and a half", 3.5),
        ("18 months", 1.5),
        ("2", 2.0),
        ("two and a bit", 2.0),
        ("nearly 5", 5.0),  # approximate words keep the stated number
        ("she's nearly 5", 5.0),
        ("10 days old", 0.03),
        ("newborn", 0.0),
        ("a new-born", 0.0),
        ("1 year and 3 months", 1.25),
        ("4 not 5", 4.0),  # the corrected value
        ("he's not 5, he's 4", 4.0),
        ("3½", 3.5),
        ("3 1/2", 3.5),
        ("3.5", 3.5),
        ("Four.", 4.0),
        ("nineteen", 19.0),
        ("7", 7.0),
        ("2 years old", 2.0),
        ("4-year-old", 4.0),
        ("3yo", 3.0),
        ("3 y/o", 3.0),
        ("18mths", 1.5),
        ("5ish", 5.0),
        ("a year and a half", 1.5),
        ("six and a half months", 0.54),
        ("2 years 6 months", 2.5),
        ("3 weeks and 2 days", 0.06),
        ("he's a teenager, about 14", 14.0),
        ("born 2019, he's 5", 5.0),  # a year of birth is not an age
        ("she's 14 weeks, born on the 3rd", 0.27),  # nor is a date
        ("SHE IS 2", 2.0),
        ("she’s only 14 weeks", 0.27),  # curly apostrophe, as phones type it
        ("twenty-one", 21.0),
        ("25", 25.0),
    ],
)
def test_parse_age_reads_the_age_she_gave(text: str, years: float) -> None:
    assert parse_age(text) == years


@pytest.mark.parametrize(
    "text",
    [
        "a baby",
        "toddler",
        "don't know",
        "teenager",
        "a few months",
        "a couple of years",
        "4 or 5",  # two ages: which one?
        "3-4",
        "14/15",
        "between 3 and 4",
        "he's 3 and his sister is 5",
        "under 1",  # a bound, not an age
        "not yet 1",
        "over 10",
        "at least 3",
        "30",  # over 25: not a child
        "26 years old",
        "2 brothers",  # a number that counts something else
        "he's in year 3",  # a school year
        "about 2 weeks ago",  # when, not how old
        "for 2 or 3 weeks",
        "no one knows",
        "just a mo",
        "5:30",
        "2019",
        "07700 900123",
        "",
        "   ",
        "😀",
        "مرحبا ٣",  # Arabic-Indic digits are not read as an age
        "他三岁",
        "\u202eأنا قلق\u202c",
    ],
)
def test_parse_age_never_guesses(text: str) -> None:
    assert parse_age(text) is None
