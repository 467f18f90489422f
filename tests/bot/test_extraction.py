"""What a reporter would notice about how her words are read, across the whole of ``bot.extraction``.

- A correction changes only what she corrects; each answer lands in the question it answers.
- Nothing she types (emoji, Arabic, Chinese, a pasted essay) breaks or slows the conversation.

The finders have their own files: ``test_extraction_age``, ``test_extraction_answers`` and
``test_extraction_facts``.
"""

from __future__ import annotations

import time

import pytest

from bot.extraction import (
    answer_for,
    apply_correction,
    extract_facts,
    is_anonymous,
    is_dont_know,
    parse_age,
    parse_yes_no,
)
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES, YES_NO_SLOTS


# ------------------------------------------------------------------ apply_correction


CURRENT = {
    "child_name": "Tom",
    "child_age": "5",
    "child_area": "Bradford",
    "child_school": "St Mary's primary",
    "poc_description": "her dad",
    "poc_relationship": "father",
    "injuries_seen": YES,
    "reporter_relationship": "grandparent",
}


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("no, he's 4 not 5", {"child_age": "4"}),
        ("no, he’s 4 not 5", {"child_age": "4"}),
        ("his name is Tommy not Tom", {"child_name": "Tommy"}),
        ("Tommy not Tom", {"child_name": "Tommy"}),
        ("it's Leeds, not Bradford", {"child_area": "Leeds"}),
        ("no it's Leeds not Bradford", {"child_area": "Leeds"}),
        ("not Bradford, Leeds", {"child_area": "Leeds"}),
        ("the school is Oakwood Academy", {"child_school": "Oakwood Academy"}),
        ("she's a girl called Mia", {"child_name": "Mia"}),
        ("no, she is 2", {"child_age": "2"}),
        ("no, he's 4 and a half", {"child_age": "4 and a half"}),
        ("he is nearly 5 not 4", {"child_age": "nearly 5"}),
        ("he's not 5, he's 4", {"child_age": "4"}),
        ("his name's tommy by the way", {"child_name": "tommy"}),
        ("they moved to Leeds last week", {"child_area": "Leeds"}),
        ("that's wrong, she goes to Oakwood", {"child_school": "Oakwood"}),
        # A new person of concern brings the right relationship with it.
        ("it's her stepdad, not her dad", {"poc_description": "her stepdad", "poc_relationship": "stepfather"}),
        ("I'm her aunt, not her nan", {"reporter_relationship": "aunt or uncle"}),
    ],
)
def test_apply_correction_changes_what_she_corrects(text: str, changes: dict[str, str]) -> None:
    assert apply_correction(text, dict(CURRENT)) == changes


def test_a_correction_replaces_only_the_wrong_part_of_an_answer() -> None:
    current = {"child_area": "the Hillside estate in Bradford", "child_name": "Tom Smith"}
    assert apply_correction("it's Leeds, not Bradford", current) == {"child_area": "the Hillside estate in Leeds"}
    assert apply_correction("Tommy not Tom", current) == {"child_name": "Tommy Smith"}


def test_the_answer_being_corrected_decides_which_question_changes() -> None:
    # "X not Y": Y is matched against what we hold, whatever question it answered.
    assert apply_correction("it's Leeds, not Bradford", {"child_school": "Bradford"}) == {"child_school": "Leeds"}
    assert apply_correction("4 not 5", {"child_age": "nearly 5"}) == {"child_age": "4"}


@pytest.mark.parametrize(
    "text",
    ["no", "yes", "something is wrong", "no, that's wrong", "😀", "", "Leeds not York"],
)
def test_apply_correction_returns_nothing_when_it_cannot_tell(text: str) -> None:
    # The caller then asks what to change, or keeps her words as a note.
    assert apply_correction(text, dict(CURRENT)) == {}


def test_apply_correction_does_not_change_its_input() -> None:
    current = dict(CURRENT)
    apply_correction("no, he's 4 not 5", current)
    assert current == CURRENT


# ------------------------------------------------------------------ answer_for


@pytest.mark.parametrize(
    ("slot", "text", "value"),
    [
        ("child_name", "Tom", "Tom"),
        ("child_name", "  Oliver Smith  ", "Oliver Smith"),
        ("child_name", "her name is Lily", "Lily"),
        ("child_name", "she's called Mia", "Mia"),
        ("child_name", "don't know", UNKNOWN),
        ("child_name", "I don't know his name, he's the boy at number 12", "I don't know his name, he's the boy at number 12"),
        ("child_name", "it's Tom", "Tom"),
        ("child_name", "it's a boy", "it's a boy"),  # not a name: her words are kept
        ("child_name", "her name is lily", "lily"),
        ("child_age", "about six", "about six"),
        ("child_age", "not sure", UNKNOWN),
        ("household", "  his mum, her boyfriend and a baby sister  ", "his mum, her boyfriend and a baby sister"),
        ("concern_description", "", UNKNOWN),
        ("concern_when", "skip", UNKNOWN),
        ("reporter_name", "Stay anonymous", ANONYMOUS),
        ("reporter_name", "I don't want to give my name", ANONYMOUS),
        ("reporter_name", "skip", UNKNOWN),
        ("reporter_name", "Jean", "Jean"),
        ("reporter_relationship", "Grandparent", "Grandparent"),
        ("injuries_seen", "Yes", YES),
        ("injuries_seen", "👍", YES),
        ("injuries_seen", "there were bruises on his arms", YES),
        ("injuries_seen", "I didn't see any", NO),
        ("injuries_seen", "Don't know", UNKNOWN),
        ("poc_lives_with_child", "he moved in", YES),
        ("poc_lives_with_child", "yes he moved in a few months ago", YES),
        ("poc_lives_with_child", "he stays there most nights", YES),
        ("poc_lives_with_child", "he visits at weekends", NO),
        ("poc_lives_with_child", "he doesn't live there", NO),
        ("poc_lives_with_child", "he's her stepdad", UNKNOWN),  # not a yes or a no: never her words in a yes/no slot
        ("reported_before", "I told the school last year", YES),
        ("reported_before", "not that I know of", NO),
        ("safe_to_contact", "it's safe", YES),
        ("safe_to_contact", "it's not safe", NO),
        ("safe_to_contact", "please don't ring me", NO),
        ("safe_to_contact", "only in the mornings", UNKNOWN),
        ("safe_to_contact", "it's not ok", NO),
        ("parent_aware", "her mum knows nothing about it", NO),
        ("parent_aware", "she knows", YES),
        ("parent_aware", "she doesn't know", NO),
        ("parent_aware", "😀", UNKNOWN),
    ],
)
def test_answer_for(slot: str, text: str, value: str) -> None:
    assert answer_for(slot, text) == value


