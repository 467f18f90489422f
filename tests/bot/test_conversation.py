"""What one message does to a report in progress: answers, volunteered facts, danger, corrections."""

import pytest

from bot.conversation import CONFIRM, next_question, take_turn
from bot.slots import QUESTIONS, UNKNOWN, YES


def answered_up_to(last: str, **overrides) -> dict:
    answers = {}
    for q in QUESTIONS:
        answers[q] = overrides.get(q, "x")
        if q == last:
            break
    return answers


def test_an_answer_fills_the_question_asked_and_moves_on():
    turn = take_turn("Little Stars nursery", "inform", 0.9, "child_school", {})
    assert turn.updates["child_school"] == "Little Stars nursery"


def test_facts_volunteered_in_one_message_fill_later_questions_so_they_are_not_asked():
    turn = take_turn("My grandson Tom is 3 and a half and his mum's new fella hits him", "report_concern", 0.9, None, {})
    assert turn.updates["child_name"] == "Tom"
    assert turn.updates["child_age"] == "3 and a half"
    assert turn.updates["reporter_relationship"] == "grandparent"
    assert "fella" in turn.updates["poc_description"]
    after = dict(turn.updates)
    assert next_question(after) == "child_area"


def test_a_fact_does_not_overwrite_an_answer_already_given():
    turn = take_turn("They live in Leeds, Tom is at Oak Primary", "inform", 0.9, "child_area", {"child_name": "Thomas"})
    assert "child_name" not in turn.updates


def test_dont_know_is_accepted_for_any_question():
    for slot in ("child_name", "child_age", "injuries_seen", "parent_aware", "household"):
        assert take_turn("don't know", "dont_know", 0.99, slot, {}).updates[slot] == UNKNOWN


def test_danger_right_now_is_flagged_and_the_999_advice_given_in_the_same_turn():
    turn = take_turn("he is hitting her right now", "danger_now", 0.95, "child_name", {})
    assert turn.updates["emergency"] is True
    assert turn.responses == ["utter_call_999"]
    # Not a name: the question is asked again.
    assert "child_name" not in turn.updates


def test_danger_while_describing_the_worry_is_also_the_description():
    turn = take_turn("he is hitting her right now", "danger_now", 0.95, "concern_description", {})
    assert turn.updates["concern_description"] == "he is hitting her right now"
    assert turn.updates["emergency"] is True


@pytest.mark.parametrize("intent", ["chitchat", "bot_challenge", "ask_about_service", "insult", "child_self_report"])
def test_a_turn_that_is_not_an_answer_changes_nothing(intent):
    turn = take_turn("are you a robot?", intent, 0.9, "child_age", {})
    assert not turn.is_answer


def test_an_unsure_classification_is_still_taken_as_the_answer():
    turn = take_turn("just me and her mum", "chitchat", 0.4, "household", {})
    assert turn.updates["household"] == "just me and her mum"


def test_a_plain_yes_to_a_yes_no_question_is_an_answer_whatever_nlu_says():
    assert take_turn("yes", "greet", 0.9, "parent_aware", {}).updates["parent_aware"] == YES


def test_follow_up_questions_only_when_the_answer_was_yes():
    base = answered_up_to("injuries_seen", injuries_seen="no")
    assert next_question(base) == "child_said"
    base["injuries_seen"] = YES
    assert next_question(base) == "injuries_detail"


def test_the_read_back_comes_last_and_then_the_report_is_ready():
    answers = {q: "x" for q in QUESTIONS}
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


def test_a_plain_no_asks_what_to_change():
    turn = take_turn("no", "deny", 0.9, CONFIRM, {})
    assert turn.updates == {"awaiting_correction": True}


def test_a_change_we_cannot_place_is_kept_word_for_word_as_a_note():
    said = "please add that the family moved house twice this year"
    turn = take_turn(said, "inform", 0.9, CONFIRM, {"awaiting_correction": True, "corrections": ["earlier"]})
    assert turn.updates["corrections"] == ["earlier", said]
    assert turn.responses == ["utter_correction_noted"]


def test_a_first_message_that_tells_the_story_becomes_the_description():
    story = "My granddaughter Lily has bruises on her arms and her mum's boyfriend shouts at her"
    turn = take_turn(story, "report_concern", 0.9, None, {})
    assert turn.updates["concern_description"] == story


def test_a_short_first_message_is_not_taken_as_the_description():
    assert "concern_description" not in take_turn("I'm worried about my grandson", "report_concern", 0.9, None, {}).updates


@pytest.mark.parametrize("intent", ["adult_at_risk", "child_self_report", "chitchat"])
def test_an_account_given_when_asked_for_one_is_taken_whatever_nlu_thinks(intent):
    said = "She is left on her own most nights and I hear her crying for hours."
    turn = take_turn(said, intent, 0.95, "concern_description", {})
    assert turn.updates["concern_description"] == said
