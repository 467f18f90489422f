"""Which question comes next: her account first, then follow-ups about what she mentioned, then
only what is still missing, combined where a phone user would answer both at once.

A question is what the form asks (Rasa's ``requested_slot``, answered by ``utter_ask_<id>`` in
``domain.yml``); it may fill several answers (``bot.slots``): "What is the child's name, and how
old are they?" fills ``child_name`` and ``child_age``. A question whose answers are all known is
never asked, so what she already said is never asked again.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.extraction_age import parse_age
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES, is_known

# Question ids (requested_slot values).
ACCOUNT = "concern_description"  # after a greeting: what is worrying you?
WHAT_HAPPENED = "concern_what_happened"  # after a short opening: what has happened?
MORE = "concern_more"  # once, after her account: anything else about what happened?
MORE_SAID = "concern_more_child_said"  # the same, and anything the child has said
INJURIES_SOURCE = "injuries_detail_source"  # where on the body, when, and did she see them herself
WHERE_NOW = "child_where_now"  # only in danger right now
NAME_AGE, NAME, AGE = "child_name_age", "child_name", "child_age"
AREA_SCHOOL, AREA, SCHOOL = "child_area_school", "child_area", "child_school"
INJURIES = "injuries_detail"  # she mentioned injuries: where on the body, and when
WHEN_SOURCE, WHEN, SOURCE = "concern_when_source", "concern_when", "source"
POC, POC_RELATIONSHIP = "poc_description", "poc_relationship"
HOUSEHOLD, HOUSEHOLD_POC, POC_LIVES = "household", "household_poc", "poc_lives_with_child"
CHILD_SAID = "child_said"
REPORTED, REPORTED_TO = "reported_before", "reported_to"
RELATIONSHIP = "reporter_relationship"
REPORTER_NAME = "reporter_name"
NAME_CONTACT = "reporter_name_contact"  # her name, and whether, how and when to contact her
CONTACT, CONTACT_HOW, CONTACT_WHEN = "contact", "contact_method", "safe_times"
PARENT = "parent_aware"
PARENT_REPORTED = "parent_aware_reported"  # does the parent know, and has anyone reported it before
LANGUAGE = "language"
CONFIRM = "confirmed"

# The answers each question fills: what becomes "not answered" when she cannot answer it.
FILLS: dict[str, tuple[str, ...]] = {
    ACCOUNT: ("concern_description",),
    WHAT_HAPPENED: ("concern_description",),
    MORE: ("concern_more",),
    MORE_SAID: ("concern_more", "child_said"),
    INJURIES_SOURCE: ("injuries_detail", "source"),
    WHERE_NOW: ("child_where_now",),
    NAME_AGE: ("child_name", "child_age"),
    NAME: ("child_name",),
    AGE: ("child_age",),
    AREA_SCHOOL: ("child_area", "child_school"),
    AREA: ("child_area",),
    SCHOOL: ("child_school",),
    INJURIES: ("injuries_detail",),
    WHEN_SOURCE: ("concern_when", "source"),
    WHEN: ("concern_when",),
    SOURCE: ("source",),
    POC: ("poc_description", "poc_relationship"),
    POC_RELATIONSHIP: ("poc_relationship",),
    HOUSEHOLD: ("household",),
    HOUSEHOLD_POC: ("household", "poc_lives_with_child"),
    POC_LIVES: ("poc_lives_with_child",),
    CHILD_SAID: ("child_said",),
    REPORTED: ("reported_before",),
    REPORTED_TO: ("reported_to",),
    RELATIONSHIP: ("reporter_relationship",),
    REPORTER_NAME: ("reporter_name",),
    NAME_CONTACT: ("reporter_name", "safe_to_contact", "contact_method", "safe_times"),
    CONTACT: ("safe_to_contact", "contact_method", "safe_times"),
    CONTACT_HOW: ("contact_method", "safe_times"),
    CONTACT_WHEN: ("safe_times",),
    PARENT: ("parent_aware",),
    PARENT_REPORTED: ("parent_aware", "reported_before"),
    LANGUAGE: ("first_language", "interpreter_needed"),
    CONFIRM: (CONFIRM,),
}
ACCOUNT_QUESTIONS = frozenset({ACCOUNT, WHAT_HAPPENED, MORE, MORE_SAID})
# A child this young cannot be asked what they said.
_TOO_YOUNG_TO_SAY = 3.0


def _missing(answers: Mapping[str, Any], slot: str) -> bool:
    return answers.get(slot) is None


def _known(answers: Mapping[str, Any], slot: str) -> bool:
    return is_known(answers.get(slot))


def _combined(
    answers: Mapping[str, Any], both: str, first: str, second: str, a: str, b: str
) -> str | None:
    """``both`` when answers a and b are missing, else the question for whichever is."""
    if _missing(answers, a) and _missing(answers, b):
        return both
    if _missing(answers, a):
        return first
    if _missing(answers, b):
        return second
    return None


def _child_too_young(answers: Mapping[str, Any]) -> bool:
    age = answers.get("child_age")
    years = parse_age(age) if is_known(age) else None
    return years is not None and years < _TOO_YOUNG_TO_SAY


def next_question(answers: Mapping[str, Any]) -> str | None:
    """The next question to ask, the read-back last; None when the report is ready to send."""
    for question in _plan(answers):
        if question is not None:
            return question
    return None


def _plan(a: Mapping[str, Any]) -> list[str | None]:
    if _missing(a, "concern_description"):
        return [WHAT_HAPPENED if a.get("concern_opening") else ACCOUNT]
    poc_named = _known(a, "poc_description")
    return [
        _more(a),
        WHERE_NOW if a.get("emergency") and _missing(a, "child_where_now") else None,
        _combined(a, NAME_AGE, NAME, AGE, "child_name", "child_age"),
        _combined(a, AREA_SCHOOL, AREA, SCHOOL, "child_area", "child_school"),
        (INJURIES_SOURCE if _missing(a, "source") else INJURIES)
        if a.get("injuries_seen") == YES and _missing(a, "injuries_detail")
        else None,
        _combined(a, WHEN_SOURCE, WHEN, SOURCE, "concern_when", "source"),
        POC if _missing(a, "poc_description") else None,
        POC_RELATIONSHIP if poc_named and _missing(a, "poc_relationship") else None,
        (HOUSEHOLD_POC if poc_named and _missing(a, "poc_lives_with_child") else HOUSEHOLD)
        if _missing(a, "household")
        else None,
        POC_LIVES if poc_named and _missing(a, "poc_lives_with_child") else None,
        CHILD_SAID if _missing(a, "child_said") and not _child_too_young(a) else None,
        PARENT_REPORTED if _missing(a, "parent_aware") and _missing(a, "reported_before") else None,
        REPORTED if _missing(a, "reported_before") else None,
        REPORTED_TO if a.get("reported_before") == YES and _missing(a, "reported_to") else None,
        RELATIONSHIP if _missing(a, "reporter_relationship") else None,
        NAME_CONTACT if _missing(a, "reporter_name") and _missing(a, "safe_to_contact") else None,
        REPORTER_NAME if _missing(a, "reporter_name") else None,
        _contact(a),
        PARENT if _missing(a, "parent_aware") else None,
        LANGUAGE if a.get("language_signalled") and _missing(a, "interpreter_needed") else None,
        CONFIRM if _missing(a, CONFIRM) else None,
    ]


def _more(a: Mapping[str, Any]) -> str | None:
    """Once, after a one-message account: anything else, and what the child has said (if the
    child is old enough to have said anything)."""
    if not _missing(a, "concern_more") or (a.get("account_messages") or 0) > 1:
        return None
    return MORE_SAID if _missing(a, "child_said") and not _child_too_young(a) else MORE


def _contact(a: Mapping[str, Any]) -> str | None:
    if a.get("reporter_name") == ANONYMOUS:
        return None  # she chose not to be known: the team will not come back to her
    if _missing(a, "safe_to_contact"):
        return CONTACT
    if a.get("safe_to_contact") != YES:
        return None
    if _missing(a, "contact_method"):
        return CONTACT_HOW
    if _missing(a, "safe_times"):
        return CONTACT_WHEN
    return None


_REFERENTS = {
    "mother": "the child's mother",
    "father": "the child's father",
    "mother's partner": "the mother's partner",
    "mother's new partner": "the mother's partner",
    "father's partner": "the father's partner",
    "father's new partner": "the father's partner",
    "stepfather": "the stepfather",
    "stepmother": "the stepmother",
}
_SHORT_REFERENT_WORDS = 5


def poc_referent(a: Mapping[str, Any]) -> str:
    """How a question names the person of concern: her words when short ("Kyle", "her mums
    boyfriend"), else who they are to the child, else "that person"."""
    words = a.get("poc_description")
    if (
        is_known(words)
        and "," not in str(words)
        and len(str(words).split()) <= _SHORT_REFERENT_WORDS
    ):
        text = " ".join(str(words).split())
        first = text.split()[0]
        return (
            text
            if first[:1].isupper() and first.lower() not in ("her", "his", "their", "the", "my")
            else text[:1].lower() + text[1:]
        )
    return _REFERENTS.get(str(a.get("poc_relationship")), "that person")


def unanswered(question: str) -> dict[str, str]:
    """What a question she could not answer (asked twice) leaves: each of its answers unknown."""
    return {slot: UNKNOWN for slot in FILLS.get(question, ())}


__all__ = ["next_question", "unanswered", "FILLS", "ACCOUNT_QUESTIONS", "CONFIRM", "NO"]
