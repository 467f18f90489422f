"""What her reply to one question gives: the answers it fills, or None when it does not answer it.

"yes" to "When is it safe to contact you?" names no time, so it is no answer (the bot asks once
more, then moves on); "evenings" is an answer whatever NLU made of it. ``plain_answer`` says
whether a reply is clearly an answer to the question asked, for when NLU reads it as chit-chat.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from bot import extraction_contact as contact
from bot import extraction_mash as mash
from bot import questions as q
from bot.extraction import is_anonymous, is_dont_know, parse_yes_no
from bot.extraction_children import ages_in_answer, names_in_answer
from bot.extraction_places import child_area
from bot.extraction_relations import poc_relationship_answer, reporter_relationship_answer
from bot.extraction_text import Message
from bot.reading_account import (
    BODY,
    PLACE_NOW,
    SCHOOL_WORDS,
    read_account,
    read_area_school,
    read_injuries,
    read_more,
    read_more_said,
    read_names_ages,
    read_opening_or_account,
    read_what_happened,
    read_when_source,
)
from bot.reading_common import CLAUSES, NOTHING, Answers, free_text, yes_no
from bot.reading_people import (
    mentions_person,
    read_household,
    read_poc,
    read_poc_relationship,
    read_relationship,
)
from bot.reading_reporter import (
    name_said,
    read_contact,
    read_contact_how,
    read_contact_when,
    read_language,
    read_name_contact,
    read_parent,
    read_parent_reported,
    read_reported,
    read_reporter_name,
)

__all__ = ["read_answer", "plain_answer", "mentions_person", "name_said"]

_READERS: dict[str, Callable[[str, Mapping[str, Any]], Answers | None]] = {
    q.ACCOUNT: read_opening_or_account,
    q.WHAT_HAPPENED: read_what_happened,
    q.MORE: read_more,
    q.MORE_SAID: read_more_said,
    q.INJURIES_SOURCE: read_injuries,
    q.WHERE_NOW: free_text("child_where_now"),
    q.NAME_AGE: lambda t, a: read_names_ages(t, a, True, True),
    q.NAME: lambda t, a: read_names_ages(t, a, True, False),
    q.AGE: lambda t, a: read_names_ages(t, a, False, True),
    q.AREA_SCHOOL: lambda t, a: read_area_school(t, True, True),
    q.AREA: lambda t, a: read_area_school(t, True, False),
    q.SCHOOL: lambda t, a: read_area_school(t, False, True),
    q.INJURIES: read_injuries,
    q.WHEN_SOURCE: lambda t, a: read_when_source(t, a, True, True),
    q.WHEN: lambda t, a: read_when_source(t, a, True, False),
    q.SOURCE: lambda t, a: read_when_source(t, a, False, True),
    q.POC: lambda t, a: read_poc(t),
    q.POC_RELATIONSHIP: lambda t, a: read_poc_relationship(t),
    q.HOUSEHOLD: lambda t, a: read_household(t, a, False),
    q.HOUSEHOLD_POC: lambda t, a: read_household(t, a, True),
    q.POC_LIVES: yes_no("poc_lives_with_child"),
    q.CHILD_SAID: free_text("child_said"),
    q.REPORTED: read_reported,
    q.REPORTED_TO: free_text("reported_to"),
    q.RELATIONSHIP: read_relationship,
    q.REPORTER_NAME: read_reporter_name,
    q.NAME_CONTACT: read_name_contact,
    q.CONTACT: read_contact,
    q.CONTACT_HOW: read_contact_how,
    q.CONTACT_WHEN: read_contact_when,
    q.PARENT: read_parent,
    q.PARENT_REPORTED: read_parent_reported,
    q.LANGUAGE: read_language,
}


def read_answer(question: str, text: str, answers: Mapping[str, Any]) -> Answers | None:
    """The answers her reply gives to ``question``; None when it does not answer it."""
    reader = _READERS.get(question)
    if reader is None or not isinstance(text, str) or not text.strip():
        return None
    return reader(text.strip(), answers)


# Signs that a reply is an answer to the question asked, whatever NLU made of it.
_EVIDENCE: dict[str, Callable[[str], bool]] = {
    q.NAME_AGE: lambda t: bool(names_in_answer(t) or ages_in_answer(t)),
    q.NAME: lambda t: bool(names_in_answer(t)),
    q.AGE: lambda t: bool(ages_in_answer(t)),
    q.AREA_SCHOOL: lambda t: bool(child_area(Message.of(t), None) or SCHOOL_WORDS.search(t)),
    q.AREA: lambda t: (
        bool(child_area(Message.of(t), None)) or any(w[:1].isupper() for w in t.split()[1:])
    ),
    q.SCHOOL: lambda t: bool(SCHOOL_WORDS.search(t)),
    q.INJURIES: lambda t: bool(BODY.search(t)),
    q.WHEN_SOURCE: lambda t: bool(mash.when_said(t) or mash.source_of(t)),
    q.WHEN: lambda t: bool(mash.when_said(t)),
    q.SOURCE: lambda t: bool(mash.source_of(t)),
    q.WHERE_NOW: lambda t: bool(PLACE_NOW.search(t)),
    q.HOUSEHOLD: lambda t: bool(mash.household_members(t)),
    q.HOUSEHOLD_POC: lambda t: bool(mash.household_members(t)),
    q.POC: lambda t: poc_relationship_answer(t) not in (None, "other"),
    q.POC_RELATIONSHIP: lambda t: poc_relationship_answer(t) not in (None, "other"),
    q.RELATIONSHIP: lambda t: reporter_relationship_answer(t) not in (None, "other"),
    q.REPORTER_NAME: lambda t: (
        is_anonymous(t) or bool(re.fullmatch(r"\s*[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?\s*", t))
    ),
    q.CONTACT: lambda t: bool(contact.read_contact(t)),
    q.NAME_CONTACT: lambda t: (
        is_anonymous(t) or bool(name_said(CLAUSES.split(t)[0]) or contact.read_contact(t))
    ),
    q.CONTACT_HOW: lambda t: contact.contact_method(t) is not None,
    q.CONTACT_WHEN: lambda t: contact.safe_times(t) is not None,
    q.MORE: lambda t: bool(NOTHING.match(t)),
    q.MORE_SAID: lambda t: bool(NOTHING.match(t)),
    q.INJURIES_SOURCE: lambda t: bool(BODY.search(t)),
}
_YES_NO_QUESTIONS = frozenset(
    {q.POC_LIVES, q.REPORTED, q.PARENT, q.PARENT_REPORTED, q.CONFIRM, q.CONTACT}
)


def plain_answer(question: str | None, text: str) -> bool:
    """Whether a reply is clearly an answer to ``question`` ("evenings" to "when is it safe?")."""
    if question is None or not text or text.rstrip().endswith("?"):
        return False
    if is_dont_know(text):
        return True
    if question in _YES_NO_QUESTIONS and parse_yes_no(text) is not None:
        return True
    check = _EVIDENCE.get(question)
    return bool(check and check(text))
