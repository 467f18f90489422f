"""Facts a reporter volunteers in any message, so she is not asked again for what she has said.

Every finder is deliberately narrow: a fact is taken only from a clear pattern, and when two
readings disagree nothing is taken. A missed fact costs one extra question; a wrong one puts
words in her mouth. Patterns match ``Message.low`` (lower case, same offsets as typed) and are
skipped outright when their keywords are absent, which keeps a call well under a millisecond.
"""

from __future__ import annotations

import re

from bot.extraction_answers import is_anonymous
from bot.extraction_people import (
    CHILD_WORD,
    NAME_TOKEN,
    OTHER_WORD,
    PRONOUN_SUBJECTS,
    child_age,
    child_name,
    person_of_concern,
    reporter_relationship,
)
from bot.extraction_text import (
    Message,
    capitals_mean_something,
    is_name_word,
    keyed,
    keyed_matches,
    nearest_person,
    word_search,
)
from bot.slots import ANONYMOUS, NO, YES

# ---------------------------------------------------------------- where the child lives

# From the outward code's digit ("ls|6 2ab"): a regex that starts with a digit skips ahead fast;
# the one or two letters before it are checked by hand.
_POSTCODE_FROM_DIGIT = re.compile(r"[0-9][a-z0-9]?[ \t]*[0-9][a-z]{2}(?![\w])")
# Her own address is not the child's: "my postcode is...", "I live at...".
_MY_POSTCODE = re.compile(r"\b(?:my\s+(?:post\s*code|address|house|home|flat)|(?:i|we)\s+(?:live|am|are)|i'm|we're)\b[^.!?\n]*$")
# Starts at the verb (no look-behind first: it would stop the engine skipping ahead); the word
# before the verb (who lives there) is read backwards with _LIVES_SUBJECT.
_LIVES_IN = re.compile(
    r"(?:live|lives|living|moved)\b[^,.;!?\n]{0,40}?\b(?:in|on|at|near|round|around|off|to)[ \t]+"
    r"(?P<place>[^,.;!?\n]{1,60})"
)
# Where the place words stop: "Leeds| with his mum", "Leeds| last week". Cut afterwards rather than
# with a lazy match and a look-ahead, which backtracks badly on a long run of words.
_PLACE_STOP = re.compile(
    r"[ \t]+(?:and|with|but|because|cos|who|where|since|now|at\s+the\s+moment|atm|though|so|which|then|"
    r"last|this|next|yesterday|today|recently|ago|for|about|a\s+few|over|in\s+(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december))\b"
)
_LIVES_SUBJECT = re.compile(r"(?<![\w'])(?P<subj>[\w']+)[ \t]+(?:(?:still|now|currently|all|both|also|actually)[ \t]+)?$")
_NOT_PLACE_WORDS = frozenset({"i", "i'm", "im", "mum", "dad", "nan", "gran", "mummy", "daddy", "he", "she", "they"})
_WORD = re.compile(r"[^\W_][\w'-]*")
_HER_OWN = frozenset({"i", "we", "me", "us", "i've", "we've", "i'm", "we're", "i'd"})
_GROUP_SUBJECTS = frozenset({"family", "kids", "children", "twins", "all", "both"})


def _trailing_other_script(place: str) -> str:
    """ "Leeds مرحبا" -> "Leeds": a UK place is written in Latin letters; what follows in another
    script (or an emoji) is the next thing she said."""
    words = place.split()
    while words and not any(ch.isalnum() and ord(ch) < 0x250 for ch in words[-1]):
        words.pop()
    return place[: place.find(words[-1]) + len(words[-1])] if words else ""


def _is_place(words: str) -> bool:
    """Place words name somewhere: a capitalised word ("Leeds", "LS6", "the Hillside estate")."""
    return any(w[0].isupper() and w.lower() not in _NOT_PLACE_WORDS for w in _WORD.findall(words))


