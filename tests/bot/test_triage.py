"""Triage as the duty officer sees it: the rating, the reasons, the quoted words and the deadline."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.deadlines import deadline_for
from bot.referral import Child, Concern, PersonOfConcern, PreviousReports, Reason, Referral, Turn
from bot.triage import EVIDENCE_JOINER, RULES, Triage, apply, triage

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2026, 6, 10, 11, 0, tzinfo=LONDON)  # an ordinary working day
RED_RULES = {"R-DANGER-NOW", "R-NONMOBILE-INJURY", "R-DISCLOSURE", "R-SEXUAL", "R-DA-HIGH", "R-INJURY-PARTNER"}


def referral(
    description: str | None = None,
    *,
    age: float | None = None,
    age_text: str | None = None,
    turns: list[str] | None = None,
    **fields: Any,
) -> Referral:
    """A referral as intake builds it: the answers, and the reporter's turns in the transcript."""
    concern = Concern(
        description=description,
        injuries_seen=fields.pop("injuries_seen", None),
        injuries_detail=fields.pop("injuries_detail", None),
        child_said=fields.pop("child_said", None),
    )
    poc = PersonOfConcern(
        description=fields.pop("poc_description", None),
        relationship_to_child=fields.pop("poc_relationship", None),
        lives_with_child=fields.pop("poc_lives_with_child", None),
    )
    previous = PreviousReports(fields.pop("reported_before", None), fields.pop("reported_to", None))
    if age is not None and age_text is None:
        age_text = f"{age:g}"
    transcript = [Turn("bot", "What are you worried about?", "2026-06-10T10:00:00+00:00")]
    transcript += [Turn("reporter", t, "2026-06-10T10:01:00+00:00") for t in [*(turns or []), *([description] if description else [])]]
    return Referral(
        reference="FV-TEST-0001",
        received_at=WEDNESDAY.isoformat(),
        channel="webchat",
        child=Child(name="Kayla", age_text=age_text, age_years=age, area=fields.pop("area", None)),
        concern=concern,
        person_of_concern=poc,
        previous_reports=previous,
        household=fields.pop("household", None),
        transcript=transcript,
        **fields,
    )


def rules(result: Triage) -> list[str]:
    return [r.rule for r in result.reasons]


def reporter_text(r: Referral) -> str:
    parts = [
        r.concern.description, r.concern.injuries_detail, r.concern.child_said, r.person_of_concern.description,
        r.person_of_concern.relationship_to_child, r.household, r.child.age_text, r.previous_reports.to_whom,
        *r.reporter_words(),
    ]
    return "\n".join(p for p in parts if p)


def assert_evidence_is_the_reporters_words(r: Referral, result: Triage) -> None:
    said = reporter_text(r)
    for reason in result.reasons:
        if reason.rule == "R-REPEAT":
            continue
        assert reason.evidence, reason.rule
        for piece in reason.evidence.split(EVIDENCE_JOINER):
            assert piece in said or (piece.startswith("(") and piece.endswith(")")), (reason.rule, piece)


# --- every rule fires on realistic wording ------------------------------------------------------

