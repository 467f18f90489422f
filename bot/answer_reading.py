"""What her reply to one question gives: the answers it fills, or None when it does not answer it.

"yes" to "When is it safe to contact you?" names no time, so it is no answer (the bot asks once
more, then moves on); "evenings" is an answer whatever NLU made of it. ``plain_answer`` says
whether a reply is clearly an answer to the question asked, for when NLU reads it as chit-chat.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from bot import extraction_contact as contact
from bot import indicators
from bot import extraction_mash as mash
from bot import questions as q
from bot.extraction import answer_for, is_anonymous, is_dont_know, parse_yes_no
from bot.extraction_children import ages_in_answer, children_from_answer, names_in_answer
from bot.extraction_people import person_of_concern
from bot.extraction_places import child_area, child_school
from bot.extraction_relations import poc_relationship_answer, reporter_relationship_answer
from bot.extraction_reporter import reported
from bot.extraction_text import Message, is_name_word, same_length
from bot.slots import ANONYMOUS, NO, UNKNOWN, YES

Answers = dict[str, Any]
_I = re.IGNORECASE
_CLAUSES = re.compile(r"[,;!?\n]+|\.(?=\s|$)")
_SCHOOL_WORDS = re.compile(
    r"\b(?:school|nursery|primary|primery|academy|high|college|juniors?|infants?|pre-?school|reception|year\s+\d+)\b", _I
)
_NO_SCHOOL = re.compile(
    r"\b(?:no|not|too\s+(?:little|young)|baby|doesn'?t\s+go|don'?t\s+know|dunno|idk|no\s+idea|not\s+sure)\b", _I
)
_SCHOOL_LEAD = re.compile(r"^\s*(?:(?:he|she|they)(?:'s|s|\s+is|\s+are|'re)?\s+(?:at|in)|(?:he|she|they)\s+(?:both\s+)?go(?:es)?\s+to"
                          r"|(?:they\s+)?both\s+go\s+to|at|goes\s+to)\s+", _I)
_PLACE_NOW = re.compile(r"\b(?:home|house|school|nursery|with|at|in|out|here|there|street|park|car|hospital|flat)\b", _I)
_BODY = re.compile(
    r"\b(?:arms?|legs?|face|cheeks?|eyes?|head|neck|back|chest|ribs?|hands?|wrists?|feet|foot|bum|bottom|thighs?|"
    r"stomach|tummy|ears?|nose|mouth|lips?|shoulders?|forearms?|knees?|body|side)\b",
    _I,
)
_NOTHING = re.compile(
    r"^\s*(?:no+|nope|nah|n|nothing(?:\s+else)?|no(?:thing)?\s+(?:else|more)|that'?s\s+(?:all|it|everything)"
    r"|thats\s+(?:all|it|everything)|not\s+really|i\s+don'?t\s+think\s+so)\b",
    _I,
)
_JUST_YES = re.compile(r"^\s*(?:y|yes|yeah|yep|yup|ok|okay|sure|aye)\s*[.!]?\s*$", _I)


def _dk(text: str) -> bool:
    return is_dont_know(text) or any(is_dont_know(c) for c in _CLAUSES.split(text) if c.strip())


def _all_unknown(question: str, answers: Mapping[str, Any]) -> Answers:
    return {slot: v for slot, v in q.unanswered(question).items() if answers.get(slot) is None}


_MIN_WORDS_FOR_STORY = 15


def _opening_or_account(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """Her reply to "what is worrying you?": a worry told ("his mum hits him") is her account; a
    short opening ("I'm worried about my grandson Tom") is not yet, so she is asked what happened."""
    if not is_dont_know(text) and len(text.split()) < _MIN_WORDS_FOR_STORY and not indicators.find(text):
        if len(text.split()) < 2:
            return None
        opening = answers.get("concern_opening")
        return {"concern_opening": f"{opening}\n{text}" if opening else text}
    return _account(text, answers)


def _account(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if len(text.split()) < 2 and not is_dont_know(text):
        return None
    if is_dont_know(text):
        return {"concern_description": answers.get("concern_opening") or UNKNOWN}
    parts = [p for p in (answers.get("concern_opening"), text) if p]
    return {"concern_description": "\n".join(parts), "account_messages": (answers.get("account_messages") or 0) + len(parts)}


def _more(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text) or (_NOTHING.match(text) and len(text.split()) <= 6):
        return {"concern_more": NO}
    if _JUST_YES.match(text):
        return None  # "yes": there is more, but she has not said it yet
    said = answers.get("concern_description")
    return {"concern_more": YES, "concern_description": f"{said}\n{text}" if said and said != UNKNOWN else text}


_CHILD_SPEECH = re.compile(
    r"\b(?:(?:he|she|they|[A-Z][a-z]+)\s+(?:said|says|told\s+me|tells\s+me|keeps\s+saying|told\s+(?:her|his)\s+\w+))\b"
    r"|[\"\u201c]",
)


def _more_said(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """ "Anything else, and has the child said anything?": her words go to the account, and to
    what the child said when they report the child's words."""
    read = _more(text, answers)
    if read is None:
        return None
    if read.get("concern_more") == NO:
        rest = _NOTHING.sub("", text).strip(" ,.")
        if rest and len(rest.split()) >= 2 and not is_dont_know(rest):
            read["child_said"] = rest  # "no, she can't really talk yet"
        else:
            read["child_said"] = UNKNOWN
    elif _CHILD_SPEECH.search(same_length(text)):
        read["child_said"] = text.strip()
    return read