def _postcode_start(low: str, digit_at: int) -> int | None:
    """Where a postcode whose outward digit is at ``digit_at`` starts: after one or two letters."""
    letters = 0
    while letters < 2 and digit_at - letters - 1 >= 0 and "a" <= low[digit_at - letters - 1] <= "z":
        letters += 1
    start = digit_at - letters
    if letters == 0 or (start > 0 and (low[start - 1].isalnum() or low[start - 1] == "_")):
        return None
    return start


def child_area(msg: Message, name: str | None) -> str | None:
    """A postcode, or the place words after "they live in / on / near"."""
    low = msg.low
    for m in _POSTCODE_FROM_DIGIT.finditer(low):
        start = _postcode_start(low, m.start())
        if start is not None and not _MY_POSTCODE.search(low, max(0, start - 40), start):
            return msg.text[start : m.end()]
    if not msg.has("liv", "moved"):
        return None
    found: list[str] = []
    for tried, m in enumerate(_LIVES_IN.finditer(low)):
        if tried >= 40:
            break  # bounded work for a pasted essay; an account says where she lives a few times at most
        if m.start() and low[m.start() - 1].isalnum():
            continue  # "delivered", "outlive"
        s = _LIVES_SUBJECT.search(low, max(0, m.start() - 40), m.start())
        subj = s.group("subj") if s else ""
        if subj in _HER_OWN or OTHER_WORD.match(subj):
            continue  # her own home, or the home of someone else
        if subj in PRONOUN_SUBJECTS:
            if nearest_person(low, m.start(), name) == "other":
                continue  # "his dad... he lives in Bradford"
        elif subj and not (CHILD_WORD.match(subj) or (name and subj in name.lower().split())):
            if subj not in _GROUP_SUBJECTS:
                continue  # "Dave lives in Leeds": we do not know Dave is the child
        place = _PLACE_STOP.split(low[m.start("place") : m.end("place")], maxsplit=1)[0]
        place = _trailing_other_script(msg.norm[m.start("place") : m.start("place") + len(place)].strip())
        if _is_place(place):
            found.append(msg.text[m.start("place") : m.start("place") + len(place)])
    return found[0] if len({f.lower() for f in found}) == 1 else None


# ---------------------------------------------------------------- school or nursery

_SCHOOL_KINDS = ("infant", "junior", "primary", "secondary", "high", "grammar", "nursery", "academy", "school",
                 "college", "playgroup", "kindergarten", "sixth form")  # fmt: skip
_SCHOOL_KIND = (
    r"(?:infants?|juniors?|primary|secondary|high|grammar|nursery|academy|school|college|pre-?school|"
    r"playgroup|kindergarten|sixth[ \t]+form)"
)
# On the typed text: the name part must be capitalised ("Oakwood Academy", "St Mary's primary").
_SCHOOL = re.compile(
    rf"(?<![\w'])(?P<school>(?:(?-i:St)\.?[ \t]+)?(?-i:[A-Z])[\w'.&-]*(?:[ \t]+(?:(?-i:[A-Z])[\w'.&-]*|of|the|and|&)){{0,5}}"
    rf"(?:[ \t]+(?:c[ \t]*of[ \t]*e|ce|rc|catholic|church[ \t]+of[ \t]+england|community|infants?|juniors?|primary|"
    rf"junior[ \t]+and[ \t]+infant)){{0,2}}"
    rf"[ \t]+{_SCHOOL_KIND})(?![\w])",
    re.IGNORECASE,
)
_SCHOOL_LEAD_NOISE = frozenset("yesterday today she he they his her their at in to i my and but so".split())