FIRES = [
    ("R-DANGER-NOW", referral("he is hitting her right now", age=7)),
    ("R-DANGER-NOW", referral("I'm worried about my grandson", age=7, turns=["help hes got a knife and hes in the house now"])),
    ("R-NONMOBILE-INJURY", referral("the baby has a bruise on his ear", age=0.5, age_text="6 months")),
    ("R-NONMOBILE-INJURY", referral("he's not walking yet and he had a bruise on his cheek", age=1.2)),
    ("R-NONMOBILE-INJURY", referral("I'm worried", age=0.25, injuries_seen=True)),
    ("R-NONMOBILE-INJURY", referral("I'm worried", age_text="newborn", injuries_seen=True)),
    ("R-DISCLOSURE", referral("I'm worried about her", age=6, child_said="mummy's boyfriend hurt me")),
    ("R-DISCLOSURE", referral("she told me he touches her", age=9)),
    ("R-DISCLOSURE", referral("he said daddy hits him", age=5)),
    ("R-SEXUAL", referral("he shows him porn on his phone", age=10)),
    ("R-SEXUAL", referral("inappropriate touching", age=12)),
    ("R-DA-HIGH", referral("he put his hands round her mum's neck", age=4)),
    ("R-DA-HIGH", referral("he keeps a machete under the bed", age=8)),
    ("R-DA-HIGH", referral("he said he'd kill her if she left", age=8)),
    ("R-INJURY-PARTNER", referral("he has a black eye", age=6, poc_relationship="mum's new boyfriend")),
    ("R-INJURY-PARTNER", referral("he has a black eye", age=6, poc_relationship="stepdad")),
    ("R-INJURY-PARTNER", referral("mums new fella gave him that black eye", age=6)),
    ("R-INJURY-PARTNER", referral("worried", age=6, injuries_seen=True, poc_description="her mum's boyfriend Dean, about 30")),
    ("R-INJURY", referral("she had bruises on her arms", age=8)),
    ("R-INJURY", referral("I'm worried", age=8, injuries_seen=True, injuries_detail="a mark on her face")),
    ("R-INJURY", referral("I'm worried", age=8, injuries_seen=True)),
    ("R-DOMESTIC-ABUSE", referral("he beats his wife", age=8)),
    ("R-DOMESTIC-ABUSE", referral("they fight and he throws things", age=8)),
    ("R-NEW-PARTNER", referral("mum's new boyfriend is there all the time", age=8)),
    ("R-NEW-PARTNER", referral("worried about the house", age=8, poc_relationship="mums boyfriend")),
    ("R-SUBSTANCE-UNDER5", referral("mum is drunk every day", age=3)),
    ("R-SUBSTANCE-UNDER5", referral("dad smokes weed with the baby in the room", age=0.8)),
    ("R-NOT-SEEN", referral("I haven't seen her for weeks", age=8)),
    ("R-NOT-SEEN", referral("they keep him off school", age=8)),
    ("R-NO-RESPONSE", referral("I told social services and nothing happened", age=8)),
    ("R-NO-RESPONSE", referral("worried", age=8, reported_before=True, reported_to="social services, nobody came")),
    ("R-OTHER-WORRY", referral("she always looks sad and tired", age=8)),
]


@pytest.mark.parametrize("rule, r", FIRES, ids=[f"{rule}: {r.concern.description}" for rule, r in FIRES])
def test_rule_fires(rule: str, r: Referral) -> None:
    result = triage(r, WEDNESDAY)
    assert rule in rules(result)
    assert_evidence_is_the_reporters_words(r, result)
    reason = next(x for x in result.reasons if x.rule == rule)
    assert reason.text == RULES[rule][1]


