"""Her questions about the service, and her account read as her account, at every point of a
web chat: before any question, mid-form, at the read-back and after sending (real Rasa, real
actions, the trained model with rasa_ext.indicators_first)."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import say, texts
from tests.e2e.test_webchat_report import REFERENCE, asked

pytestmark = pytest.mark.e2e

# Fragments of each answer (domain.yml), and of the replies an account must never get.
WHO_WILL_KNOW = "do not tell the family who made"
MAY_GUESS = "can sometimes guess"
OTHER_AGENCIES = "police, health or school"
ANONYMOUS = "you can stay anonymous"
CANNOT_COME_BACK = "cannot come back to you"
WHAT_NEXT = "within 4 hours if it is urgent"
ADULT_SERVICES = "adult social care"
NOT_AN_ANSWER = (
    "Hello again", "I'm here to help you pass on a worry", "I understand this may be upsetting"
)
INTRO = "This is FamilyVoice"
ELLIE = (
    "My granddaughter Ellie is 2, she lives in Bradford BD3 with her mum and her mums boyfriend "
    "Kyle. On Saturday I saw bruises all down her legs and she flinches when he comes near her"
)


def last_text(replies: list[dict]) -> str:
    return replies[-1]["text"] if replies else ""


def to_the_read_back(stack, sender: str, replies: list[dict]) -> list[dict]:
    """Answer "don't know" (anonymous for her name) until the summary is read back."""
    for _ in range(40):
        slot = asked(replies)
        if slot == "confirm":
            return replies
        assert slot is not None, texts(replies)
        replies = say(stack, sender, "Stay anonymous" if slot == "reporter_name" else "don't know")
    raise AssertionError("no read-back after 40 turns")


def test_her_question_before_anything_else_is_answered_then_the_report_begins(stack):
    sender = f"ask-first-{uuid.uuid4().hex[:8]}"
    replies = texts(say(stack, sender, "hi, before i say anything will they know it was me?"))
    for fragment in (WHO_WILL_KNOW, MAY_GUESS, OTHER_AGENCIES, INTRO):
        assert fragment in replies
    assert replies.index(WHO_WILL_KNOW) < replies.index(INTRO)  # her question first


@pytest.mark.parametrize("question, fragments", [
    ("will they no its me", (WHO_WILL_KNOW, MAY_GUESS)),
    ("Is this confidential?", (WHO_WILL_KNOW, OTHER_AGENCIES)),
    ("can i stay anonymous", (ANONYMOUS, CANNOT_COME_BACK)),
    ("ok but wat happens next after i send this", (WHAT_NEXT, "1 working day", "3 working days")),
])
def test_her_question_mid_form_is_answered_and_the_same_question_asked_again(
    stack, question, fragments
):
    sender = f"ask-mid-{uuid.uuid4().hex[:8]}"
    before = say(stack, sender, "Hello")
    slot = asked(before)
    assert slot is not None
    replies = say(stack, sender, question)
    for fragment in fragments:
        assert fragment in texts(replies)
    assert asked(replies) == slot and last_text(replies) == last_text(before)


def test_her_question_at_the_read_back_is_answered_and_the_summary_shown_again(stack):
    sender = f"ask-readback-{uuid.uuid4().hex[:8]}"
    summary = to_the_read_back(stack, sender, say(stack, sender, "Hello"))
    replies = say(stack, sender, "before i send it, will my daughter find out i told you")
    assert WHO_WILL_KNOW in texts(replies) and MAY_GUESS in texts(replies)
    assert asked(replies) == "confirm" and last_text(replies) == last_text(summary)
    sent = say(stack, sender, "yes send it")
    assert REFERENCE.search(texts(sent))
    # After sending: answered, and not taken as news for the report.
    after = say(stack, sender, "what happens now?")
    assert WHAT_NEXT in texts(after) and "added this to your report" not in texts(after)


def test_her_account_is_never_sent_to_adult_services_or_treated_as_chit_chat_at_any_point(stack):
    sender = f"account-{uuid.uuid4().hex[:8]}"
    # First message, no form yet: the rule that answers an adult at risk must not fire.
    first = texts(say(stack, sender, ELLIE))
    assert ADULT_SERVICES not in first and INTRO in first
    # Mid-form, in words that read like a greeting and like an insult.
    for account in ("hiya, her little brother has burns on his hand",
                    "that useless pig hits the baby when hes drunk"):
        replies = texts(say(stack, sender, account))
        assert ADULT_SERVICES not in replies, (account, replies)
        assert not any(reply in replies for reply in NOT_AN_ANSWER), (account, replies)
    # At the read-back, a repeat of her account is kept, not answered as an adult at risk.
    summary = to_the_read_back(stack, sender, say(stack, sender, "don't know"))
    again = "I told you, her stepdad goes into her room at night and touches her, she is 12"
    repeat = texts(say(stack, sender, again))
    assert ADULT_SERVICES not in repeat and repeat != texts(summary)
    sent = say(stack, sender, "yes send it")
    if not REFERENCE.search(texts(sent)):  # her repeat was noted first: the summary, and yes again
        assert asked(sent) == "confirm", texts(sent)
        sent = say(stack, sender, "yes send it")
    assert REFERENCE.search(texts(sent))
    # After sending, an account that reads like an insult is added to the report.
    added = texts(say(stack, sender, "that useless pig hit her again last night"))
    assert "added this to your report" in added and "upsetting" not in added


def test_a_long_question_where_her_account_is_asked_for_is_answered_not_kept_as_her_account(stack):
    sender = f"ask-account-{uuid.uuid4().hex[:8]}"
    replies = say(stack, sender, "Hello")
    for _ in range(10):
        if asked(replies) == "concern_description":
            break
        replies = say(stack, sender, "don't know")
    assert asked(replies) == "concern_description", texts(replies)
    question = "ok before i tell you any more, will my son find out it was me that told you"
    replies = say(stack, sender, question)
    assert WHO_WILL_KNOW in texts(replies)
    assert asked(replies) == "concern_description"  # asked again: the question was not her account