def child_school(msg: Message) -> str | None:
    if not msg.has(*_SCHOOL_KINDS):
        return None
    found: list[str] = []
    for m in _SCHOOL.finditer(msg.norm):
        words = m.group("school").split()
        # "Yesterday Oakwood Academy rang": drop capitalised words that start sentences, not names.
        while len(words) > 1 and words[0].lower() in _SCHOOL_LEAD_NOISE:
            words = words[1:]
        if len(words) < 2 or not (words[0] in ("St", "St.", "The") or is_name_word(words[0])):
            continue
        if not any(is_name_word(w) for w in words[:-1] if w not in ("St", "St.")):
            continue  # "The school said...": a school, but not one she named
        start = msg.norm.find(words[0], m.start())
        found.append(msg.text[start : m.end()])
    return found[0] if len({f.lower() for f in found}) == 1 else None


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


# ---------------------------------------------------------------- does the person live with the child

_LIVES_YES = (
    keyed("moved", r"moved[ \t]+in\b"),
    keyed(
        "liv|stay",
        # "with her" but not "with her dad": that "her" is the child, living with her dad.
        r"(?:lives?|living|stays?|staying)[ \t]+(?:with[ \t]+(?:them|"
        r"her(?![ \t]+(?!and\b|but\b|now\b|since\b|most\b|all\b|at\b|full\b)[a-z])|"
        r"the[ \t]+(?:kids|children|family|baby)|my[ \t]+(?:daughter|son|grand\w+))|there|in[ \t]+the[ \t]+(?:house|home|flat))"
        r"(?![ \t]+(?:sometimes|some[ \t]+nights|at[ \t]+weekends|now[ \t]+and[ \t]+then))",
    ),  # "doesn't live there" is found first, as a NO
    keyed("stays", r"stays[ \t]+(?:there[ \t]+)?(?:over[ \t]+)?(?:most|every)[ \t]+nights?"),
)
_NOT = r"(?:doesn'?t|does[ \t]+not|dont|don'?t|isn'?t|is[ \t]+not|not)[ \t]+"
_LIVES_NO = (
    keyed(
        "liv|stay",
        r"(?:live|living|stay|staying)[ \t]+"
        r"(?:there|with[ \t]+(?:them|her|him|the[ \t]+\w+|my[ \t]+\w+)|in[ \t]+the[ \t]+(?:house|home|flat))",
        before=_NOT,
    ),
    keyed("moved out", r"moved[ \t]+out\b"),
    keyed("lives", r"lives[ \t]+(?:elsewhere|somewhere[ \t]+else|on[ \t]+(?:his|her)[ \t]+own|alone|separately)"),
    keyed("visits", r"visits\b", before=r"(?:just|only)[ \t]+"),
    keyed("visits", r"visits[ \t]+(?:them|her|the[ \t]+(?:kids|children|house))\b"),
    keyed("comes", r"comes[ \t]+(?:round|over)\b"),
)
_VISITS = re.compile(r"\bvisits\b|\bvisiting\b")
_SUBJECT_BEFORE = re.compile(
    r"\b(?P<subj>[\w'-]+)[ \t]+(?:(?:has|have|had|just|recently|now|also|still|then|only|really)[ \t]+)*$"
)
_NOT_THE_PERSON = frozenset({"i", "we", "i've", "we've", "they", "you"})


def lives_with_child(msg: Message, poc_span: tuple[int, int] | None, loose: bool = False) -> str | None:
    """YES / NO when she says whether the person of concern lives with the child.

    ``loose``: the message answers "Does that person live with the child?", so "he" is that person.
    Otherwise the subject must be that person: the words she used for them in this message, or
    "he"/"she" with no child named just before ("he moved in last month").
    """
    if not msg.has("live", "living", "stay", "moved", "visit", "comes"):
        return None
    low = msg.low
    for value, parts in ((NO, _LIVES_NO), (YES, _LIVES_YES)):
        for begin, m in keyed_matches(msg, parts):
            s = _SUBJECT_BEFORE.search(low, max(0, begin - 40), begin)
            subj = s.group("subj") if s else ""
            if subj in _NOT_THE_PERSON or CHILD_WORD.match(subj):
                continue  # her, or the child: not the person of concern
            if loose:
                return value
            if poc_span and s and poc_span[0] <= s.start("subj") < poc_span[1]:
                return value  # "her new fella moved in"
            if subj in ("he", "she", "he's", "she's", "hes", "shes") and nearest_person(low, begin) != "child":
                return value  # "he moved in last month", "he doesn't live there but visits"
    if loose and _VISITS.search(low):
        return NO
    return None