DOES_NOT_FIRE = [
    ("R-DANGER-NOW", referral("he hit her last week", age=7)),
    ("R-DANGER-NOW", referral("she was in danger once but not now", age=7)),
    ("R-DANGER-NOW", referral("no danger, just worried", age=7)),
    ("R-NONMOBILE-INJURY", referral("he had a bruise on his cheek", age=1.0)),  # exactly 1 is not under 1
    ("R-NONMOBILE-INJURY", referral("he had a bruise on his cheek", age=3)),
    ("R-NONMOBILE-INJURY", referral("he had a bruise on his cheek")),  # age unknown
    ("R-NONMOBILE-INJURY", referral("he's only a tiny baby", age=0.2)),  # no injury
    ("R-NONMOBILE-INJURY", referral("I haven't seen any bruises", age=0.2, injuries_seen=False)),
    ("R-DISCLOSURE", referral("worried", age=6, child_said="she said she fell off her bike")),
    ("R-DISCLOSURE", referral("worried", age=6, child_said="nothing")),
    ("R-DISCLOSURE", referral("he said he'd hit her", age=6)),
    ("R-SEXUAL", referral("nothing sexual, he just shouts", age=6)),
    ("R-DA-HIGH", referral("the baby was choking on a grape", age=1)),
    ("R-DA-HIGH", referral("no weapons in the house", age=6)),
    ("R-INJURY-PARTNER", referral("he has a black eye", age=6, poc_relationship="dad")),
    ("R-INJURY-PARTNER", referral("mum's new boyfriend shouts at him", age=6, poc_relationship="mum's new boyfriend")),
    ("R-INJURY-PARTNER", referral("she has a black eye. Mum has a new boyfriend too", age=6, poc_relationship="uncle")),
    ("R-INJURY", referral("no bruises that I've seen", age=8, injuries_seen=False)),
    ("R-INJURY", referral("worried", age=8, injuries_seen=None)),
    ("R-DOMESTIC-ABUSE", referral("they argue sometimes like everyone", age=8)),
    ("R-NEW-PARTNER", referral("mum hasn't got a new boyfriend", age=8)),
    ("R-NEW-PARTNER", referral("worried", age=8, poc_relationship="uncle")),
    ("R-SUBSTANCE-UNDER5", referral("mum is drunk every day", age=5.0)),  # exactly 5 is not under 5
    ("R-SUBSTANCE-UNDER5", referral("mum is drunk every day", age=12)),
    ("R-SUBSTANCE-UNDER5", referral("mum is drunk every day")),  # age unknown
    ("R-SUBSTANCE-UNDER5", referral("mum's not drunk, just tired", age=2)),
    ("R-NOT-SEEN", referral("I saw her yesterday", age=8)),
    ("R-NO-RESPONSE", referral("worried", age=8, reported_before=True, reported_to="the school")),
    ("R-NO-RESPONSE", referral("worried", age=8, reported_before=None)),
    ("R-OTHER-WORRY", referral("she had bruises on her arms", age=8)),
]


@pytest.mark.parametrize("rule, r", DOES_NOT_FIRE, ids=[f"{rule}: {r.concern.description}" for rule, r in DOES_NOT_FIRE])
def test_rule_does_not_fire(rule: str, r: Referral) -> None:
    assert rule not in rules(triage(r, WEDNESDAY))


# --- boundaries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "age, expected",
    [(0.0, "RED"), (0.5, "RED"), (0.99, "RED"), (1.0, "AMBER"), (1.01, "AMBER"), (4.0, "AMBER"), (None, "AMBER")],
)
def test_bruise_on_a_baby_under_one(age: float | None, expected: str) -> None:
    assert triage(referral("he had a small bruise on his cheek", age=age), WEDNESDAY).priority == expected


@pytest.mark.parametrize(
    "age, expected",
    [(0.5, True), (4.0, True), (4.9, True), (4.99, True), (5.0, False), (5.1, False), (11.0, False), (None, False)],
)
def test_drink_or_drugs_with_a_child_under_five(age: float | None, expected: bool) -> None:
    result = triage(referral("mum is always drunk", age=age), WEDNESDAY)
    assert ("R-SUBSTANCE-UNDER5" in rules(result)) is expected
    assert result.priority == ("AMBER" if expected else "GREEN")


def test_unknown_answers_never_fire_a_rule() -> None:
    r = Referral(reference="FV-TEST-0002", received_at=WEDNESDAY.isoformat(), channel="sms")
    result = triage(r, WEDNESDAY)
    assert result.priority == "GREEN" and not result.emergency
    assert rules(result) == ["R-OTHER-WORRY"]
    assert result.reasons[0].text == "Any other worry: early help"


# --- ratings: highest wins, emergency, and the order of reasons --------------------------------


