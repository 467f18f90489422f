"""What one message does to a report in progress: her account first, volunteered facts, combined
questions, answers that do not answer, danger, and the read-back."""

import pytest

from bot import questions as q
from bot.conversation import CONFIRM, next_question, take_turn
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES

STORY = (
    "My granddaughter Ellie is 2, she lives in Bradford BD3 with her mum and her mums "
    "boyfriend Kyle. "
    "On Saturday I saw bruises all down her legs and she flinches when he comes near her"
)


def said(*lines: str, intent: str = "inform", answers: dict | None = None) -> dict:
    """Her messages in turn, each answering whatever was asked; the answers afterwards."""
    answers = dict(answers or {})
    asked = None
    for line in lines:
        answers.update(take_turn(line, intent, 0.9, asked, answers).updates)
        asked = next_question(answers)
    return answers


def test_after_a_greeting_she_is_asked_what_is_worrying_her_first():
    assert take_turn("Hello", "greet", 0.95, None, {}).updates == {}
    assert next_question({}) == q.ACCOUNT


def test_a_first_message_that_tells_the_story_is_her_account_and_she_is_asked_once_for_more():
    answers = said(STORY)
    assert answers["concern_description"] == STORY
    assert next_question(answers) == q.MORE
    turn = take_turn("no that's everything", "deny", 0.9, q.MORE, answers)
    assert turn.updates["concern_more"] == NO
    assert next_question({**answers, **turn.updates}) != q.MORE


def test_what_she_adds_when_asked_for_more_joins_her_account():
    answers = said(STORY)
    turn = take_turn("he shouts at her mum too and breaks things", "inform", 0.9, q.MORE, answers)
    assert (
        turn.updates["concern_description"]
        == STORY + "\nhe shouts at her mum too and breaks things"
    )
    assert turn.updates["concern_more"] == YES


@pytest.mark.parametrize(
    "opening",
    [
        "I'm worried about my grandson",
        "my daughter is drinking again and i'm worried about my grandson",
    ],
)
def test_a_short_opening_is_never_the_whole_account(opening):
    answers = said(opening)
    assert "concern_description" not in answers and answers["concern_opening"] == opening
    assert next_question(answers) == q.WHAT_HAPPENED
    answers.update(
        take_turn(
            "she passes out on the sofa most nights and he was found in the street",
            "inform",
            0.9,
            q.WHAT_HAPPENED,
            answers,
        ).updates
    )
    assert answers["concern_description"].startswith(opening + "\n")
    assert "passes out" in answers["concern_description"]
    assert next_question(answers) != q.MORE  # two messages of account: no need to ask for more


def test_facts_in_her_account_are_never_asked_again():
    answers = said(STORY)
    assert answers["child_name"] == "Ellie" and answers["child_age"] == "2"
    assert "BD3" in answers["child_area"]
    assert answers["reporter_relationship"] == "grandparent"
    assert answers["reporter_relationship_words"] == "My granddaughter"
    assert answers["injuries_seen"] == YES and answers["concern_when"] == "On Saturday"
    answers["concern_more"] = NO
    # Name, age and area were said: the next question is only the school, then the injuries.
    assert next_question(answers) == q.SCHOOL
    answers["child_school"] = UNKNOWN
    assert next_question(answers) == q.INJURIES


def test_two_things_asked_at_once_are_both_read():
    turn = take_turn("Mason and Lily, they're 8 and 5", "inform", 0.9, q.NAME_AGE, {})
    assert turn.updates["child_name"] == "Mason" and turn.updates["child_age"] == "8"
    assert turn.updates["children"] == [{"name": "Mason", "age": "8"}, {"name": "Lily", "age": "5"}]
    turn = take_turn("yes, ring me on 07700 900456, evenings after 6", "inform", 0.9, q.CONTACT, {})
    assert turn.updates["safe_to_contact"] == YES
    assert turn.updates["contact_method"] == "ring me on 07700 900456"
    assert turn.updates["safe_times"] == "evenings after 6"