@pytest.mark.parametrize("slot", sorted(YES_NO_SLOTS))
@pytest.mark.parametrize("text", ["yes", "no", "dunno", "blah blah", "", "مرحبا", "x" * 5000])
def test_yes_no_questions_only_ever_hold_yes_no_or_unknown(slot: str, text: str) -> None:
    assert answer_for(slot, text) in (YES, NO, UNKNOWN)


# ------------------------------------------------------------------ nothing she types breaks anything

ODD_TEXT = [
    "😀😀😀",
    "👍🏽🙏❤️",
    "مرحبا، أنا قلقة على حفيدي",
    "שלום, אני דואגת לנכד שלי",
    "我很担心我的孙子",
    "\u202eabc\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters
    "\x00\x01\x1b[31m",
    "İstanbul İİİ",  # "İ".lower() is two characters long
    "’’’’",
    "-/.½'",
    "\n\n\n",
    "\t",
    " ",
    "",
]


@pytest.mark.parametrize("text", ODD_TEXT)
def test_odd_text_gives_nothing_and_breaks_nothing(text: str) -> None:
    assert extract_facts(text) == {}
    assert parse_age(text) is None
    assert parse_yes_no(text) is None
    assert not is_dont_know(text)
    assert not is_anonymous(text)
    assert apply_correction(text, dict(CURRENT)) == {}
    assert answer_for("child_name", text) in (text.strip(), UNKNOWN)
    assert answer_for("injuries_seen", text) == UNKNOWN


def test_facts_around_other_scripts_are_still_found() -> None:
    facts = extract_facts("😢 my grandson Tom is 3 😢 they live in Leeds مرحبا")
    assert facts["child_name"] == "Tom"
    assert facts["child_age"] == "3"
    assert facts["child_area"] == "Leeds"


# ------------------------------------------------------------------ speed

STORY = (
    "Hello, I don't really know if this is the right place but I'm at my wits end. My granddaughter Lily is only "
    "14 weeks old and I think something is very wrong at home. My daughter has a new boyfriend, he's been there "
    "about two months now and from the start I didn't like the way he talks to her. Last Sunday when I went round "
    "the baby had a mark on her cheek and a bruise on her leg, my daughter said she must have done it in her cot but "
    "babies that age can't move about much can they. He was shouting in the kitchen the whole time I was there and "
    "he told me to mind my own business. My daughter looks frightened and she has lost a lot of weight. They live "
    "on the Hillside estate in Bradford. I rang the health visitor last week but nobody has got back to me yet. I "
    "don't want him to know it was me because I'm scared he will stop me seeing the baby. Please don't ring me in "
    "the evenings, he checks her phone and sometimes mine. I just want someone to check she is safe. Thank you."
)

CALLS = {
    "parse_age": lambda t: parse_age(t),
    "parse_yes_no": lambda t: parse_yes_no(t),
    "is_dont_know": lambda t: is_dont_know(t),
    "is_anonymous": lambda t: is_anonymous(t),
    "extract_facts": lambda t: extract_facts(t),
    "apply_correction": lambda t: apply_correction(t, dict(CURRENT)),
    "answer_for": lambda t: answer_for("poc_lives_with_child", t),
}


HUGE = {
    "prose": (STORY * 110)[:100_000],
    "numbers": "1 " * 50_000,
    "names": "Tom " * 25_000,
    "one letter": "a" * 100_000,
    "emoji": "😀" * 100_000,
    "arabic": "مرحبا " * 17_000,
    "ages": "3 and a " * 12_500,
    "lives": "they live in " * 8_000,
    "told": "I told the school and " * 5_000,
    "grandsons": "my grandson " * 9_000,
    "mums": "his mum's " * 10_000,
    "punctuation": "'-/.½," * 17_000,
    "no stops": "x" * 99_999 + ".",
}


@pytest.mark.parametrize("label", sorted(HUGE))
def test_a_100kb_message_returns_quickly(label: str) -> None:
    text = HUGE[label]
    for name, call in CALLS.items():
        start = time.perf_counter()
        call(text)
        elapsed = time.perf_counter() - start
        # Not a speed target (those live in bench/): a guard against runaway regex backtracking,
        # which takes minutes, not seconds.
        assert elapsed < 5.0, f"{name} on {label}: {elapsed:.2f} s"