@pytest.mark.parametrize(
    "r, priority, emergency",
    [
        (referral("he is hitting her right now", age=7), "RED", True),
        (referral("she told me he touches her", age=9), "RED", False),
        (referral("she had bruises on her arms", age=8), "AMBER", False),
        (referral("she always looks sad and tired", age=8), "GREEN", False),
    ],
)
def test_rating_and_emergency(r: Referral, priority: str, emergency: bool) -> None:
    result = triage(r, WEDNESDAY)
    assert (result.priority, result.emergency) == (priority, emergency)


def test_highest_rating_wins_and_reasons_are_highest_first() -> None:
    r = referral(
        "Mum is drunk most days and they keep him off school. He has a bruise on his arm. He keeps a knife in his coat.",
        age=3,
    )
    result = triage(r, WEDNESDAY)
    assert result.priority == "RED"
    assert rules(result)[0] == "R-DA-HIGH"
    assert set(rules(result)) == {"R-DA-HIGH", "R-INJURY", "R-SUBSTANCE-UNDER5", "R-NOT-SEEN"}
    ratings = [RULES[rule][0] for rule in rules(result)]
    assert ratings == sorted(ratings, key=["RED", "AMBER", "GREEN"].index)
    assert_evidence_is_the_reporters_words(r, result)


def test_other_worry_only_when_nothing_else_fired() -> None:
    assert "R-OTHER-WORRY" not in rules(triage(referral("they keep him off school", age=8), WEDNESDAY))
    assert rules(triage(referral("she always looks sad", age=8), WEDNESDAY)) == ["R-OTHER-WORRY"]


def test_a_red_injury_rule_is_not_repeated_as_an_amber_injury() -> None:
    result = triage(referral("the baby has a bruise on his ear", age=0.4), WEDNESDAY)
    assert "R-NONMOBILE-INJURY" in rules(result)
    assert "R-INJURY" not in rules(result)


def test_danger_said_late_in_the_chat_still_makes_it_an_emergency() -> None:
    r = referral("he shouts a lot", age=8, turns=["ok", "he's got a knife and he's in the house now"])
    result = triage(r, WEDNESDAY)
    assert result.emergency and result.priority == "RED"
    assert result.reasons[0].rule == "R-DANGER-NOW"
    assert result.reasons[0].evidence == "he's got a knife and he's in the house now"


def test_evidence_quotes_both_things_a_rule_needed() -> None:
    r = referral("he had a bruise on his cheek", age=0.5, age_text="6 months old")
    reason = next(x for x in triage(r, WEDNESDAY).reasons if x.rule == "R-NONMOBILE-INJURY")
    assert reason.evidence == f"he had a bruise on his cheek{EVIDENCE_JOINER}6 months old"


def test_a_plain_yes_to_injuries_is_shown_as_an_answer_not_a_quote() -> None:
    reason = next(x for x in triage(referral("worried", age=8, injuries_seen=True), WEDNESDAY).reasons)
    assert (reason.rule, reason.evidence) == ("R-INJURY", "(injuries seen: yes)")


def test_other_worry_quotes_the_description() -> None:
    (reason,) = triage(referral("She always looks hungry and her clothes are dirty.", age=8), WEDNESDAY).reasons
    assert reason.evidence == "She always looks hungry and her clothes are dirty."


# --- R-REPEAT: one level up ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "description, earlier, expected",
    [
        ("she always looks sad", 0, "GREEN"),
        ("she always looks sad", 1, "AMBER"),
        ("she had bruises on her arms", 0, "AMBER"),
        ("she had bruises on her arms", 2, "RED"),
        ("she told me he touches her", 0, "RED"),
        ("she told me he touches her", 3, "RED"),
    ],
)
def test_repeat_referrals_raise_the_rating_one_level(description: str, earlier: int, expected: str) -> None:
    result = triage(referral(description, age=8), WEDNESDAY, earlier_referrals_12m=earlier)
    assert result.priority == expected
    assert ("R-REPEAT" in rules(result)) is (earlier > 0)


