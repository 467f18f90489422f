"""Which question comes next: her account first, what she mentioned, then only what is missing."""

from bot import questions as q
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES

TOLD = {"concern_description": "x", "account_messages": 2}


def test_her_account_comes_first():
    assert q.next_question({}) == q.ACCOUNT
    assert q.next_question({"concern_opening": "I'm worried about my grandson"}) == q.WHAT_HAPPENED


def test_anything_else_is_asked_once_after_a_one_message_account_and_what_the_child_said_too():
    assert q.next_question({"concern_description": "x", "account_messages": 1}) == q.MORE_SAID
    baby = {"concern_description": "x", "account_messages": 1, "child_age": "14 weeks"}
    assert q.next_question(baby) == q.MORE
    assert q.next_question({**baby, "concern_more": NO}) != q.MORE


def test_in_danger_right_now_where_the_child_is_comes_next():
    assert q.next_question({**TOLD, "emergency": True}) == q.WHERE_NOW


def test_two_missing_answers_are_asked_together_and_one_alone():
    assert q.next_question(TOLD) == q.NAME_AGE
    assert q.next_question({**TOLD, "child_name": "Tom"}) == q.AGE
    assert q.next_question({**TOLD, "child_name": "Tom", "child_age": "4"}) == q.AREA_SCHOOL


def test_injuries_she_mentioned_are_followed_up():
    known = {
        **TOLD,
        "child_name": "Tom",
        "child_age": "4",
        "child_area": "Leeds",
        "child_school": UNKNOWN,
    }
    assert q.next_question({**known, "injuries_seen": YES}) == q.INJURIES_SOURCE
    assert q.next_question({**known, "injuries_seen": YES, "source": "self"}) == q.INJURIES


def test_an_anonymous_reporter_is_not_asked_how_to_contact_her():
    assert q._contact({"reporter_name": ANONYMOUS}) is None
    assert q._contact({"reporter_name": "Pat", "safe_to_contact": YES}) == q.CONTACT_HOW


def test_the_person_is_named_in_questions_by_her_words_when_short():
    assert q.poc_referent({"poc_description": "Kyle"}) == "Kyle"
    assert q.poc_referent({"poc_description": "Her mum's boyfriend"}) == "her mum's boyfriend"
    assert (
        q.poc_referent({"poc_description": "my daughter, his mum", "poc_relationship": "mother"})
        == "the child's mother"
    )
    assert q.poc_referent({}) == "that person"
