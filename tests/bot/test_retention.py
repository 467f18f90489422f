"""What a conversation may keep once its report is sealed, and the limits that apply to it."""

from __future__ import annotations

import pytest

from bot import retention
from bot.retention import RetentionPolicy
from tests.bot.rasa_events import action, bot, restart, session_start, slot, turn, user

T = 1_700_000_000.0


def reported(reference: str = "FV-AAAA-BBBB") -> list[dict]:
    return [
        *session_start(T),
        *turn("Her name is Amira", T + 1, {"child_name": "Amira"}, "How old?"),
        *turn("she is 2", T + 2, {"child_age": "2"}, "Here is what you told me"),
        user("Yes, send it", T + 3),
        action("action_submit_referral", T + 3.1),
        slot("reference", reference, T + 3.2),
        slot("submitted", True, T + 3.2),
        bot("Your reference is ...", T + 3.3),
        action("action_listen", T + 3.4),
    ]


def test_slots_are_replayed_as_rasa_holds_them():
    events = reported()
    assert retention.slot_values(events)["child_name"] == "Amira"
    # A restart (or a new session, before its carried-over slots) forgets them.
    assert retention.slot_values([*events, restart(T + 9)]) == {}
    assert retention.slot_values([*events, *session_start(T + 9), slot("reference", "R", T + 9)]) == {"reference": "R"}


def test_a_sealed_report_with_nothing_pending_may_be_cut_to_its_residue():
    events = reported()
    assert retention.is_sealed(retention.slot_values(events))
    assert retention.unsealed_texts(events) == []
    assert retention.may_compact(events)


def test_an_unfinished_report_is_never_cut():
    events = reported()[:12]
    assert not retention.may_compact(events)
    # Nothing sealed yet: everything she said is still to reach the unit.
    assert [e["text"] for e in retention.unsealed_texts(events)] == ["Her name is Amira", "she is 2"]


def test_a_message_after_sealing_is_pending_until_the_action_adds_it():
    late = user("He has a new bruise today", T + 10)
    events = [*reported(), late, action("action_add_to_report", T + 10.1)]
    assert retention.unsealed_texts(events) == [late]
    assert not retention.may_compact(events)  # e.g. the addition failed: keep her words
    events.append(slot("reference", "FV-AAAA-BBBB", T + 10.2))  # the action's "added" mark
    assert retention.unsealed_texts(events) == []
    assert retention.may_compact(events)


def test_the_residue_keeps_the_reference_and_no_text():
    kept = retention.residue("FV-AAAA-BBBB", now=T)
    assert retention.slot_values(kept) == {"reference": "FV-AAAA-BBBB", "submitted": True}
    assert not any("text" in e for e in kept)
    assert [e["event"] for e in kept] == ["action", "session_started", "slot", "slot", "action"]
    assert kept[-1]["name"] == "action_listen"  # Rasa waits for her next message
    assert retention.may_compact(kept)


def test_something_worth_passing_on_is_any_answer_or_danger():
    assert not retention.has_something_to_pass_on({})
    assert not retention.has_something_to_pass_on({"submitted": False, "requested_slot": "child_name"})
    assert retention.has_something_to_pass_on({"child_name": "__unknown__"})  # even "don't know"
    assert retention.has_something_to_pass_on({"emergency": True})


def test_the_channel_is_read_from_her_messages():
    assert retention.channel_of([user("hi", T, channel="twilio_sms")]) == "sms"
    assert retention.channel_of([user("hi", T, channel="webchat")]) == "webchat"
    assert retention.channel_of([bot("hello", T)]) == "webchat"


def test_limits_default_to_two_hours_web_chat_and_a_day_by_sms():
    policy = RetentionPolicy.from_env({})
    assert policy.idle_limit("webchat") == 2 * 3600 and policy.idle_limit("sms") == 24 * 3600
    assert policy.retention == 7 * 24 * 3600
    short = RetentionPolicy.from_env({"FAMILYVOICE_IDLE_WEBCHAT_SECONDS": "2.5", "FAMILYVOICE_TRACKER_RETENTION_SECONDS": "60"})
    assert short.idle_limit("webchat") == 2.5 and short.shortest == 2.5


@pytest.mark.parametrize("raw", ["soon", "-5", "0"])
def test_a_bad_limit_is_a_clear_error(raw):
    with pytest.raises(ValueError, match="FAMILYVOICE_IDLE_SMS_SECONDS"):
        RetentionPolicy.from_env({"FAMILYVOICE_IDLE_SMS_SECONDS": raw})
