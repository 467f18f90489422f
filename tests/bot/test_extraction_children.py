"""More than one child, and the answer to "What is the child's name, and how old are they?"."""

import pytest

from bot.extraction_children import (
    ages_in_answer,
    children_from_answer,
    children_in,
    names_in_answer,
)


@pytest.mark.parametrize(
    ("text", "children"),
    [
        (
            "I'm worried about my grandchildren Mason and Lily, they're 8 and 5. "
            "Their mum's boyfriend shouts",
            [{"name": "Mason", "age": "8"}, {"name": "Lily", "age": "5"}],
        ),
        (
            "Last night he strangled her and the kids saw it. Ruby is 9 and Jack is 6.",
            [{"name": "Ruby", "age": "9"}, {"name": "Jack", "age": "6"}],
        ),
        (
            "The little boy is about 6 and the girl about 3. I hear them crying",
            [{"name": None, "age": "about 6"}, {"name": None, "age": "about 3"}],
        ),
        (
            "my grandchildren Mason and Lily are left alone",
            [{"name": "Mason", "age": None}, {"name": "Lily", "age": None}],
        ),
    ],
)
def test_several_children_in_one_account_are_each_kept(text, children):
    assert children_in(text) == children


@pytest.mark.parametrize(
    "text",
    [
        "My granddaughter Ellie is 2, she lives in Bradford BD3 with her mum",
        "Her boyfriend Kyle is 25 and my daughter is 22",  # adults: no names of children here
        "I'm worried about my grandson",
    ],
)
def test_one_child_or_adults_are_not_several_children(text):
    assert children_in(text) == []


@pytest.mark.parametrize(
    ("text", "children"),
    [
        ("Ellie, she's 2", [{"name": "Ellie", "age": "2"}]),
        ("his names Riley, hes 4", [{"name": "Riley", "age": "4"}]),
        ("jayden, 7", [{"name": "jayden", "age": "7"}]),
        (
            "Mason and Lily, they're 8 and 5",
            [{"name": "Mason", "age": "8"}, {"name": "Lily", "age": "5"}],
        ),
        (
            "I don't know their names, about 6 and 3",
            [{"name": None, "age": "about 6"}, {"name": None, "age": "3"}],
        ),
        ("Callum, idk", [{"name": "Callum", "age": None}]),
        ("Isla, 14 weeks", [{"name": "Isla", "age": "14 weeks"}]),
        ("she's called Mia", [{"name": "Mia", "age": None}]),
        ("Mason and Lily, 8", [{"name": "Mason", "age": None}, {"name": "Lily", "age": None}]),
    ],
)
def test_names_and_ages_in_one_answer_pair_up_in_order(text, children):
    assert children_from_answer(text, asked_name=True, asked_age=True) == children


@pytest.mark.parametrize("text", ["idk", "yes", "don't know", ""])
def test_an_answer_without_a_name_or_age_gives_none(text):
    assert children_from_answer(text, True, True) == []
    assert names_in_answer(text) == [] and ages_in_answer(text) == []