# ---------------------------------------------------------------- injuries she has seen

_INJURY = (
    keyed("bruis", r"bruis(?:e|es|ed|ing)\b"),
    keyed("burn", r"burns?\b"),
    keyed("eye", r"black[ \t]+eyes?\b"),
    keyed("welt", r"welts?\b"),
    keyed("scratch", r"scratch(?:es)?\b"),
    keyed("swell|swollen", r"swelling\b|swollen\b"),
    keyed("fractur", r"fractures?\b"),
    keyed("broken", r"broken[ \t]+(?:arm|leg|wrist|bone|ribs?|nose|finger|collarbone)\b"),
    keyed("injur", r"injur(?:y|ies)\b"),
    keyed("bleed", r"bleeding\b"),
    keyed("scar", r"scars?\b"),
    keyed("cut", r"cuts?\b"),
    # "marks" only when they are marks on a body: not "good marks at school".
    keyed("mark", r"(?:finger|red|belt|bite|hand|grab|strap|slap|purple|blue|black|strange|nasty)[ \t]*marks?\b"),
    keyed("mark", r"marks?[ \t]+on[ \t]+(?:his|her|their|the[ \t]+\w+'s|my[ \t]+\w+'s)"),
)
_INJURY_SEEN = re.compile(
    r"\b(?:seen|saw|noticed|spotted|found|had|has|got|with|covered[ \t]+in|there[ \t]+(?:was|were|is|are)"
    r"|came[ \t]+(?:home|back)[ \t]+with)\b"
)
_INJURY_NEGATED = re.compile(r"\b(?:no|not|never|without|any|nothing)\b|n't\b")
_SAW_NONE = re.compile(r"\b(?:seen|saw|noticed|no)\b")
_CLAUSE = re.compile(r"[.!?;,\n]|\b(?:but|and|because|cos|so)\b")


def injuries_seen(msg: Message) -> str | None:
    """YES for "he had bruises on his arms"; NO for "I haven't seen any marks"; else None."""
    low = msg.low
    seen = refused = False
    for _, m in keyed_matches(msg, _INJURY):
        before = low[max(0, m.start() - 50) : m.start()]
        cut = None
        for cut in _CLAUSE.finditer(before):
            pass
        clause = before[cut.end() :] if cut else before
        if _INJURY_NEGATED.search(clause):
            refused = refused or bool(_SAW_NONE.search(clause))
        elif _INJURY_SEEN.search(clause):
            seen = True  # "he had bruises", "there were finger marks", not "he'll give her a black eye"
    return YES if seen else NO if refused else None


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


_PARENT = r"(?:his|her|their|the)[ \t]+(?:mum|mother|mam|mom|dad|father|parents?)"
_ABOUT_ME = r"(?:i'?m|i[ \t]+am|that[ \t]+i|about[ \t]+this|i'?ve|i[ \t]+have)"
_PARENT_UNAWARE = re.compile(
    rf"{_PARENT}[ \t]+(?:doesn'?t|does[ \t]+not|don'?t|do[ \t]+not|won'?t|dont)[ \t]+know[ \t]+{_ABOUT_ME}"
)
_PARENT_AWARE = re.compile(rf"{_PARENT}[ \t]+(?:knows|know)[ \t]+{_ABOUT_ME}")
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
    if msg.has("know"):
        if word_search(_PARENT_UNAWARE, msg.low):
            facts["parent_aware"] = NO
        elif word_search(_PARENT_AWARE, msg.low):
            facts["parent_aware"] = YES
    return facts