def _names_ages(text: str, answers: Mapping[str, Any], asked_name: bool, asked_age: bool) -> Answers | None:
    kids = children_from_answer(text, asked_name, asked_age)
    out: Answers = {}
    if kids:
        first = kids[0]
        if asked_name and first["name"]:
            out["child_name"] = first["name"]
        if asked_age and first["age"]:
            out["child_age"] = first["age"]
        if len(kids) > 1:
            known = answers.get("children") or []
            out["children"] = [
                {"name": k["name"] or (known[i].get("name") if i < len(known) else None),
                 "age": k["age"] or (known[i].get("age") if i < len(known) else None)}
                for i, k in enumerate(kids)
            ]
    if _dk(text):
        if asked_name and "child_name" not in out:
            out["child_name"] = UNKNOWN
        if asked_age and "child_age" not in out:
            out["child_age"] = UNKNOWN
    if not out and asked_name and not asked_age and len(text.split()) >= 3 and not _JUST_YES.match(text):
        out["child_name"] = text.strip()  # "the little boy at number 12": her words say who
    return out or None


def _area_school(text: str, asked_area: bool, asked_school: bool) -> Answers | None:
    if _JUST_YES.match(text) or parse_yes_no(text) in (YES, NO) and len(text.split()) <= 2 and not asked_school:
        return None
    msg = Message.of(text)
    out: Answers = {}
    if is_dont_know(text):
        return {slot: UNKNOWN for slot, asked in (("child_area", asked_area), ("child_school", asked_school)) if asked}
    clauses = [c for c in re.split(r"(,|;|\.|\band\b)", text)]
    school_clause = next((c for c in clauses if _SCHOOL_WORDS.search(c) or _SCHOOL_LEAD.match(c)), None)
    if school_clause is None and asked_area and asked_school:
        # "Ossett WF5, she's a baby": a later clause that says there is no school
        school_clause = next((c for c in clauses[1:] if c.strip() and _NO_SCHOOL.search(c)), None)
    if asked_school:
        if school_clause is not None and _NO_SCHOOL.search(school_clause) and not child_school(Message.of(school_clause)):
            out["child_school"] = UNKNOWN
        elif school_clause is not None:
            named = child_school(Message.of(school_clause))
            out["child_school"] = named or _SCHOOL_LEAD.sub("", school_clause.strip()).strip(" ,.") or UNKNOWN
        elif not asked_area:
            out["child_school"] = UNKNOWN if _dk(text) or _NO_SCHOOL.search(text) else text.strip()
    if asked_area:
        rest = text.replace(school_clause, " ") if school_clause else text
        rest = re.sub(r"^[\s,;.]+|[\s,;.]+$", "", re.sub(r"\s+(?:and|,)\s*$", "", rest.strip()))
        found = child_area(msg, None)
        if rest and not _dk(rest) and (found or any(w[:1].isupper() or any(ch.isdigit() for ch in w)
                                                     for w in rest.split()) or len(rest.split()) <= 4):
            out["child_area"] = rest
        elif found:
            out["child_area"] = found
        elif _dk(text):
            out["child_area"] = UNKNOWN
    return out or None


