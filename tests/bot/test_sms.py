"""What a reporter's phone receives: encodings, segments, numbered options, keywords."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import sms
from bot.config import PROJECT_ROOT
from bot.sms import Encoding, Keyword, Option

YES_NO_DK = [Option("Yes", "Yes"), Option("No", "No"), Option("Don't know", "Don't know")]


# --- encodings and segments ---------------------------------------------------------------


def test_plain_english_is_gsm7_and_160_characters_make_one_segment():
    assert sms.encoding_of("Hello, is it 3 o'clock? 50% off @ Tesco.") is Encoding.GSM7
    assert sms.segment_count("a" * 160) == 1
    assert sms.segment_count("a" * 161) == 2
    assert sms.segment_count("a" * 306) == 2
    assert sms.segment_count("a" * 307) == 3
    assert sms.segment_count("a" * 459) == 3
    assert sms.segment_count("a" * 460) == 4


def test_extension_characters_cost_two_septets():
    assert sms.encoding_of("Costs 5\u20ac [approx]") is Encoding.GSM7
    assert sms.segment_count("\u20ac" * 80) == 1
    assert sms.segment_count("\u20ac" * 81) == 2


def test_one_curly_quote_or_emoji_switches_the_whole_message_to_ucs2():
    assert sms.encoding_of("He said \u2018stop\u2019") is Encoding.UCS2
    assert sms.encoding_of("ok \U0001f44d") is Encoding.UCS2
    assert sms.encoding_of("Zo\u0142 is 4") is Encoding.UCS2  # Polish l with stroke
    assert sms.segment_count("\u0142" * 70) == 1
    assert sms.segment_count("\u0142" * 71) == 2
    assert sms.segment_count("\u0142" * 201) == 3
    assert sms.segment_count("\u0142" * 202) == 4
    # An emoji is two UTF-16 units and is never split between parts.
    assert sms.segment_count("\U0001f44d" * 35) == 1
    assert sms.segment_count("\U0001f44d" * 36) == 2


def test_plain_punctuation_changes_quotes_and_dashes_but_never_letters():
    assert sms.plain_punctuation("He said \u201cstop\u201d \u2013 it\u2019s\u2026") == "He said \"stop\" - it's..."
    assert sms.plain_punctuation("Zo\u0142 \u0645\u0631\u062d\u0628\u0627") == "Zo\u0142 \u0645\u0631\u062d\u0628\u0627"


def test_a_long_message_is_split_between_sentences_into_parts_of_at_most_three_segments():
    sentences = [f"This is sentence number {i} of a long explanation." for i in range(20)]
    text = " ".join(sentences)
    parts = sms.split_message(text)
    assert len(parts) > 1
    assert all(sms.segment_count(p) <= 3 for p in parts)
    assert " ".join(parts) == text  # nothing lost, nothing reordered
    for part in parts:
        assert part.endswith(".")  # each part ends on a sentence boundary


def test_a_short_message_is_left_alone_with_its_line_breaks():
    text = "What is the child's name?\nReply 1 for Yes."
    assert sms.split_message(text) == [text]


def test_ucs2_text_is_split_at_201_units():
    text = " ".join(["\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435."] * 40)
    parts = sms.split_message(text)
    assert all(sms.segment_count(p) <= 3 for p in parts)
    assert all(len(p) <= 201 for p in parts)
    assert " ".join(parts) == text


def test_a_sentence_longer_than_three_segments_is_split_between_words_and_a_huge_word_cut():
    words = "word " * 200
    parts = sms.split_message(words)
    assert all(sms.segment_count(p) <= 3 for p in parts)
    assert " ".join(parts).split() == words.split()
    blob = "x" * 1000
    parts = sms.split_message(blob)
    assert "".join(parts) == blob and all(sms.segment_count(p) <= 3 for p in parts)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=1500))
def test_any_text_splits_into_fitting_parts_that_keep_every_word(text):
    parts = sms.split_message(text)
    assert all(1 <= sms.segment_count(p) <= 3 for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


# --- numbered options ---------------------------------------------------------------------


def test_buttons_become_numbered_options():
    options = sms.options_from_buttons([{"title": t, "payload": t} for t in ("Yes", "No", "Don't know")])
    assert sms.options_line(options) == "Reply 1 for Yes, 2 for No, 3 for Don't know."
    assert sms.with_options("Have you seen any injuries?", options) == (
        "Have you seen any injuries?\nReply 1 for Yes, 2 for No, 3 for Don't know."
    )
    assert sms.with_options("What is the child's name?", []) == "What is the child's name?"


@pytest.mark.parametrize("said", ["1", "yes", "Y", "yes.", "Yeah", " YES! ", "yep", "Yes"])
def test_every_way_of_saying_yes_picks_yes(said):
    assert sms.match_option(said, YES_NO_DK) == YES_NO_DK[0]


@pytest.mark.parametrize("said", ["2", "no", "N", "No.", "nope", "nah"])
def test_every_way_of_saying_no_picks_no(said):
    assert sms.match_option(said, YES_NO_DK) == YES_NO_DK[1]


@pytest.mark.parametrize("said", ["3", "don't know", "Dont know", "don\u2019t know", "not sure", "dunno"])
def test_every_way_of_saying_dont_know_picks_dont_know(said):
    assert sms.match_option(said, YES_NO_DK) == YES_NO_DK[2]


@pytest.mark.parametrize("said", ["4", "0", "yes he moved in", "maybe later", "", "   ", "12"])
def test_anything_else_is_left_to_the_conversation(said):
    assert sms.match_option(said, YES_NO_DK) is None


def test_options_with_other_titles():
    where = [Option(t, t) for t in ("At home", "At school or nursery", "With me", "Don't know")]
    assert sms.match_option("2", where).payload == "At school or nursery"
    assert sms.match_option("with me", where).payload == "With me"
    assert sms.match_option("yes", where) is None  # no Yes on offer
    confirm = [Option("Yes, send it", "Yes, send it"), Option("Change something", "Change something")]
    assert sms.match_option("Yeah", confirm).payload == "Yes, send it"
    assert sms.match_option("no", confirm) is None  # "no" at the read-back asks what to change
    assert sms.match_option("1", []) is None


# --- keywords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said, keyword",
    [
        ("STOP", Keyword.STOP), ("stop", Keyword.STOP), ("Stop.", Keyword.STOP), ("StopAll", Keyword.STOP),
        ("UNSUBSCRIBE", Keyword.STOP), ("cancel", Keyword.STOP), ("End", Keyword.STOP), ("quit", Keyword.STOP),
        ("START", Keyword.START), ("unstop", Keyword.START),
        ("help", Keyword.HELP), ("HELP!", Keyword.HELP), ("info", Keyword.HELP),
        ("Restart", Keyword.RESTART), (" RESTART ", Keyword.RESTART),
    ],
)
def test_single_word_keywords_in_any_case(said, keyword):
    assert sms.keyword_of(said) is keyword


@pytest.mark.parametrize("said", ["please stop him", "stop it now", "help me", "yes", "", "stopped", "the end"])
def test_keywords_inside_a_sentence_are_words_of_the_report(said):
    assert sms.keyword_of(said) is None


@pytest.mark.parametrize("said", ["YES", "yes", "Yes."])
def test_yes_opts_back_in_only_after_stop_as_at_twilio(said):
    assert sms.keyword_of(said, opted_out=True) is Keyword.START  # Twilio resumes delivery on YES
    assert sms.keyword_of(said, opted_out=False) is None  # otherwise it answers a question
    assert sms.keyword_of("yes please", opted_out=True) is None


# --- what we send is GSM-7 ----------------------------------------------------------------


def _domain_texts() -> list[tuple[str, str]]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    found = []
    for name, variations in domain["responses"].items():
        for variation in variations:
            options = sms.options_from_buttons(variation.get("buttons"))
            text = variation.get("text", "").replace("{reference}", "FV-ABCD-EFGH")
            found.append((name, sms.with_options(text, options)))
    return found


@pytest.mark.parametrize("name, text", _domain_texts())
def test_every_bot_response_is_gsm7_and_fits_three_segments(name, text):
    bad = sorted({c for c in text if sms.encoding_of(c) is Encoding.UCS2})
    assert not bad, f"{name} has non-GSM-7 characters {bad!r}"
    assert sms.segment_count(text) <= 3, f"{name} takes {sms.segment_count(text)} segments"


@pytest.mark.parametrize("text", sms.CHANNEL_TEXTS)
def test_every_channel_text_is_gsm7_and_fits_three_segments(text):
    assert sms.encoding_of(text) is Encoding.GSM7
    assert sms.segment_count(text) <= 3
