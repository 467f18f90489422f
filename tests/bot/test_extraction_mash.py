"""The MASH form's fields: when, saw it or was told, household, language, needs, why the parent
does not know."""

import pytest

from bot import extraction_mash as mash
from bot.slots import NO, YES


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("On Saturday I saw bruises all down her legs", "On Saturday"),
        ("last week the neighbour found him in the street", "last week"),
        ("it was two weeks ago", "two weeks ago"),
        ("she has been off school since Easter", "since Easter"),
        ("he hits her", None),
    ],
)
def test_when_it_happened_is_her_words(text, when):
    assert mash.when_said(text) == when


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("I saw it myself when I was changing her", mash.SELF),
        ("I heard it through the floor", mash.SELF),
        ("I didn't see it, my sister told me", mash.TOLD),
        ("the neighbour told me, she rang me", mash.TOLD),
        ("she told me and I saw the marks", mash.BOTH),
        ("he hits her", None),
    ],
)
def test_whether_she_saw_it_herself_or_was_told(text, source):
    assert mash.source_of(text) == source


def test_a_language_and_the_need_for_an_interpreter_are_read_from_her_account():
    text = "The family downstairs are Polish and the mum doesn't speak much English."
    assert mash.first_language(text) == "Polish"
    assert mash.interpreter_needed(text) == YES and mash.language_signalled(text)
    assert mash.interpreter_needed("Polish, yes the mum would need one", asked=True) == YES
    assert mash.interpreter_needed("no, they don't need an interpreter") == NO
    assert not mash.language_signalled("his mum hits him")


def test_additional_needs_are_her_words():
    assert (
        mash.additional_needs("My grandson Alfie is 10, he's autistic and non verbal. His mum")
        == "he's autistic and non verbal"
    )
    assert mash.additional_needs("his mum hits him") is None


@pytest.mark.parametrize(
    ("text", "others", "members"),
    [
        (
            "her mum, Kyle and her baby brother Noah",
            (YES, "her baby brother Noah"),
            ["mother", "siblings"],
        ),
        ("just the two of them", (NO, None), []),
        (
            "his mam n step dad n his 2 little sisters",
            (YES, "his 2 little sisters"),
            ["stepfather", "mother", "siblings"],
        ),
        ("don't know", (None, None), []),
    ],
)
def test_the_household_gives_categories_and_the_other_children_in_her_words(text, others, members):
    assert mash.other_children(text) == others
    assert mash.household_members(text) == members


def test_why_the_parent_does_not_know_is_her_words_after_the_no():
    assert (
        mash.parent_unaware_why("no, she would stop me seeing Ellie")
        == "she would stop me seeing Ellie"
    )
    assert mash.parent_unaware_why("no") is None
    assert mash.parent_unaware_why("yes she knows") is None