def test_repeat_reason_says_how_many_and_comes_first_when_it_raised_the_rating() -> None:
    result = triage(referral("she had bruises on her arms", age=8), WEDNESDAY, earlier_referrals_12m=2)
    assert result.reasons[0] == Reason(
        "R-REPEAT", RULES["R-REPEAT"][1], "2 earlier referrals about the same child in the last 12 months"
    )
    assert result.deadline == WEDNESDAY.astimezone(timezone.utc) + timedelta(hours=4)  # now RED


def test_repeat_on_red_is_listed_last() -> None:
    result = triage(referral("she told me he touches her", age=8), WEDNESDAY, earlier_referrals_12m=1)
    assert result.reasons[-1].evidence == "1 earlier referral about the same child in the last 12 months"
    assert result.reasons[0].rule in RED_RULES


def test_negative_earlier_referrals_are_refused() -> None:
    with pytest.raises(ValueError):
        triage(referral("worried"), WEDNESDAY, earlier_referrals_12m=-1)


# --- deadlines ------------------------------------------------------------------------------------

FRIDAY_4PM = datetime(2026, 6, 12, 16, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    "r, expected",
    [
        (referral("he is hitting her right now", age=7), FRIDAY_4PM),  # emergency: now
        (referral("she told me he touches her", age=9), FRIDAY_4PM + timedelta(hours=4)),
        (referral("she had bruises on her arms", age=8), datetime(2026, 6, 15, 16, 0, tzinfo=LONDON)),
        (referral("she always looks sad", age=8), datetime(2026, 6, 17, 16, 0, tzinfo=LONDON)),
    ],
)
def test_deadline_follows_the_final_rating(r: Referral, expected: datetime) -> None:
    result = triage(r, FRIDAY_4PM)
    assert result.deadline == expected
    assert result.deadline.tzinfo == timezone.utc


def test_deadline_uses_the_rating_after_the_repeat_bump() -> None:
    result = triage(referral("she always looks sad", age=8), FRIDAY_4PM, earlier_referrals_12m=1)
    assert result.deadline == deadline_for("AMBER", FRIDAY_4PM)


def test_naive_received_at_is_refused() -> None:
    with pytest.raises(ValueError):
        triage(referral("worried"), datetime(2026, 6, 10, 11, 0))


# --- apply ---------------------------------------------------------------------------------------


def test_apply_returns_a_rated_copy_and_leaves_the_original() -> None:
    r = referral("he is hitting her right now", age=7)
    result = triage(r, WEDNESDAY)
    rated = apply(r, result)
    assert (rated.priority, rated.emergency) == ("RED", True)
    assert rated.deadline == result.deadline.isoformat()
    assert datetime.fromisoformat(rated.deadline) == WEDNESDAY
    assert [x.rule for x in rated.reasons] == rules(result)
    assert (r.priority, r.emergency, r.deadline, r.reasons) == ("GREEN", False, None, [])
    assert rated is not r and rated.child is not r.child


def test_applied_referral_round_trips_through_json() -> None:
    r = referral("mum's new boyfriend hit him", age=0.5, age_text="6 months")
    rated = apply(r, triage(r, WEDNESDAY, earlier_referrals_12m=1))
    again = Referral.from_json(rated.to_json())
    assert again.reasons == rated.reasons
    assert again.priority == "RED" and again.deadline == rated.deadline


def test_rules_table() -> None:
    assert set(RULES) == RED_RULES | {
        "R-INJURY", "R-DOMESTIC-ABUSE", "R-NEW-PARTNER", "R-SUBSTANCE-UNDER5", "R-NOT-SEEN", "R-NO-RESPONSE",
        "R-OTHER-WORRY", "R-REPEAT",
    }
    for rule in RED_RULES:
        assert RULES[rule][0] == "RED"
    assert RULES["R-OTHER-WORRY"] == ("GREEN", "Any other worry: early help")
