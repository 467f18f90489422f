"""What the reporter says of herself: whom she has already told, her name, whether she can be
contacted safely, and whether the child's parent knows she is reporting.

These facts shape how the team may reply to her, not what happened to the child, so they live
apart from the finders about the child. Narrow like every finder (see ``bot.extraction_facts``).
"""

from __future__ import annotations

import re

from bot.extraction_answers import is_anonymous
from bot.extraction_people import NAME_TOKEN
from bot.extraction_text import Message, is_name_word, keyed, keyed_matches, word_search
from bot.slots import ANONYMOUS, NO, YES

# ---------------------------------------------------------------- reported before, and to whom

_BODY = (
    r"(?:(?:the|his|her|their|my|a|our)[ \t]+)?(?:(?:local|child(?:ren)?'?s?|school'?s?)[ \t]+)?"
    r"(?:school|nursery|head[ \t]*teacher|headteacher|head[ \t]*mistress|head|teachers?|police|cops|social[ \t]+services|"
    r"social[ \t]+workers?|social[ \t]+care|children'?s[ \t]+services|council|health[ \t]+visitor|gp|doctors?|"
    r"hospital|nspcc|childline|mash|safeguarding(?:[ \t]+lead|[ \t]+team)?|101|999|school[ \t]+nurse|midwife|"
    r"ofsted|family[ \t]+support|early[ \t]+help)(?:[ \t]+(?:team|office|line|department|officer|worker))?"
)
_REPORT_KEYS = ("report", "told", "rang", "phoned", "called", "contacted", "mail", "messaged", "texted", "spoke",
                "talked", "mentioned", "informed", "raised", "referr", "went to the police")  # fmt: skip
_REPORT_VERB = (
    r"(?:reported|told|rang|phoned|called|contacted|emailed|e-mailed|messaged|texted|spoke[ \t]+to|spoken[ \t]+to|"
    r"talked[ \t]+to|mentioned[ \t]+(?:it|this|that)[ \t]+to|informed|raised[ \t]+(?:it|this|concerns?)[ \t]+with|"
    r"made[ \t]+a[ \t]+referral[ \t]+to|referred[ \t]+(?:it|this|him|her|them)[ \t]+to|went[ \t]+to[ \t]+the[ \t]+police)"
)
_REPORTED = re.compile(
    rf"{_REPORT_VERB}(?:[ \t]+(?:it|this|them|him|her|about[ \t]+(?:it|this|him|her|them)))?"
    rf"(?:[ \t]+(?:to|with))?[ \t]+(?P<to>{_BODY}(?:[ \t]*(?:,|and|&)[ \t]*{_BODY}){{0,3}})(?![\w])"
)
_NOT_REPORTED = re.compile(
    r"(?:haven'?t|have\s+not|hasn'?t|has\s+not|never|not|didn'?t|did\s+not|no\s+one\s+has|nobody\s+has)\s+"
    r"(?:yet\s+|ever\s+|really\s+)?"
    r"(?:told|reported|rang|phoned|called|contacted|mentioned\s+it\s+to|tell|report|said\s+anything\s+to)"
    r"\s+(?:it\s+|this\s+)?(?:to\s+)?(?:anyone|anybody|any\s+one|a\s+soul|no\s+one|nobody)\b"
    r"|first\s+time\s+i'?(?:ve|\s+have)\s+(?:told|said)\b"
)
# Who reported, read backwards from the verb: "I have already |told".
_REPORTER_BEFORE = re.compile(
    r"(?P<subj>[\w']+)[ \t]+(?:(?:have|has|had|'ve|already|also|once|previously|did|then|even)[ \t]+){0,3}$"
)
_NEGATED_SUBJECT = re.compile(r"(?:n't|nt|not|never|no)$")


