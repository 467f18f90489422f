"""From answers to a sealed, triaged referral in the queue (SQLite, real keys)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.intake import Intake, build_referral
from bot.referral import Referral
from bot.sealing import CannotOpen, open_sealed
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES
from bot.store import Store

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # a Wednesday

EVENTS = [
    {"event": "user", "text": "Hello", "timestamp": 1_764_064_800.0},
    {"event": "bot", "text": "What is the child's name?", "timestamp": 1_764_064_801.0},
    {"event": "user", "text": "Canarychild Zebedee", "timestamp": 1_764_064_802.0},
    {"event": "bot", "text": "What is worrying you?", "timestamp": 1_764_064_803.0},
    {"event": "user", "text": "He has bruises on his arms and his mum's new boyfriend did it", "timestamp": 1_764_064_804.0},
]

ANSWERS = {
    "child_name": "Canarychild Zebedee",
    "child_age": "about six",
    "child_area": UNKNOWN,
    "concern_description": "He has bruises on his arms and his mum's new boyfriend did it",
    "injuries_seen": YES,
    "poc_description": "his mum's new boyfriend",
    "poc_lives_with_child": NO,
    "reported_before": UNKNOWN,
    "reporter_name": ANONYMOUS,
    "safe_to_contact": NO,
    "contact_method": None,
}

EVERY_FIELD = {
    "reference", "received_at", "channel", "status", "priority", "emergency", "reasons", "child", "concern",
    "person_of_concern", "household", "previous_reports", "reporter", "parent_aware", "transcript",
    "attachments", "linked_references",
}


@pytest.fixture
def intake(tmp_path, unit_private_key) -> Intake:
    store = Store(f"sqlite:///{tmp_path / 'fv.db'}")
    store.create_all()
    return Intake(store, unit_private_key.public_key(), b"k" * 32)


def test_unknown_answers_are_null_and_never_guessed():
    referral = build_referral(ANSWERS, EVENTS, reference="FV-AAAA-BBBB", received_at=NOW, channel="webchat", status="complete")
    data = referral.to_dict()
    assert EVERY_FIELD <= data.keys()
    assert data["child"] == {
        "name": "Canarychild Zebedee", "age_text": "about six", "age_years": 6.0,
        "area": None, "school": None, "where_now": None,
        "first_language": None, "interpreter_needed": None, "additional_needs": None,
    }
    assert data["previous_reports"] == {"reported_before": None, "to_whom": None}
    assert data["person_of_concern"]["lives_with_child"] is False
    assert data["reporter"]["anonymous"] is True and data["reporter"]["name"] is None
    assert data["parent_aware"] is None
    assert "physical_injury" in data["concern"]["types"]


def test_a_green_referral_raised_by_danger_after_sending_leads_the_queue(intake):
    calm = {"concern_description": "She seems sad lately"}
    events = [{"event": "user", "text": "She seems sad lately", "timestamp": 1_764_064_800.0}]
    receipt = intake.submit(calm, events, channel="webchat", conversation_id="webchat-calm", now=NOW)
    assert receipt.priority == "GREEN"
    intake.add_to_report(receipt.reference, "he is hitting her right now", at=NOW)
    assert intake.store.list_queue()[0].reference == receipt.reference


def test_a_submitted_referral_is_sealed_triaged_and_queued(intake, unit_private_key, tmp_path):
    receipt = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    assert receipt.priority == "RED"  # injury + mum's new boyfriend: R-INJURY-PARTNER
    assert receipt.deadline == datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)

    row = intake.store.get(receipt.reference)
    referral = Referral.from_json(open_sealed(row.sealed, unit_private_key, receipt.reference))
    assert referral.concern.description == ANSWERS["concern_description"]
    assert [r.rule for r in referral.reasons][0] == "R-INJURY-PARTNER"
    assert [t.speaker for t in referral.transcript] == ["reporter", "bot", "reporter", "bot", "reporter"]
    # Nothing readable at rest.
    assert b"Canarychild" not in (tmp_path / "fv.db").read_bytes()


def test_the_intake_side_cannot_read_back_what_it_sealed(intake, other_private_key):
    receipt = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    with pytest.raises(CannotOpen):
        open_sealed(intake.store.get(receipt.reference).sealed, other_private_key, receipt.reference)


def test_submitting_the_same_report_twice_queues_it_once(intake):
    first = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    again = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    assert again.reference == first.reference
    assert len(intake.store.list_queue()) == 1


def test_a_new_report_in_the_same_conversation_is_a_new_referral(intake):
    first = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    later = [*EVENTS, {"event": "restart"}, {"event": "user", "text": "hello again", "timestamp": 1_764_070_000.0}]
    second = intake.submit(ANSWERS, later, channel="webchat", conversation_id="webchat-abc", now=NOW)
    assert second.reference != first.reference


def test_what_she_adds_after_sending_is_sealed_onto_the_same_referral(intake, unit_private_key):
    receipt = intake.submit(ANSWERS, EVENTS, channel="webchat", conversation_id="webchat-abc", now=NOW)
    assert intake.add_to_report(receipt.reference, "he also had a burn on his hand", at=NOW) is False
    assert intake.add_to_report(receipt.reference, "he is hitting him right now", at=NOW) is True
    added = [
        json.loads(open_sealed(a.sealed, unit_private_key, receipt.reference, purpose="addendum"))
        for a in intake.store.addenda(receipt.reference)
    ]
    assert [a["text"] for a in added] == ["he also had a burn on his hand", "he is hitting him right now"]
    # Danger after sending puts the referral at the top of the queue as an emergency.
    row = intake.store.get(receipt.reference)
    assert row.emergency is True and row.priority == "RED" and row.deadline == NOW


def test_the_referral_lists_its_child_in_children_and_old_blobs_still_read_so():
    referral = build_referral(
        ANSWERS, [], reference="FV-TEST-0001", received_at=datetime(2025, 3, 14, tzinfo=timezone.utc),
        channel="webchat", status="complete",
    )
    assert [c.name for c in referral.children] == ["Canarychild Zebedee"]
    legacy = referral.to_dict()
    del legacy["children"]  # sealed before referrals listed every child
    assert [c.name for c in Referral.from_dict(legacy).children] == ["Canarychild Zebedee"]


def test_every_child_her_words_beside_each_category_and_the_mash_fields_are_in_the_referral():
    answers = {
        "child_name": "Mason", "child_age": "8", "child_area": "Rotherham S65", "child_school": "Badsley primary",
        "children": [{"name": "Mason", "age": "8"}, {"name": "Lily", "age": "5"}],
        "first_language": "Polish", "interpreter_needed": YES, "additional_needs": "he's autistic",
        "poc_description": "my sons ex", "poc_relationship": "mother", "poc_relationship_words": "their mum",
        "reporter_relationship": "grandparent", "reporter_relationship_words": "her nan on her dad's side",
        "household": "their mum, the boyfriend and the two of them", "other_children_in_home": NO,
        "contact_method": "text me on 07700 900111", "source": "told", "source_words": "my sister told me",
        "parent_aware": NO, "parent_unaware_why": "she would stop me seeing them", "unanswered": ["safe_times"],
    }
    data = build_referral(answers, EVENTS, reference="FV-AAAA-BBBB", received_at=NOW, channel="sms",
                          status="complete").to_dict()
    assert [(c["name"], c["age_years"], c["area"], c["school"]) for c in data["children"]] == [
        ("Mason", 8.0, "Rotherham S65", "Badsley primary"), ("Lily", 5.0, "Rotherham S65", "Badsley primary")]
    assert data["child"] == data["children"][0] and data["child"]["additional_needs"] == "he's autistic"
    assert all(c["first_language"] == "Polish" and c["interpreter_needed"] is True for c in data["children"])
    assert data["children"][1]["additional_needs"] is None  # said of one child, not guessed for the other
    assert data["person_of_concern"]["relationship_words"] == "their mum"
    assert data["reporter"]["relationship_words"] == "her nan on her dad's side"
    assert data["reporter"]["contact_by"] == ["text", "phone"]
    assert data["household_members"] == ["mother's partner", "mother"]
    assert data["other_children_in_home"] is False
    assert data["source"] == {"kind": "told", "words": "my sister told me"}
    assert data["parent_unaware_why"] == "she would stop me seeing them" and data["unanswered"] == ["safe_times"]


def test_a_report_with_nothing_said_has_every_new_field_null_or_empty():
    data = build_referral({}, EVENTS, reference="FV-AAAA-BBBB", received_at=NOW, channel="sms",
                          status="incomplete").to_dict()
    assert data["source"] == {"kind": None, "words": None}
    assert data["household_members"] == [] and data["other_children_in_home"] is None
    assert data["reporter"]["relationship_words"] is None and data["reporter"]["contact_by"] == []
    assert data["person_of_concern"]["relationship_words"] is None and data["parent_unaware_why"] is None
