"""Facts a reporter volunteers in any message, so she is not asked again for what she has said.

``extract_facts`` runs every finder over one message. The finders live by topic:
``extraction_people`` (the child's name and age, who she is, the person of concern),
``extraction_places`` (area, school), ``extraction_household`` (does that person live with the
child), ``extraction_injuries`` (injuries seen) and ``extraction_reporter`` (earlier reports, her
name, safe contact, whether the parent knows).

Every finder is deliberately narrow: a fact is taken only from a clear pattern, and when two
readings disagree nothing is taken. A missed fact costs one extra question; a wrong one puts
words in her mouth. Patterns match ``Message.low`` (lower case, same offsets as typed) and are
skipped outright when their keywords are absent, which keeps a call well under a millisecond.
"""

from __future__ import annotations

import re

from bot import extraction_mash as mash
from bot.extraction_children import children_in
from bot.extraction_household import lives_with_child
from bot.extraction_injuries import injuries_seen
from bot.extraction_people import (
    child_age,
    child_name,
    person_of_concern,
    reporter_relationship,
    reporter_relationship_with_words,
)
from bot.extraction_places import child_area, child_school
from bot.extraction_reporter import dont_contact, parent_aware, reported, reporter_name
from bot.extraction_text import Message, capitals_mean_something, is_name_word, same_length
from bot.slots import NO


def extract_facts(text: str) -> dict[str, str]:
    """Facts she volunteered, keyed by slot name (see ``bot.extraction.extract_facts``)."""
    if not text or not text.strip():
        return {}
    msg = Message.of(text)
    facts: dict[str, str] = {}
    # When every word has a capital, a capital marks no name or place: take none.
    capitals = capitals_mean_something(msg.norm)
    name = child_name(msg) if capitals else None
    if name:
        facts["child_name"] = name
    age = child_age(msg, name)
    if age:
        facts["child_age"] = age
    if capitals:
        area = child_area(msg, name)
        if area:
            facts["child_area"] = area
        school = child_school(msg)
        if school:
            facts["child_school"] = school
    relationship = reporter_relationship(msg)
    if relationship:
        facts["reporter_relationship"] = relationship
    poc = person_of_concern(msg)
    if poc:
        facts["poc_description"] = poc[0]
        if poc[1]:
            facts["poc_relationship"] = poc[1]
    lives = lives_with_child(msg, (poc[2], poc[2] + len(poc[0])) if poc else None)
    if lives:
        facts["poc_lives_with_child"] = lives
    told = reported(msg)
    if told:
        facts["reported_before"] = told[0]
        if told[1]:
            facts["reported_to"] = told[1]
    injuries = injuries_seen(msg)
    if injuries:
        facts["injuries_seen"] = injuries
    me = reporter_name(msg)
    if me:
        facts["reporter_name"] = me
    if dont_contact(msg):
        facts["safe_to_contact"] = NO
    aware = parent_aware(msg)
    if aware:
        facts["parent_aware"] = aware
    return facts


# "I'm worried about Poppy, she's 7": a name she is worried about, then said to be a child's age.
_WORRIED_ABOUT = re.compile(
    r"\bworried\s+about\s+(?P<name>[A-Z][a-z'-]+)[ \t]*,?[ \t]+"
    r"(?:she|he)(?:'s|\s+is)\s+(?:only\s+|just\s+)?\d"
)


def account_facts(text: str, account: bool = True) -> dict[str, object]:
    """What her account says beyond ``extract_facts``: her words beside each category, every child
    when there are several, and (``account``: the message is her account) when it happened,
    whether she saw it herself, and the MASH fields (language, interpreter, additional needs).
    """
    if not text or not text.strip():
        return {}
    msg = Message.of(text)
    facts: dict[str, object] = {}
    found = reporter_relationship_with_words(msg)
    if found:
        facts["reporter_relationship"], facts["reporter_relationship_words"] = found
    poc = person_of_concern(msg)
    if poc and poc[1]:
        facts["poc_relationship_words"] = poc[0]
    if not account:
        return facts
    named = _WORRIED_ABOUT.search(same_length(text))
    if named and is_name_word(named.group("name")):
        facts["child_name"] = text[named.start("name"): named.end("name")]
    kids = children_in(text)
    if kids:
        facts["children"] = kids
        if kids[0]["name"]:
            facts["child_name"] = kids[0]["name"]
        if kids[0]["age"]:
            facts["child_age"] = kids[0]["age"]
    for slot, value in (
        ("concern_when", mash.when_said(text)),
        ("source", mash.source_of(text)),
        ("first_language", mash.first_language(text)),
        ("interpreter_needed", mash.interpreter_needed(text)),
        ("additional_needs", mash.additional_needs(text)),
    ):
        if value:
            facts[slot] = value
    if "source" in facts:
        facts["source_words"] = text.strip()
    if mash.language_signalled(text):
        facts["language_signalled"] = True
    return facts