def _when_source(text: str, answers: Mapping[str, Any], asked_when: bool, asked_source: bool) -> Answers | None:
    out: Answers = {}
    when = mash.when_said(text)
    source = mash.source_of(text)
    if asked_source and source:
        out["source"], out["source_words"] = source, text.strip()
    if asked_when and not when and source:
        # "now, I'm in the next room": the clause that is not about how she knows is when
        first = _CLAUSES.split(text.strip())[0].strip()
        when = first if first and not mash.source_of(first) and len(first.split()) <= 6 else None
    if asked_when:
        if when:
            out["concern_when"] = text.strip() if not asked_source or not source else when
        elif _dk(text) and not source:
            out["concern_when"] = UNKNOWN
        elif not asked_source and not _JUST_YES.match(text):
            out["concern_when"] = text.strip()
    if asked_source and "source" not in out and _dk(text):
        out["source"] = UNKNOWN
    return out or None


_CHILDS = re.compile(r"\b(?:his|her|their|the\s+(?:child|kids?|children)'?s?)\s", _I)
_SHORT_CLAUSE = 5


def _poc(text: str) -> Answers | None:
    if is_dont_know(text):
        return {"poc_description": UNKNOWN, "poc_relationship": UNKNOWN}
    said = parse_yes_no(text)
    if said == NO or re.match(r"^\s*(?:no\s*one|nobody|not\s+really|no\s+one\s+in\s+particular)\b", text, _I):
        return {"poc_description": UNKNOWN, "poc_relationship": UNKNOWN}
    if _JUST_YES.match(text):
        return None
    out: Answers = {"poc_description": text.strip()}
    found = person_of_concern(Message.of(text))
    relationship = found[1] if found and found[1] else None
    short = [c for c in _CLAUSES.split(text) if 0 < len(c.split()) <= _SHORT_CLAUSE]
    # "my sister's husband, their dad": the words that say who the person is to the child win.
    for clause in sorted(short, key=lambda c: not _CHILDS.search(c)):
        if relationship is None:
            relationship = poc_relationship_answer(clause)
            relationship = None if relationship == "other" else relationship
    if relationship:
        out["poc_relationship"], out["poc_relationship_words"] = relationship, text.strip()
    return out


def _poc_relationship(text: str) -> Answers | None:
    if is_dont_know(text):
        return {"poc_relationship": UNKNOWN}
    if _JUST_YES.match(text) or parse_yes_no(text) == NO and len(text.split()) == 1:
        return None
    return {"poc_relationship": poc_relationship_answer(text) or UNKNOWN, "poc_relationship_words": text.strip()}


_PERSON_WORDS = {
    "mother": r"mum|mam|mom|mother|mummy",
    "father": r"dad|father|daddy",
    "mother's partner": r"boyfriend|boyfreind|partner|fella|bf|him|he",
    "mother's new partner": r"boyfriend|boyfreind|partner|fella|bf|him|he",
    "father's partner": r"girlfriend|partner|gf|her|she",
    "father's new partner": r"girlfriend|partner|gf|her|she",
    "stepfather": r"step\s?dad|stepfather|step\s?father",
    "stepmother": r"step\s?mum|stepmother|step\s?mother",
}


def mentions_person(household: str, description: str | None, relationship: str | None) -> bool:
    """Whether her household answer names the person of concern ("her mum, Kyle and the baby")."""
    words = [w.strip(",.'") for w in (description or "").split()]
    names = [w for w in words if is_name_word(w)]
    pattern = "|".join([re.escape(n) for n in names] + ([_PERSON_WORDS[relationship]] if relationship in _PERSON_WORDS else []))
    return bool(pattern) and re.search(rf"\b(?:{pattern})\b", same_length(household), _I) is not None