def test_a_person_she_named_is_followed_up_by_who_they_are_to_the_child():
    answers = {"poc_description": "Kyle"}
    assert q.POC_RELATIONSHIP in [next_question({**_everything_before_poc(), **answers})]
    turn = take_turn("my daughter, his mum", "inform", 0.9, q.POC_RELATIONSHIP, answers)
    assert turn.updates["poc_relationship"] == "mother"
    assert turn.updates["poc_relationship_words"] == "my daughter, his mum"


def test_she_is_not_asked_who_a_person_is_when_she_has_said():
    turn = take_turn("my daughter, his mum", "inform", 0.9, q.POC, {})
    assert turn.updates["poc_relationship"] == "mother"
    assert next_question({**_everything_before_poc(), **turn.updates}) != q.POC_RELATIONSHIP


def _everything_before_poc() -> dict:
    return {
        "concern_description": "x",
        "concern_more": NO,
        "child_name": "Tom",
        "child_age": "4",
        "child_area": "Leeds",
        "child_school": UNKNOWN,
        "concern_when": "Sunday",
        "source": "self",
    }


def test_the_household_answer_says_whether_the_person_lives_there_and_names_other_children():
    answers = {"poc_description": "her mums boyfriend Kyle", "poc_relationship": "mother's partner"}
    turn = take_turn(
        "her mum, Kyle and her baby brother Noah", "inform", 0.9, q.HOUSEHOLD_POC, answers
    )
    assert turn.updates["poc_lives_with_child"] == YES
    assert turn.updates["other_children_in_home"] == YES
    assert "Noah" in turn.updates["other_children"]


def test_yes_to_when_is_it_safe_is_not_a_time_it_is_asked_again_then_evenings_is_the_answer():
    first = take_turn("yes", "affirm", 0.9, q.CONTACT_WHEN, {})
    assert "safe_times" not in first.updates and first.responses == ["utter_not_an_answer"]
    second = take_turn("evenings", "greet", 0.95, q.CONTACT_WHEN, first.updates)
    assert second.updates["safe_times"] == "evenings"  # an answer, not a greeting


def test_the_same_question_is_asked_at_most_twice_then_the_report_moves_on():
    answers: dict = {}
    for _ in range(2):
        answers.update(take_turn("yes", "affirm", 0.9, q.CONTACT_WHEN, answers).updates)
    assert answers["safe_times"] == UNKNOWN and answers["unanswered"] == [q.CONTACT_WHEN]
    assert (
        next_question({**answers, "safe_to_contact": YES, "contact_method": "07700 900456"})
        != q.CONTACT_WHEN
    )


@pytest.mark.parametrize("slot", [q.NAME, q.AGE, q.POC_LIVES, q.PARENT, q.HOUSEHOLD])
def test_dont_know_is_accepted_for_any_question(slot):
    updates = take_turn("don't know", "dont_know", 0.99, slot, {}).updates
    assert set(q.FILLS[slot]) & {k for k, v in updates.items() if v == UNKNOWN}


def test_danger_right_now_is_flagged_and_the_999_advice_given_in_the_same_turn():
    turn = take_turn(
        "he is hitting her right now", "danger_now", 0.95, q.NAME_AGE, {"concern_description": "x"}
    )
    assert turn.updates["emergency"] is True
    assert turn.responses == ["utter_call_999"]
    assert "child_name" not in turn.updates  # not a name: the question is asked again
    assert (
        turn.updates["concern_description"] == "x\nhe is hitting her right now"
    )  # part of her account
    assert (
        next_question({"concern_description": "x", "concern_more": NO, **turn.updates})
        == q.WHERE_NOW
    )


def test_danger_in_her_first_message_is_her_account_and_the_advice_came_with_the_introduction():
    turn = take_turn("he is hitting her right now", "danger_now", 0.9, None, {})
    assert turn.updates["emergency"] is True and turn.responses == []
    assert turn.updates["concern_description"] == "he is hitting her right now"


@pytest.mark.parametrize(
    "intent", ["chitchat", "bot_challenge", "ask_about_service", "insult", "child_self_report"]
)
def test_a_turn_that_is_not_an_answer_changes_nothing(intent):
    turn = take_turn("are you a robot?", intent, 0.9, q.AGE, {})
    assert not turn.is_answer


