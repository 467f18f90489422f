"""Who someone is to the child: a category beside her own words."""

import pytest

from bot.extraction_people import reporter_relationship_with_words
from bot.extraction_relations import poc_relationship_answer, reporter_relationship_answer
from bot.extraction_text import Message


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("her nan on her dad's side", "grandparent"),
        ("I'm his grandad", "grandparent"),
        ("Grandparent", "grandparent"),
        ("great aunt", "aunt or uncle"),
        ("godparent", "godparent"),
        ("Other", "other"),
        ("don't know", None),
    ],
)
def test_how_she_knows_the_child(text, category):
    assert reporter_relationship_answer(text) == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("my daughter, his mum", "mother"),
        ("she's his mum", "mother"),
        ("step dad", "stepfather"),
        ("mums boyfreind", "mother's partner"),
        ("dad's girlfriend", "father's partner"),
        ("my sister's husband, their dad", "father"),
        ("strangers she meets online", "other"),
        ("idk", None),
    ],
)
def test_who_the_person_is_to_the_child(text, category):
    assert poc_relationship_answer(text) == category


def test_her_words_for_who_she_is_come_with_the_category():
    assert reporter_relationship_with_words(
        Message.of("hi im his grandad. my grandson jayden")
    ) == ("grandparent", "im his grandad")
    assert reporter_relationship_with_words(Message.of("My granddaughter Ellie is 2")) == (
        "grandparent",
        "My granddaughter",
    )