def _household(text: str, answers: Mapping[str, Any], ask_lives: bool) -> Answers | None:
    if _JUST_YES.match(text):
        return None
    if is_dont_know(text):
        return _all_unknown(q.HOUSEHOLD_POC if ask_lives else q.HOUSEHOLD, answers)
    out: Answers = {"household": text.strip()}
    others, words = mash.other_children(text)
    if others:
        out["other_children_in_home"] = others
        if words:
            out["other_children"] = words
    if answers.get("poc_lives_with_child") is None and answers.get("poc_description") not in (None, UNKNOWN):
        lives = answer_for("poc_lives_with_child", text)
        if lives in (YES, NO) and parse_yes_no(text) is None and lives == NO:
            out["poc_lives_with_child"] = NO
        elif mentions_person(text, answers.get("poc_description"), answers.get("poc_relationship")):
            out["poc_lives_with_child"] = YES
        elif ask_lives and parse_yes_no(_CLAUSES.split(text)[-1].strip()) in (YES, NO):
            out["poc_lives_with_child"] = parse_yes_no(_CLAUSES.split(text)[-1].strip())
    return out


def _yes_no(slot: str) -> Callable[[str, Mapping[str, Any]], Answers | None]:
    def read(text: str, answers: Mapping[str, Any]) -> Answers | None:
        value = answer_for(slot, text)
        if value == UNKNOWN and not _dk(text) and parse_yes_no(text) is None:
            return None
        return {slot: value}

    return read


def _reported(text: str, answers: Mapping[str, Any]) -> Answers | None:
    told = reported(Message.of(text))
    said = parse_yes_no(_CLAUSES.split(text.strip())[0]) or (told[0] if told else None)
    if said is None:
        return None if not _dk(text) else {"reported_before": UNKNOWN}
    out: Answers = {"reported_before": said}
    if said == YES:
        rest = re.sub(r"^\s*(?:y|yes|yeah|yep|i\s+have|we\s+have|i\s+did)\b[\s,.]*", "", text.strip(), flags=_I)
        to_whom = told[1] if told and told[1] else (rest if len(rest.split()) >= 2 else None)
        if to_whom:
            out["reported_to"] = text.strip() if len(text) <= 200 else to_whom
    return out


def _relationship(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"reporter_relationship": UNKNOWN}
    if _JUST_YES.match(text):
        return None
    return {"reporter_relationship": reporter_relationship_answer(text), "reporter_relationship_words": text.strip()}


def _reporter_name(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if not is_anonymous(text) and (_JUST_YES.match(text) or parse_yes_no(text) == NO):
        return None
    return {"reporter_name": answer_for("reporter_name", text)}


_MY_NAME = re.compile(
    r"^\s*(?:(?:my\s+name(?:'s|\s+is)|i'?m|i\s+am|im|it'?s|its|this\s+is|call\s+me)\s+)?"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*)?)(?:\s+here)?\s*$",
    _I,
)
_NOT_A_NAME = frozenset(
    "yes yeah yep no nope ok okay sure fine anonymous skip her his their the a grandad nan gran grandma aunt auntie "
    "uncle neighbour friend mum dad mother father ring call text phone email safe not never only".split()
)


def name_said(clause: str) -> str | None:
    """Her name, when a short clause is her name ("Pat", "my name is Jean Smith", "it's Dot")."""
    m = _MY_NAME.match(same_length(clause))
    if not m:
        return None
    words = m.group("name").split()
    lower_ok = not any(c.isupper() for c in clause)
    if any(w.lower() in _NOT_A_NAME for w in words) or is_dont_know(clause):
        return None
    if all(is_name_word(w) for w in words) or (lower_ok and all(w.isalpha() for w in words)):
        return clause.strip()[m.start("name"): m.end("name")] if m.start("name") < len(clause.strip()) else None
    return None