def reported(msg: Message) -> tuple[str, str | None] | None:
    """(YES, to whom: her words) or (NO, None) or None."""
    if not msg.has(*_REPORT_KEYS, "tell", "said"):
        return None
    bodies: list[str] = []
    for tried, m in enumerate(_REPORTED.finditer(msg.low)):
        if tried >= 40:
            break  # bounded work for a pasted essay
        if m.start() and msg.low[m.start() - 1].isalnum():
            continue  # inside a word
        who = _REPORTER_BEFORE.search(msg.low, max(0, m.start() - 60), m.start())
        if who is None or _NEGATED_SUBJECT.search(who.group("subj")):
            continue  # "I haven't told the police" says nothing about anyone else
        body = msg.text[m.start("to") : m.end("to")]
        if body.lower() not in (b.lower() for b in bodies):
            bodies.append(body)
    if bodies:
        return YES, "; ".join(bodies)
    if word_search(_NOT_REPORTED, msg.low):
        return NO, None
    return None


# ---------------------------------------------------------------- the reporter herself, and contact

_MY_NAME = re.compile(
    rf"my[ \t]+(?:first[ \t]+|full[ \t]+)?name(?:'s|s|[ \t]+is)[ \t]+(?P<name>{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN})?)"
)
_DONT_CONTACT = (
    keyed(
        "call|ring|phone|text|contact|message|mail|write|visit|come",
        r"(?:call|ring|phone|text|contact|message|email|write[ \t]+to|visit|come[ \t]+to)[ \t]+me\b",
        before=r"(?:don'?t|do[ \t]+not|dont|never|please[ \t]+don'?t)[ \t]+",
    ),
    keyed(
        "safe",
        r"safe[ \t]+(?:for[ \t]+(?:you|anyone|them)[ \t]+)?to[ \t]+(?:call|ring|phone|text|contact|message|email)[ \t]+me\b",
        before=r"(?:not|isn'?t|never)[ \t]+",
    ),
    keyed(
        "check|read|through|look",
        r"(?:checks|reads|goes[ \t]+through|looks[ \t]+at)[ \t]+my[ \t]+(?:phone|texts|messages)\b",
        before=r"(?:he|she)[ \t]+",
    ),
)


def dont_contact(msg: Message) -> bool:
    """She says it is not safe to contact her ("please don't ring me", "he checks my phone")."""
    return bool(keyed_matches(msg, _DONT_CONTACT))


_SENTENCE = re.compile(r"[^.!?\n]*[.!?\n]?")


def reporter_name(msg: Message) -> str | None:
    """"my name is Jean" -> "Jean"; "I'd rather stay anonymous" (not "can I stay anonymous?") -> ANONYMOUS."""
    if msg.has("name"):
        m = word_search(_MY_NAME, msg.low)
        if m:
            start = m.start("name")
            words = msg.norm[start : m.end("name")].split()
            if is_name_word(words[0]):
                end = m.end("name") if len(words) > 1 and is_name_word(words[1]) else start + len(words[0])
                return msg.text[start:end]
    # Only her explicit choice counts here: "I don't want him to know it was me" is a wish that
    # the family is not told (they never are), not a refusal to give the team her name.
    if msg.has("anon", "name"):
        for sentence in _SENTENCE.findall(msg.low[:4000]):
            if sentence and "?" not in sentence and is_anonymous(sentence):
                return ANONYMOUS
    return None


_PARENT = r"(?:his|her|their|the)[ \t]+(?:mum|mother|mam|mom|dad|father|parents?)"
_ABOUT_ME = r"(?:i'?m|i[ \t]+am|that[ \t]+i|about[ \t]+this|i'?ve|i[ \t]+have)"
_PARENT_UNAWARE = re.compile(
    rf"{_PARENT}[ \t]+(?:doesn'?t|does[ \t]+not|don'?t|do[ \t]+not|won'?t|dont)[ \t]+know[ \t]+{_ABOUT_ME}"
)
_PARENT_AWARE = re.compile(rf"{_PARENT}[ \t]+(?:knows|know)[ \t]+{_ABOUT_ME}")


def parent_aware(msg: Message) -> str | None:
    """NO for "his mum doesn't know I'm doing this"; YES for "her mum knows I'm telling you"; else None."""
    if not msg.has("know"):
        return None
    if word_search(_PARENT_UNAWARE, msg.low):
        return NO
    if word_search(_PARENT_AWARE, msg.low):
        return YES
    return None
