"""The questions of a report, in the order they are asked, and how answers are held.

Rasa keeps each answer in a slot of the same name (see ``domain.yml``). Values are strings:
- free-text answers are the reporter's words, verbatim;
- yes/no answers are ``YES``, ``NO`` or ``UNKNOWN``;
- ``UNKNOWN`` also stands for "don't know" / "skip" on any question, so the form moves on
  and the referral shows ``null`` for it.
"""

from __future__ import annotations

UNKNOWN = "__unknown__"
YES = "yes"
NO = "no"
ANONYMOUS = "__anonymous__"

# Asked in this order; a slot already filled (e.g. pulled out of an earlier message) is skipped.
QUESTIONS: tuple[str, ...] = (
    "child_name",
    "child_age",
    "child_area",
    "child_school",
    "child_where_now",
    "concern_description",
    "concern_when",
    "injuries_seen",
    "injuries_detail",  # only if injuries_seen == YES
    "child_said",
    "poc_description",
    "poc_relationship",
    "poc_lives_with_child",
    "household",
    "reported_before",
    "reported_to",  # only if reported_before == YES
    "reporter_relationship",
    "reporter_name",
    "safe_to_contact",
    "contact_method",  # only if safe_to_contact == YES
    "safe_times",  # only if safe_to_contact == YES
    "parent_aware",
)

YES_NO_SLOTS = frozenset(
    {"injuries_seen", "poc_lives_with_child", "reported_before", "safe_to_contact", "parent_aware"}
)

# A follow-up question is asked only when its parent question was answered YES.
FOLLOW_UPS: dict[str, str] = {
    "injuries_detail": "injuries_seen",
    "reported_to": "reported_before",
    "contact_method": "safe_to_contact",
    "safe_times": "safe_to_contact",
}


def required_questions(answers: dict[str, object]) -> list[str]:
    """The questions this report needs, given the answers so far."""
    return [
        q
        for q in QUESTIONS
        if q not in FOLLOW_UPS or answers.get(FOLLOW_UPS[q]) == YES
    ]


def is_known(value: object) -> bool:
    return value not in (None, "", UNKNOWN)
