"""Coming back to a report: the PIN, checking it, the limit on tries, and what is new.

Given / When / Then, on a real SQLite store with real scrypt (made cheap where cost is not
what is being tested).
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import followup
from bot import followup_dialogue as dialogue
from bot.followup import LOCKED, NO, OK, FollowupPinRow, Followups
from bot.intake import Intake
from bot.sealing import open_sealed
from bot.store import Store

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
PIN = "4821"


@pytest.fixture
def cheap_pins(monkeypatch: pytest.MonkeyPatch) -> followup.PinCost:
    cost = followup.PinCost(n=2**4, r=8, p=1)  # far too weak for real use: only for speed
    monkeypatch.setattr(followup, "DEFAULT_COST", cost)
    return cost


@pytest.fixture
def intake(tmp_path, unit_private_key) -> Intake:
    store = Store(f"sqlite:///{tmp_path / 'fv.db'}")
    store.create_all()
    return Intake(store, unit_private_key.public_key(), b"k" * 32)


@pytest.fixture
def pins(intake) -> Followups:
    return Followups(intake.store, b"k" * 32)


def sent(intake: Intake, name: str = "calm") -> str:
    events = [{"event": "user", "text": "She seems sad lately", "timestamp": NOW.timestamp()}]
    return intake.submit({"concern_description": "She seems sad lately"}, events, channel="webchat",
                         conversation_id=name, now=NOW).reference


def with_pin(pins: Followups, reference: str, pin: str = PIN) -> str:
    pins.offer(reference, NOW)
    pins.propose(reference, pin)
    assert pins.confirm(reference, pin, NOW)
    return reference


def test_the_right_pin_opens_the_way_and_the_pin_is_never_stored(intake, pins, cheap_pins, tmp_path):
    reference = with_pin(pins, sent(intake))
    assert pins.verify(reference, PIN, "her-phone", NOW) == OK
    with Session(intake.store.engine, future=True) as session:
        row = session.execute(select(FollowupPinRow)).scalar_one()
        assert (row.algorithm, row.n, row.r, row.p) == ("scrypt(hmac-sha256)", cheap_pins.n, 8, 1)
        assert len(row.salt) == 16 and len(row.digest) == 32
    assert PIN.encode() not in (tmp_path / "fv.db").read_bytes()
    # Another unit's secret (the pepper) cannot check the same PIN against the same row.
    assert Followups(intake.store, b"x" * 32).verify(reference, PIN, "thief", NOW) == NO


def test_a_wrong_pin_an_unknown_reference_and_a_report_without_pin_get_the_same_answer(intake, pins, cheap_pins):
    with_pin_ref = with_pin(pins, sent(intake, "a"))
    declined = sent(intake, "b")
    pins.offer(declined, NOW)
    pins.decline(declined)
    never_offered = sent(intake, "c")
    answers = {
        "wrong PIN": pins.verify(with_pin_ref, "4822", "c1", NOW),
        "unknown reference": pins.verify("FV-0000-0001", PIN, "c2", NOW),
        "no PIN chosen": pins.verify(declined, PIN, "c3", NOW),
        "never offered": pins.verify(never_offered, PIN, "c4", NOW),
        "no reference at all": pins.verify(None, PIN, "c5", NOW),
    }
    assert set(answers.values()) == {NO}, answers


def test_checking_takes_as_long_for_an_unknown_reference_as_for_a_real_one(intake, pins):
    reference = with_pin(pins, sent(intake))  # the real cost: about 0.1 s a check

    def seconds(ref: str, conversation: str) -> float:
        started = time.perf_counter()
        assert pins.verify(ref, "9753", conversation, NOW) == NO
        return time.perf_counter() - started

    real = statistics.median(seconds(reference, f"r{i}") for i in range(4))
    unknown = statistics.median(seconds(f"FV-0000-000{i}", f"u{i}") for i in range(4))
    # Generous bounds: the machine may be busy. Without the dummy hash the ratio is ~0.01.
    assert real > 0.02 and 0.33 < unknown / real < 3.0, (real, unknown)


def test_five_wrong_tries_lock_a_reference_even_against_the_right_pin(intake, pins, cheap_pins):
    reference = with_pin(pins, sent(intake))
    for i in range(5):
        assert pins.verify(reference, "1357", f"attacker-{i}", NOW) == NO  # a new conversation each time
    assert pins.verify(reference, PIN, "her-phone", NOW + timedelta(minutes=1)) == LOCKED
    # After the 15 minutes, she can get in; and a right PIN clears the count.
    assert pins.verify(reference, PIN, "her-phone", NOW + timedelta(minutes=16)) == OK
    assert pins.verify(reference, "1357", "her-phone", NOW + timedelta(minutes=17)) == NO


def test_an_unknown_reference_locks_exactly_like_a_real_one(intake, pins, cheap_pins):
    real, unknown = with_pin(pins, sent(intake)), "FV-0000-0001"
    for reference in (real, unknown):
        verdicts = [pins.verify(reference, "1357", f"{reference}-{i}", NOW) for i in range(6)]
        assert verdicts == [NO] * 5 + [LOCKED]


def test_ten_wrong_tries_in_a_day_lock_until_the_day_is_over(intake, pins, cheap_pins):
    reference = with_pin(pins, sent(intake))
    for i in range(10):
        at = NOW + timedelta(minutes=20 * i)  # slower than the 15-minute limit
        assert pins.verify(reference, "1357", f"c{i}", at) == NO
    assert pins.verify(reference, PIN, "her", NOW + timedelta(hours=4)) == LOCKED
    assert pins.verify(reference, PIN, "her", NOW + timedelta(hours=24, minutes=1)) == OK


def test_one_conversation_cannot_try_one_pin_on_many_references(intake, pins, cheap_pins):
    victim = with_pin(pins, sent(intake))
    for i in range(5):
        assert pins.verify(f"FV-0000-000{i}", PIN, "one-attacker", NOW) == NO
    assert pins.verify(victim, PIN, "one-attacker", NOW) == LOCKED  # the right pair, but too many tries
    assert pins.verify(victim, PIN, "her-phone", NOW) == OK


def test_a_flood_of_guesses_pauses_all_checks_for_a_while(intake, pins, cheap_pins, monkeypatch):
    monkeypatch.setattr(followup, "GLOBAL_LIMITS", (followup.Limit(20, timedelta(minutes=5)),))  # 100 in real life
    reference = with_pin(pins, sent(intake))
    for i in range(20):
        assert pins.verify(f"FV-{i:04d}-0000", "1357", f"bot-{i}", NOW) == NO
    assert pins.verify(reference, PIN, "her-phone", NOW + timedelta(minutes=1)) == LOCKED
    assert pins.verify(reference, PIN, "her-phone", NOW + timedelta(minutes=6)) == OK


def test_a_pin_is_set_only_when_typed_twice_alike(intake, pins, cheap_pins):
    reference = sent(intake)
    pins.offer(reference, NOW)
    assert pins.offer_state(reference, NOW) == "offered"
    pins.propose(reference, PIN)
    assert pins.offer_state(reference, NOW) == "confirming"
    assert not pins.confirm(reference, "4812", NOW)  # a slip: start again
    assert pins.offer_state(reference, NOW) == "offered"
    assert pins.verify(reference, PIN, "her", NOW) == NO
    pins.propose(reference, PIN)
    assert pins.confirm(reference, PIN, NOW)
    assert pins.offer_state(reference, NOW) is None
    assert pins.verify(reference, PIN, "her", NOW) == OK


def test_the_offer_lapses_so_a_later_message_is_news_not_a_pin(intake, pins):
    reference = sent(intake)
    pins.offer(reference, NOW)
    assert pins.offer_state(reference, NOW + timedelta(minutes=29)) == "offered"
    assert pins.offer_state(reference, NOW + timedelta(minutes=31)) is None


def test_additions_are_sealed_and_counted_as_new_until_an_officer_has_seen_them(intake, unit_private_key):
    reference = sent(intake)
    assert followup.additions(intake.store, reference).unseen == 0
    intake.add_to_report(reference, "he had a new bruise today", at=NOW)
    intake.add_to_report(reference, "and a burn", at=NOW + timedelta(minutes=1))
    counted = followup.additions(intake.store, reference)
    assert (counted.total, counted.unseen, counted.last_added_at) == (2, 2, NOW + timedelta(minutes=1))
    followup.mark_seen(intake.store, reference, NOW + timedelta(hours=1))
    intake.add_to_report(reference, "one more thing", at=NOW + timedelta(hours=2))
    assert followup.additions(intake.store, reference).unseen == 1
    texts = [json.loads(open_sealed(a.sealed, unit_private_key, reference, purpose="addendum"))["text"]
             for a in intake.store.addenda(reference)]
    assert texts == ["he had a new bruise today", "and a burn", "one more thing"]


# --- the dialogue (pure) ---------------------------------------------------------------------


class Desk:
    """What the action server would do: check PINs against one known report, collect additions."""

    def __init__(self, verdicts: dict[tuple[str | None, str], str]) -> None:
        self.verdicts, self.added = verdicts, []

    def verify(self, reference: str | None, pin: str) -> str:
        return self.verdicts.get((reference, pin), NO)

    def add(self, reference: str, text: str) -> bool:
        self.added.append((reference, text))
        return "right now" in text


def converse(desk: Desk, *messages: str) -> tuple[dict, list[list[str]]]:
    slots: dict = {}
    requested = None
    said = []
    for text in messages:
        turn = dialogue.followup_turn(text, requested, slots, verify=desk.verify, add=desk.add)
        slots.update(turn.updates)
        requested = turn.next_slot
        said.append([r.name for r in turn.responses] + ([f"ask:{requested}"] if requested else ["end"]))
        if requested is None:
            break
    return slots, said


def test_reference_then_pin_then_the_addition():
    desk = Desk({("FV-7K3M-Q9XD", PIN): OK})
    slots, said = converse(desk, "I want to add to my report fv 7k3m q9xd", "48 21", "He had a new bruise today")
    assert said == [["ask:followup_pin"], ["ask:followup_text"], ["utter_followup_added", "end"]]
    assert desk.added == [("FV-7K3M-Q9XD", "He had a new bruise today")]
    assert slots[dialogue.PIN_SLOT] == dialogue.VERIFIED and PIN not in json.dumps(slots)
    assert slots[dialogue.OUTCOME_SLOT] == dialogue.ADDED_OUTCOME


def test_wrong_pin_and_unknown_reference_look_the_same_to_her():
    desk = Desk({("FV-7K3M-Q9XD", PIN): OK})
    _, wrong_pin = converse(desk, "add to my report FV-7K3M-Q9XD", "1357")
    _, unknown = converse(desk, "add to my report FV-7K3M-Q9XE", PIN)
    assert wrong_pin == unknown == [["ask:followup_pin"], ["utter_followup_not_found", "ask:followup_reference"]]
    assert desk.added == []


def test_locked_ends_the_form_and_adds_nothing():
    desk = Desk({("FV-7K3M-Q9XD", PIN): LOCKED})
    slots, said = converse(desk, "FV-7K3M-Q9XD", PIN, "this must not be added")
    assert said == [["ask:followup_pin"], ["utter_followup_locked", "end"]]
    assert desk.added == [] and slots[dialogue.OUTCOME_SLOT] == dialogue.ENDED_OUTCOME


def test_no_reference_offers_a_new_report():
    _, said = converse(Desk({}), "I want to add to my report", "I don't have it")
    assert said == [["ask:followup_reference"], ["utter_followup_new_report", "end"]]
    _, said = converse(Desk({}), "add to my report", "what?", "eh", "hmm")
    assert said[-1] == ["utter_followup_new_report", "end"] and len(said) == 4


def test_danger_is_answered_first_whatever_step_she_is_at():
    desk = Desk({("FV-7K3M-Q9XD", PIN): OK})
    _, said = converse(desk, "FV-7K3M-Q9XD he is hitting her right now")
    assert said[0][0] == "utter_call_999"
    _, said = converse(desk, "FV-7K3M-Q9XD", PIN, "he is hitting her right now")
    assert said[-1] == ["utter_call_999", "utter_followup_added", "end"]


@pytest.mark.parametrize(
    "text, state, kind",
    [("4821", "offered", dialogue.PROPOSE), ("48 21", "confirming", dialogue.CONFIRM),
     ("1234", "offered", dialogue.TOO_EASY), ("0000", "offered", dialogue.TOO_EASY),
     ("No thanks", "offered", dialogue.DECLINE), ("skip", "offered", dialogue.DECLINE),
     ("yes please", "offered", dialogue.ASK_NUMBERS),
     ("oh and he also had a burn on his hand", "offered", dialogue.NOT_A_PIN),
     ("no, and his sister has bruises too", "offered", dialogue.NOT_A_PIN),
     ("07700 900123", "offered", dialogue.NOT_A_PIN), ("he is hitting her right now", "confirming", dialogue.NOT_A_PIN)],
)
def test_answers_to_the_pin_offer(text, state, kind):
    assert dialogue.pin_offer_reply(text, state).kind == kind


def test_news_in_the_first_message_is_added_once_her_pin_is_checked():
    desk = Desk({("FV-7K3M-Q9XD", PIN): OK})
    first = "My report is FV-7K3M-Q9XD and he hit her again last night"
    slots, said = converse(desk, first, "1357", "FV-7K3M-Q9XD", PIN)
    assert said[-1] == ["utter_followup_added", "end"]  # not asked to say it again
    assert desk.added == [("FV-7K3M-Q9XD", first)]
    # A plain request carries no news, so she is asked what to add.
    desk = Desk({("FV-7K3M-Q9XD", PIN): OK})
    _, said = converse(desk, "Hi, I would like to add something to my report FV-7K3M-Q9XD please", PIN)
    assert said[-1] == ["ask:followup_text"] and desk.added == []
