"""The answers a report holds, and how they are held.

Rasa keeps each answer in a slot of the same name (see ``domain.yml``). Values are strings:
- free-text answers are the reporter's words, verbatim;
- yes/no answers are ``YES``, ``NO`` or ``UNKNOWN``;
- ``UNKNOWN`` also stands for "don't know" / "skip" on any question, and for a question asked
  twice without an answer, so the form moves on and the referral shows ``null`` for it.

Which question is asked next, and how one question may fill several answers, is
``bot.questions``.
"""

from __future__ import annotations

UNKNOWN = "__unknown__"
YES = "yes"
NO = "no"
ANONYMOUS = "__anonymous__"

# Every answer slot, roughly in the order a duty officer reads them.
QUESTIONS: tuple[str, ...] = (
    # A short first message ("I'm worried about my grandson"): the start of her account.
    "concern_opening",
    "concern_description",
    "concern_more",
    "child_where_now",
    "child_name",
    "child_age",
    "child_area",
    "child_school",
    "injuries_seen",
    "injuries_detail",
    "concern_when",
    "source",
    "poc_description",
    "poc_relationship",
    "poc_lives_with_child",
    "household",
    "other_children_in_home",
    "other_children",
    "child_said",
    "reported_before",
    "reported_to",
    "reporter_relationship",
    "reporter_name",
    "safe_to_contact",
    "contact_method",
    "safe_times",
    "parent_aware",
    "parent_unaware_why",
    "first_language",
    "interpreter_needed",
    "additional_needs",
)

# Her own words beside a category the console sorts by; set with the category, never asked.
WORDS_SLOTS: tuple[str, ...] = (
    "reporter_relationship_words",
    "poc_relationship_words",
    "source_words",
    "parent_aware_words",
)

YES_NO_SLOTS = frozenset(
    {
        "concern_more",
        "injuries_seen",
        "poc_lives_with_child",
        "other_children_in_home",
        "reported_before",
        "safe_to_contact",
        "parent_aware",
        "interpreter_needed",
    }
)


def is_known(value: object) -> bool:
    return value not in (None, "", UNKNOWN)
