"""Indicators before intent: an account of harm to a child is never routed elsewhere."""

from __future__ import annotations

import pytest

from bot import indicators
from bot.turn_kind import ACCOUNT, DANGER, NOT_ACCOUNT, decide

# Intents that would send her account somewhere else: the brief's "never".
ELSEWHERE = ("adult_at_risk", "chitchat", "insult", "greet", "goodbye")
RANKING = [("chitchat", 0.5), ("inform", 0.3), ("report_concern", 0.2)]


def served(text: str, intent: str, ranking=RANKING) -> str:
    decision = decide(text, intent, ranking)
    return intent if decision is None else decision.intent


MISREAD_ACCOUNTS = [
    "my sons ex has got a knife and is screaming at the kids, im outside the house",
    "My granddaughter Ellie is 2, she lives in Bradford BD3 with her mum and her mums boyfriend "
    "Kyle. "
    "On Saturday I saw bruises all down her legs and she flinches when he comes near her",
    "I told you, her stepdad goes into her room at night and touches her, she is 12",
    "hiya my nephew has burns on his hand and they said he did it on the cooker",
    "that useless pig hits the baby",
    "got to go, his mums fella is back, he punched the lad yesterday",
]


@pytest.mark.parametrize("text", MISREAD_ACCOUNTS)
@pytest.mark.parametrize(
    "intent", [*ELSEWHERE, "bot_challenge", "ask_about_service", "ask_confidentiality"]
)
def test_an_account_of_harm_is_her_account_whatever_the_classifier_said(text, intent):
    assert served(text, intent) in (*ACCOUNT, DANGER)


def test_danger_right_now_is_danger_now_from_any_intent():
    text = "he is hitting her right now"
    assert indicators.advice_for(text).emergency
    for intent in [*NOT_ACCOUNT, "inform", "affirm", "deny", "dont_know", "report_concern"]:
        assert served(text, intent) == DANGER


def test_a_reference_to_an_earlier_report_is_left_to_its_own_step():
    assert decide("FV-7K3M-Q9XD he is hitting her right now", "add_to_report") is None


def test_the_account_intent_is_the_one_the_classifier_ranked_higher():
    text = "she has bruises on her legs"
    concern_first = [("greet", 0.6), ("report_concern", 0.3), ("inform", 0.1)]
    inform_first = [("greet", 0.6), ("inform", 0.3), ("report_concern", 0.1)]
    assert served(text, "greet", concern_first) == "report_concern"
    assert served(text, "greet", inform_first) == "inform"
    assert served(text, "greet", []) == "report_concern"


@pytest.mark.parametrize("text", [
    "my mother in the care home has bruises",
    "my sister's husband hits her",
    "my dad has dementia and his carer takes his money",
    "my daughter is 25 and her boyfriend controls her",
    "my wife is scared of her ex",
])
def test_an_adult_at_risk_with_no_child_in_it_stays_one(text):
    assert served(text, "adult_at_risk") == "adult_at_risk"


@pytest.mark.parametrize("text", [
    "my sister's husband hits her and their little boy has bruises",
    "im 67 and im worried about my grandson",
    "my daughter is 24 and her partner hits her, and he shoved my granddaughter into the wall",
    "he hits her",  # an indicator and no adult named: in a child protection service, the child
    "i am worried about the kids, their mum is being hurt",
])
def test_adult_at_risk_is_not_believed_when_a_child_is_in_it(text):
    assert served(text, "adult_at_risk") in ACCOUNT


@pytest.mark.parametrize("text", [
    "I'm 13 and my dad hits me", "im 15 my mums boyfriend touches me", "my stepdad hurts me",
])
def test_a_child_writing_about_themselves_is_still_sent_to_childline(text):
    assert served(text, "child_self_report") == "child_self_report"


@pytest.mark.parametrize("text", [
    "my grandson said his dad hits him",
    "she told me mummy's boyfriend hurts her",
    "my granddaughter says her stepdad touches her",
])
def test_a_relative_passing_on_what_a_child_said_is_her_account_not_a_childs_own_report(text):
    assert served(text, "child_self_report") in ACCOUNT


def test_a_question_about_the_service_is_that_question_however_it_was_classified():
    assert served("will they no its me", "inform") == "ask_confidentiality"
    assert served("do i have to give my name", "chitchat") == "ask_anonymous"
    assert served("wat happens now", "greet") == "ask_what_next"
    assert decide("will they know it was me", "ask_confidentiality", RANKING) is None


def test_a_question_with_an_account_in_it_is_her_account_first():
    text = "will they know it was me, her stepdad hits her"
    assert served(text, "ask_confidentiality") in ACCOUNT


@pytest.mark.parametrize("text, intent", [
    ("evenings", "inform"), ("hello", "greet"), ("how are you", "chitchat"),
    ("you're useless", "insult"), ("bye", "goodbye"), ("Stay anonymous", "inform"),
    ("no bruises that I saw", "deny"), ("", "greet"),
])
def test_messages_with_no_indicator_and_no_question_keep_the_classifiers_intent(text, intent):
    assert decide(text, intent, RANKING) is None








def test_a_question_the_classifier_only_guesses_at_is_not_answered():
    guess = [("ask_confidentiality", 0.45), ("greet", 0.3)]
    assert served("hi i was told to message this number", "ask_confidentiality", guess) == "greet"
    # What it falls back to is checked like any other guess: a child named is no adult at risk.
    unsure = [("ask_confidentiality", 0.46), ("adult_at_risk", 0.26), ("inform", 0.14)]
    lad = "the little lad over the road is out at all hours in his nappy"
    assert served(lad, "ask_confidentiality", unsure) in ACCOUNT
    sure = [("ask_what_next", 0.8), ("inform", 0.2)]
    assert served("anything else i should know about", "ask_what_next", sure) == "ask_what_next"