def _name_contact(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_anonymous(text):
        said = contact.read_contact(text)
        return {"reporter_name": ANONYMOUS, **({"safe_to_contact": NO} if said.get("safe_to_contact") == NO else {})}
    clauses = [c for c in _CLAUSES.split(text) if c.strip()]
    name = name_said(clauses[0].strip()) if clauses else None
    rest = ", ".join(clauses[1:]) if name else text
    out: Answers = {"reporter_name": name} if name else {}
    out.update(contact.read_contact(rest) if rest.strip() else {})
    if not out:
        return {"reporter_name": UNKNOWN, "safe_to_contact": UNKNOWN} if is_dont_know(text) else None
    out.setdefault("reporter_name", UNKNOWN)  # she answered the rest, and chose not to say her name
    return out


def _contact(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"safe_to_contact": UNKNOWN}
    said = contact.read_contact(text)
    return said or None


def _contact_how(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"contact_method": UNKNOWN}
    said = {k: v for k, v in contact.read_contact(text).items() if k != "safe_to_contact"}
    if "contact_method" not in said and contact.read_contact(text).get("safe_to_contact") == NO:
        return {"safe_to_contact": NO}
    return said if "contact_method" in said else None


def _contact_when(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return {"safe_times": UNKNOWN}
    times = contact.safe_times(text)
    return {"safe_times": times if len(text) > 60 else text.strip()} if times else None


def _parent(text: str, answers: Mapping[str, Any]) -> Answers | None:
    read = _yes_no("parent_aware")(text, answers)
    if read is None:
        if len(text.split()) >= 3 and not _JUST_YES.match(text):
            # "her mum is at work": an answer, though not a yes or no; her words are kept
            return {"parent_aware": UNKNOWN, "parent_aware_words": text.strip()}
        return None
    why = mash.parent_unaware_why(text) if read["parent_aware"] == NO else None
    return {**read, **({"parent_unaware_why": why} if why else {})}


def _parent_reported(text: str, answers: Mapping[str, Any]) -> Answers | None:
    """ "no, she would stop me seeing Ellie, no": the first yes or no is whether the parent knows,
    a later one (or "I told the school") whether anyone reported it before."""
    if is_dont_know(text):
        return {"parent_aware": UNKNOWN, "reported_before": UNKNOWN}
    clauses = [c.strip() for c in _CLAUSES.split(text) if c.strip()]
    if not clauses:
        return None
    out: Answers = dict(_parent(clauses[0], answers) or {})
    at = next((i for i in range(1, len(clauses)) if reported(Message.of(clauses[i]))), None)
    if at is None:
        at = next((i for i in range(len(clauses) - 1, 0, -1) if parse_yes_no(clauses[i]) is not None), None)
    if at is not None:
        out.update(_reported(", ".join(clauses[at:]), answers) or {})
    if out.get("parent_aware") == NO:
        why = ", ".join(clauses[1:at] if at is not None else clauses[1:])
        if len(why.split()) >= 3 and not is_dont_know(why):
            out["parent_unaware_why"] = why
    return out or None


def _language(text: str, answers: Mapping[str, Any]) -> Answers | None:
    if is_dont_know(text):
        return _all_unknown(q.LANGUAGE, answers)
    out: Answers = {}
    language = mash.first_language(text)
    if language:
        out["first_language"] = language
    interpreter = mash.interpreter_needed(text, asked=True)
    if interpreter:
        out["interpreter_needed"] = interpreter
    return out or None


def _free_text(slot: str) -> Callable[[str, Mapping[str, Any]], Answers | None]:
    def read(text: str, answers: Mapping[str, Any]) -> Answers | None:
        if _JUST_YES.match(text):
            return None
        return {slot: UNKNOWN if is_dont_know(text) else text.strip()}

    return read


def _injuries(text: str, answers: Mapping[str, Any]) -> Answers | None:
    read = _free_text("injuries_detail")(text, answers)
    when = mash.when_said(text)
    if read and when and answers.get("concern_when") is None:
        read["concern_when"] = when
    source = mash.source_of(text)
    if read and source and answers.get("source") is None:
        read["source"], read["source_words"] = source, text.strip()
    return read


_READERS: dict[str, Callable[[str, Mapping[str, Any]], Answers | None]] = {
    q.ACCOUNT: _opening_or_account,
    q.WHAT_HAPPENED: _account,
    q.MORE: _more,
    q.MORE_SAID: _more_said,
    q.INJURIES_SOURCE: _injuries,
    q.WHERE_NOW: _free_text("child_where_now"),
    q.NAME_AGE: lambda t, a: _names_ages(t, a, True, True),
    q.NAME: lambda t, a: _names_ages(t, a, True, False),
    q.AGE: lambda t, a: _names_ages(t, a, False, True),
    q.AREA_SCHOOL: lambda t, a: _area_school(t, True, True),
    q.AREA: lambda t, a: _area_school(t, True, False),
    q.SCHOOL: lambda t, a: _area_school(t, False, True),
    q.INJURIES: _injuries,
    q.WHEN_SOURCE: lambda t, a: _when_source(t, a, True, True),
    q.WHEN: lambda t, a: _when_source(t, a, True, False),
    q.SOURCE: lambda t, a: _when_source(t, a, False, True),
    q.POC: lambda t, a: _poc(t),
    q.POC_RELATIONSHIP: lambda t, a: _poc_relationship(t),
    q.HOUSEHOLD: lambda t, a: _household(t, a, False),
    q.HOUSEHOLD_POC: lambda t, a: _household(t, a, True),
    q.POC_LIVES: _yes_no("poc_lives_with_child"),
    q.CHILD_SAID: _free_text("child_said"),
    q.REPORTED: _reported,
    q.REPORTED_TO: _free_text("reported_to"),
    q.RELATIONSHIP: _relationship,
    q.REPORTER_NAME: _reporter_name,
    q.NAME_CONTACT: _name_contact,
    q.CONTACT: _contact,
    q.CONTACT_HOW: _contact_how,
    q.CONTACT_WHEN: _contact_when,
    q.PARENT: _parent,
    q.PARENT_REPORTED: _parent_reported,
    q.LANGUAGE: _language,
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
    q.AREA_SCHOOL: lambda t: bool(child_area(Message.of(t), None) or _SCHOOL_WORDS.search(t)),
    q.AREA: lambda t: bool(child_area(Message.of(t), None)) or any(w[:1].isupper() for w in t.split()[1:]),
    q.SCHOOL: lambda t: bool(_SCHOOL_WORDS.search(t)),
    q.INJURIES: lambda t: bool(_BODY.search(t)),
    q.WHEN_SOURCE: lambda t: bool(mash.when_said(t) or mash.source_of(t)),
    q.WHEN: lambda t: bool(mash.when_said(t)),
    q.SOURCE: lambda t: bool(mash.source_of(t)),
    q.WHERE_NOW: lambda t: bool(_PLACE_NOW.search(t)),
    q.HOUSEHOLD: lambda t: bool(mash.household_members(t)),
    q.HOUSEHOLD_POC: lambda t: bool(mash.household_members(t)),
    q.POC: lambda t: poc_relationship_answer(t) not in (None, "other"),
    q.POC_RELATIONSHIP: lambda t: poc_relationship_answer(t) not in (None, "other"),
    q.RELATIONSHIP: lambda t: reporter_relationship_answer(t) not in (None, "other"),
    q.REPORTER_NAME: lambda t: is_anonymous(t) or bool(re.fullmatch(r"\s*[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?\s*", t)),
    q.CONTACT: lambda t: bool(contact.read_contact(t)),
    q.NAME_CONTACT: lambda t: is_anonymous(t) or bool(name_said(_CLAUSES.split(t)[0]) or contact.read_contact(t)),
    q.CONTACT_HOW: lambda t: contact.contact_method(t) is not None,
    q.CONTACT_WHEN: lambda t: contact.safe_times(t) is not None,
    q.MORE: lambda t: bool(_NOTHING.match(t)),
    q.MORE_SAID: lambda t: bool(_NOTHING.match(t)),
    q.INJURIES_SOURCE: lambda t: bool(_BODY.search(t)),
}
_YES_NO_QUESTIONS = frozenset({q.POC_LIVES, q.REPORTED, q.PARENT, q.PARENT_REPORTED, q.CONFIRM, q.CONTACT})


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
