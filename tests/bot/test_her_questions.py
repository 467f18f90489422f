"""Her questions about the service, found in her own words: alone, mid-message, in SMS-speak."""

from __future__ import annotations

import pytest

from bot.her_questions import ANONYMOUS, CONFIDENTIALITY, WHAT_NEXT, asked


ASKED = {
    CONFIDENTIALITY: [
        "Will they know it was me?", "will they no its me", "wil they kno it was me",
        "wud they no it was me tho",
        "Is this confidential?", "is all this private", "will my daughter find out i told you",
        "will my son know i contacted you", "does the family get told who made the report",
        "will you tell his mum",
        "would my name be passed on", "who will see what i write",
        "please dont tell them it was me will they find out",
        "ok before i say anything will they know it was me that rang",
        "I want to tell you about my grandson. But first, will he know it was me?",
    ],
    ANONYMOUS: [
        "Can I stay anonymous?", "can i be anon", "do i have to give my name",
        "do i need to give my name",
        "is it ok if i dont give my name", "can i report without giving my name",
        "sorry, can i do this anonymously",
    ],
    WHAT_NEXT: [
        "What happens next?", "wat happens now", "so what happens after this",
        "how long will it take",
        "how long b4 sum1 looks at it", "when will someone do something",
        "will someone come out today",
        "will i be told what happens", "thank you. what happens now",
    ],
}


@pytest.mark.parametrize("text, intent", [(t, i) for i, texts in ASKED.items() for t in texts])
def test_her_question_is_found_alone_mid_message_and_in_sms_speak(text, intent):
    assert asked(text) == intent


@pytest.mark.parametrize("text", [
    "Stay anonymous",  # the button that answers "What is your name?"
    "I'd rather stay anonymous",
    "i dont want them to know it was me",  # a worry said, not asked: an answer stays an answer
    "she will know it was me",
    "hes going to find out",
    "when is it safe to contact you",
    "how long has this been going on",
    "what happened was he hit her",
    "do you know what i mean",
    "can you help me",
    "is this the right number",
    "are you a bot",
    "weekday mornings",
    "",
    None,
])
def test_answers_and_other_messages_are_not_questions_about_the_service(text):
    assert asked(text) is None