def test_an_account_of_abuse_is_her_account_whatever_nlu_thinks():
    said_ = "She is left on her own most nights and her stepdad hits her when he is drunk."
    turn = take_turn(said_, "adult_at_risk", 0.95, q.ACCOUNT, {})
    assert turn.updates["concern_description"] == said_


@pytest.mark.parametrize("intent", ["ask_confidentiality", "ask_anonymous", "ask_what_next"])
def test_her_question_is_not_kept_as_her_account_even_where_her_account_is_asked_for(intent):
    text = "ok before i tell you any more will my son find out it was me that told you"
    assert not take_turn(text, intent, 1.0, q.ACCOUNT, {}).is_answer


def _anonymous_neighbour_told_it_all() -> dict:
    return {
        **_everything_before_poc(),
        "poc_description": UNKNOWN,
        "poc_relationship": UNKNOWN,
        "household": "x",
        "child_said": "x",
        "reported_before": NO,
        "reporter_relationship": "neighbour",
        "reporter_name": ANONYMOUS,
    }


def test_anonymous_means_she_is_not_asked_how_to_contact_her():
    assert next_question(_anonymous_neighbour_told_it_all()) == q.PARENT


def test_the_read_back_comes_last_and_then_the_report_is_ready():
    answers = {**_anonymous_neighbour_told_it_all(), "parent_aware": NO}
    assert next_question(answers) == CONFIRM
    answers[CONFIRM] = YES
    assert next_question(answers) is None


def test_yes_at_the_read_back_confirms():
    assert take_turn("Yes, send it", "affirm", 0.9, CONFIRM, {}).updates == {CONFIRM: YES}


def test_a_correction_at_the_read_back_changes_the_answer_and_shows_it_again():
    turn = take_turn("no, he's 4 not 5", "deny", 0.9, CONFIRM, {"child_age": "5"})
    assert turn.updates["child_age"] == "4"
    assert turn.updates["corrections"] == ["no, he's 4 not 5"]  # and her words are kept
    assert CONFIRM not in turn.updates
    assert turn.responses == ["utter_correction_applied"]


def test_dont_know_as_a_correction_is_not_added_and_two_unclear_replies_offer_send_or_change():
    answers: dict = {"awaiting_correction": True}
    for reply in ("don't know", "dont know"):
        turn = take_turn(reply, "dont_know", 0.9, CONFIRM, answers)
        assert "utter_correction_noted" not in turn.responses and "corrections" not in turn.updates
        answers.update(turn.updates)
    assert answers["readback_unclear"] == 2
    assert take_turn("1", "inform", 0.9, CONFIRM, answers).updates[CONFIRM] == YES


def test_a_change_we_cannot_place_is_kept_word_for_word_as_a_note():
    said_ = "please add that the family moved house twice this year"
    turn = take_turn(
        said_, "inform", 0.9, CONFIRM, {"awaiting_correction": True, "corrections": ["earlier"]}
    )
    assert turn.updates["corrections"] == ["earlier", said_]
    assert turn.responses == ["utter_correction_noted"]


def test_a_question_nlu_keeps_reading_as_not_an_answer_is_asked_at_most_twice():
    said_ = "Sandra, yes, text me on 07700 900321, any time"
    first = take_turn(said_, "child_self_report", 0.9, q.NAME_CONTACT, {})
    assert first.updates == {}  # a rule answers it (Childline), and the form comes back
    back = take_turn(said_, "child_self_report", 0.9, q.NAME_CONTACT, {}, returning=True)
    assert back.updates == {"retried": [q.NAME_CONTACT]}
    # The second time NLU says the same, a plain answer to the question is taken as her answer.
    again = take_turn(said_, "child_self_report", 0.9, q.NAME_CONTACT, back.updates)
    assert again.updates["reporter_name"] == "Sandra" and again.updates["safe_times"] == "any time"
    # Her questions, and a child writing about themselves, get their own reply every time.
    robot = take_turn("are you a robot?", "bot_challenge", 0.9, q.HOUSEHOLD, {"retried": [q.HOUSEHOLD]})
    assert robot.updates == {}
    child = take_turn("I'm 13 and my dad hits me", "child_self_report", 0.9, q.AGE, {"retried": [q.AGE]})
    assert child.updates == {}  # never taken as the child's age
