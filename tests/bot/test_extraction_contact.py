"""How and when the team may contact her, read part by part from one answer."""

import pytest

from bot.extraction_contact import contact_by, is_times_answer, read_contact
from bot.slots import NO, YES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "yes, ring me on 07700 900456, evenings after 6",
            {
                "safe_to_contact": YES,
                "contact_method": "ring me on 07700 900456",
                "safe_times": "evenings after 6",
            },
        ),
        (
            "my email yasmin.k@example.com, weekdays",
            {
                "safe_to_contact": YES,
                "contact_method": "my email yasmin.k@example.com",
                "safe_times": "weekdays",
            },
        ),
        (
            "yep, this number, any",
            {"safe_to_contact": YES, "contact_method": "this number", "safe_times": "any"},
        ),
        ("yes", {"safe_to_contact": YES}),
        ("no he reads my phone", {"safe_to_contact": NO}),
        ("please don't ring me, text only", {"safe_to_contact": NO}),
    ],
)
def test_each_part_of_the_answer_is_read_and_a_missing_part_stays_missing(text, expected):
    assert read_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "is_time"),
    [
        ("evenings", True),
        ("after 3pm", True),
        ("lunchtimes", True),
        ("when he's at work", True),
        ("any time", True),
        ("don't know", True),
        ("yes", False),
        ("ok", False),
        ("no", False),
    ],
)
def test_yes_is_not_a_time(text, is_time):
    assert is_times_answer(text) is is_time


def test_the_ways_she_names_are_categories_beside_her_words():
    assert contact_by("text me on 07700 900321") == ["text", "phone"]
    assert contact_by("my email yasmin.k@example.com") == ["email"]
    assert contact_by(None) == []
