"""Short answers: "don't know" is always accepted, yes / no is read however she types it, and
"I'd rather stay anonymous" is heard.

Mirrors ``bot.extraction_answers`` (through ``bot.extraction``, which callers use).
"""

from __future__ import annotations

import pytest

from bot.extraction import is_anonymous, is_dont_know, parse_yes_no
from bot.slots import NO, UNKNOWN, YES


# ------------------------------------------------------------------ is_dont_know


@pytest.mark.parametrize(
    "text",
    [
        "don't know",
        "Don't know",
        "dont know",
        "Don’t know",
        "do not know",
        "I don't know.",
        "I do not know",
        "no idea",
        "No idea!",
        "not sure",
        "I'm not sure",
        "im not sure",
        "skip",
        "Skip this one",
        "pass",
        "dunno",
        "idk",
        "IDK",
        "I'd rather not say",
        "I’d rather not say",
        "prefer not to say",
        "sorry, I really don't know",
        "no idea where they live",
        "I don't know his name",
        "I can't remember",
        "can't remember",
        "no clue",
        "haven't a clue",
        "unknown",
        "next question",
        "  dont know  ",
    ],
)
def test_every_way_of_saying_dont_know_is_accepted(text: str) -> None:
    assert is_dont_know(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tom",
        "yes",
        "no",
        "know",
        "I don't know his name, he's the little boy at number 12",  # she told us something: keep it
        "not sure, maybe 5",
        "I know exactly",
        "Leeds",
        "",
        "😀",
        "x" * 1000,
    ],
)
def test_an_answer_with_content_is_not_a_dont_know(text: str) -> None:
    assert not is_dont_know(text)


# ------------------------------------------------------------------ parse_yes_no


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", YES),
        ("Yes.", YES),
        ("YES!!!", YES),
        ("y", YES),
        ("yeah", YES),
        ("yep", YES),
        ("yesss", YES),
        ("aye", YES),
        ("yes he does", YES),
        ("Yes, send it", YES),
        ("I think so", YES),
        ("he does", YES),
        ("she has bruises", YES),
        ("it is", YES),
        ("probably", YES),
        ("👍", YES),
        ("no", NO),
        ("No.", NO),
        ("nope", NO),
        ("n", NO),
        ("nah", NO),
        ("no he doesn't", NO),
        ("no he doesn’t", NO),
        ("not that I know", NO),
        ("not that I know of", NO),
        ("I don't think so", NO),
        ("probably not", NO),
        ("never", NO),
        ("nobody", NO),
        ("she doesn't", NO),
        ("they dont", NO),
        ("i haven't", NO),
        ("it isn't", NO),
        ("it's not safe", NO),
        ("👎🏽", NO),
        ("don't know", UNKNOWN),
        ("not sure", UNKNOWN),
        ("dunno", UNKNOWN),
        ("skip", UNKNOWN),
        ("no idea", UNKNOWN),  # starts with "no" but is a don't-know
        ("maybe", UNKNOWN),
        ("sometimes", UNKNOWN),
        ("yes and no", UNKNOWN),
        ("I don't know, he might", UNKNOWN),
    ],
)
def test_parse_yes_no(text: str, expected: str) -> None:
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize("text", ["he is 4", "Tom", "Leeds", "send it", "okay", "he moved in", "", "😀", "مرحبا"])
def test_parse_yes_no_is_none_when_it_is_not_a_yes_no_answer(text: str) -> None:
    assert parse_yes_no(text) is None


# ------------------------------------------------------------------ is_anonymous


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather stay anonymous",
        "I’d rather stay anonymous",
        "anonymous",
        "Stay anonymous",  # the button
        "I don't want to give my name",
        "I dont want to give my name",
        "no name",
        "No name please",
        "can I stay anonymous?",  # answering the name question, this is her wish
        "I don't want him to know it was me",
        "keep my name out of it",
    ],
)
def test_is_anonymous(text: str) -> None:
    assert is_anonymous(text)


@pytest.mark.parametrize(
    "text",
    ["Jean Smith", "I don't want to be anonymous", "not anonymous", "I'm happy to give my name, it's Jean", "", "😀"],
)
def test_is_not_anonymous(text: str) -> None:
    assert not is_anonymous(text)
