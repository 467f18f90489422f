"""Her reply to each question: what it fills, and when it is no answer at all."""

import pytest

from bot import questions as q
from bot.answer_reading import mentions_person, name_said, plain_answer, read_answer
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (q.CONTACT_WHEN, "yes"),
        (q.CONTACT_HOW, "ok"),
        (q.NAME, "yes"),
        (q.POC, "yes"),
        (q.HOUSEHOLD, "yes"),
        (q.REPORTER_NAME, "no"),
        (q.MORE, "yes"),
    ],
)
def test_a_reply_that_does_not_answer_is_not_stored(question, text):
    assert read_answer(question, text, {}) is None


def test_her_name_and_how_and_when_to_contact_her_in_one_reply():
    assert read_answer(
        q.NAME_CONTACT, "Pat, yes, ring me on 07700 900456, evenings after 6", {}
    ) == {
        "reporter_name": "Pat",
        "safe_to_contact": YES,
        "contact_method": "ring me on 07700 900456",
        "safe_times": "evenings after 6",
    }
    assert read_answer(q.NAME_CONTACT, "I'd rather stay anonymous", {}) == {
        "reporter_name": ANONYMOUS
    }
    # She gave a way to reach her but no name: her name stays unknown, not anonymous.
    assert (
        read_answer(q.NAME_CONTACT, "yes ring me on 07700 900111", {})["reporter_name"] == UNKNOWN
    )
    assert name_said("my name is Jean Smith") == "Jean Smith" and name_said("I'm her nan") is None


def test_the_area_and_the_school_in_one_reply():
    assert read_answer(q.AREA_SCHOOL, "Bradford BD3, she goes to Little Acorns nursery", {}) == {
        "child_school": "Little Acorns nursery",
        "child_area": "Bradford BD3",
    }
    assert read_answer(q.AREA_SCHOOL, "Ossett WF5, she's a baby", {}) == {
        "child_school": UNKNOWN,
        "child_area": "Ossett WF5",
    }
    assert read_answer(q.AREA_SCHOOL, "idk", {}) == {"child_area": UNKNOWN, "child_school": UNKNOWN}


def test_whether_the_parent_knows_and_whether_it_was_reported_before_in_one_reply():
    assert read_answer(q.PARENT_REPORTED, "no, she would stop me seeing Ellie, no", {}) == {
        "parent_aware": NO,
        "reported_before": NO,
        "parent_unaware_why": "she would stop me seeing Ellie",
    }
    got = read_answer(
        q.PARENT_REPORTED, "no, I rang the school and they said they'd look into it", {}
    )
    assert (
        got["parent_aware"] == NO
        and got["reported_before"] == YES
        and "school" in got["reported_to"]
    )
    # Answered in words that are not a yes or no: her words are kept beside "not known".
    got = read_answer(q.PARENT_REPORTED, "her mum is at work, no", {})
    assert got == {
        "parent_aware": UNKNOWN,
        "parent_aware_words": "her mum is at work",
        "reported_before": NO,
    }


def test_the_person_of_concern_comes_with_who_they_are_to_the_child():
    got = read_answer(q.POC, "my sister's husband, their dad", {})
    assert (
        got["poc_relationship"] == "father"
        and got["poc_relationship_words"] == "my sister's husband, their dad"
    )
    assert read_answer(q.POC, "no one in particular", {}) == {
        "poc_description": UNKNOWN,
        "poc_relationship": UNKNOWN,
    }


def test_the_household_says_whether_the_person_lives_there():
    assert mentions_person("her mum, Kyle and her baby brother", "her mums boyfriend Kyle", None)
    assert mentions_person("his mum and the fella", "his mum's new fella", "mother's partner")
    assert not mentions_person("just his mum", "Kyle", None)
    got = read_answer(
        q.HOUSEHOLD_POC, "Leo and his mum, no he just visits", {"poc_description": "her boyfriend"}
    )
    assert got["poc_lives_with_child"] == NO


@pytest.mark.parametrize(
    ("question", "text", "plain"),
    [
        (q.CONTACT_WHEN, "evenings", True),
        (q.CONTACT_WHEN, "hello", False),
        (q.AGE, "she's 2", True),
        (q.HOUSEHOLD, "will they know it was me?", False),
        (q.PARENT, "no", True),
        (q.NAME, "don't know", True),
    ],
)
def test_a_plain_answer_to_the_question_asked_is_recognised_whatever_nlu_says(
    question, text, plain
):
    assert plain_answer(question, text) is plain
