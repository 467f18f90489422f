"""Explainable detectors of safeguarding indicators in a reporter's own words.

The scanner half: ``bot.indicators_table`` says which words raise each indicator; this module
reads a message sentence by sentence, applies those rules, and quotes the words that matched. A
match yields a ``Hit`` quoting the reporter's sentence, so a duty officer sees exactly which words
raised a flag. There is no model to second-guess.

A match does not count when:
- it is negated just before ("no bruises", "I haven't seen any injuries", "not drunk");
- a rule's ``unless`` words share its clause (danger_now ignores "he hit her last week");
- a rule's ``needs`` words are missing from its sentence ("nothing happened" is only a
  no_response when social services, the police etc. are mentioned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from bot.indicators_table import (
    ADULT_SPEAKERS,
    CONCERN_TYPES,
    DISCLOSED,
    ENDS_IN_THREAT,
    HARM,
    INDICATORS,
    OWN_OBJECT,
    PARENT,
    PARTNER_ANSWER,
    RULES,
    SPEECH,
    Rule,
)

__all__ = [
    "INDICATORS",
    "CONCERN_TYPES",
    "MAX_EVIDENCE",
    "Hit",
    "find_all",
    "find",
    "danger_now",
    "Advice",
    "advice_for",
    "parents_partner",
    "concern_types",
]

MAX_EVIDENCE = 200


@dataclass(frozen=True)
class Hit:
    indicator: str  # one of INDICATORS
    evidence: str  # the reporter's sentence that matched, verbatim (at most MAX_EVIDENCE chars)


# Negation: a cue, then only "filler" words, then the match ("I haven't seen any bruises").
_NEGATIONS = {"no", "not", "never", "nothing", "none", "nobody", "noone", "without", "nor", "cannot"}
_FILLER = set(
    "any anything a an the some seen see saw noticed notice spotted found sign signs evidence of obvious visible physical "
    "actual real really ever been be being is are was were got get have has had her him them his their that think "
    "believe it it's its he's she's they're hes shes theyre i i've ive i'm im there there's theres or new fresh recent "
    "serious proper personally myself like very too that's thats actually even yet all at on".split()
)
_HARM_NOUN = re.compile(r"(?:bruis|mark|cut|injur|burn|scratch|weapon|knife|knive|drug|drink|alcohol)", re.I)


def _negated(before: str) -> bool:
    words = re.findall(r"[a-z']+|[,;:]", before.lower())[-7:]
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        if w in _NEGATIONS or w.endswith("n't") or w in {"dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "isnt",
                                                         "wasnt", "arent", "werent", "wont", "cant", "couldnt", "aint"}:
            return not (w == "not" and i + 1 < len(words) and words[i + 1] in {"only", "just"})
        if w == "one" and i > 0 and words[i - 1] == "no":
            return True
        if w not in _FILLER and not _HARM_NOUN.match(w):
            return False
    return False


_CLAUSE_BREAK = re.compile(r"[,;:()]|\s[-–]\s|\b(?:and|but|because|cos|coz|so|then|when|while|whilst|though|although)\b", re.I)


def _clause(sentence: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for b in _CLAUSE_BREAK.finditer(sentence):
        if b.end() <= pos:
            start = b.end()
        elif b.start() >= pos:
            end = b.start()
            break
    return start, end


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of sentences (split at . ! ? and line breaks), as they stand in ``text``."""
    for m in re.finditer(r"[^.!?\n]+[.!?]*", text):
        if m[0].strip():
            yield m.start(), m.end()


def _rule_matches(rule: Rule, sentence: str) -> re.Match[str] | None:
    for m in rule.pattern.finditer(sentence):
        c_start, c_end = _clause(sentence, m.start())
        before = sentence[c_start:m.start()]
        if rule.negatable and _negated(before):
            continue
        if rule.needs is not None and not rule.needs.search(sentence):
            continue
        if rule.unless is not None and rule.unless.search(sentence[c_start:max(c_end, m.end())]):
            continue
        if rule.not_after is not None and rule.not_after.search(before):
            continue
        if rule.check is not None and not rule.check(m):
            continue
        return m
    return None


# Disclosure: the child's own words, as the reporter passes them on.
def _disclosure(sentence: str, child_said: bool) -> re.Match[str] | None:
    if child_said:
        speeches: list[tuple[int, str]] = [(0, "")]
    else:
        if (m := DISCLOSED.search(sentence)) and not _negated(sentence[:m.start()]):
            return m
        speeches = [(s.end(), s["who"].lower()) for s in SPEECH.finditer(sentence)
                    if s["who"].lower() not in ADULT_SPEAKERS]
    for start, speaker in speeches:
        for h in HARM.finditer(sentence, start):
            before = sentence[start:h.start()]
            if _negated(before) or (not child_said and ENDS_IN_THREAT.search(before)):
                continue
            # "he said daddy hits him" is about himself; "he said he hit her" may be an adult's account.
            own = OWN_OBJECT.get(speaker, {"him", "her", "me", "us", "them"})
            if child_said or h["obj"].lower() in own or PARENT.fullmatch(h["obj"]):
                return h
    if child_said:
        return next((m for r in RULES["sexual"] if (m := _rule_matches(r, sentence))), None)
    return None


def _scan(text: str, child_said: bool = False) -> Iterator[Hit]:
    norm = re.sub(r"[’‘ʼ`´]", "'", text)  # one character for one: spans still fit ``text``
    for s, e in _sentences(norm):
        sentence = norm[s:e]
        for indicator in INDICATORS:
            if indicator == "disclosure":
                m = _disclosure(sentence, child_said)
            else:
                m = next((m for rule in RULES[indicator] if (m := _rule_matches(rule, sentence))), None)
            if m is not None:
                yield Hit(indicator, _evidence(text, s, e, s + m.start(), s + m.end()))


def _evidence(text: str, s: int, e: int, m_start: int, m_end: int) -> str:
    """The sentence, verbatim; a long one is cut to a window round the match, at word boundaries."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e - s <= MAX_EVIDENCE:
        return text[s:e]
    start = max(s, min(m_start - 60, e - MAX_EVIDENCE))
    end = min(e, max(start + MAX_EVIDENCE, m_end))
    start = max(start, end - MAX_EVIDENCE)  # a long match keeps its end
    if start > s and not text[start - 1].isspace():
        start = text.find(" ", start, m_start) + 1 or start
    if end < e and not text[end].isspace():
        space = text.rfind(" ", m_end, end)
        end = space if space > 0 else end
    return text[start:end].strip()


def find_all(text: str | None, *, child_said: bool = False) -> list[Hit]:
    """Every indicator in every sentence, in the order they appear."""
    return list(_scan_once(text, child_said)) if text else []


@lru_cache(maxsize=256)
def _scan_once(text: str, child_said: bool) -> tuple[Hit, ...]:
    # Sealing a report scans the same texts several times (concern types, then triage's
    # rules), and the form scans each message for danger and partners: each text once.
    return tuple(_scan(text, child_said))


def find(text: str | None, *, child_said: bool = False) -> list[Hit]:
    """All indicators in ``text``: at most one Hit each (the first sentence), in INDICATORS order.

    ``child_said=True`` is for the answer to "Has the child said anything?": there any statement
    of harm ("mummy's boyfriend hurt me") is the child's own disclosure.
    """
    first: dict[str, Hit] = {}
    for hit in find_all(text, child_said=child_said):
        first.setdefault(hit.indicator, hit)
    return [first[i] for i in INDICATORS if i in first]


def danger_now(text: str | None) -> Hit | None:
    return next((h for h in find(text) if h.indicator == "danger_now"), None)


@dataclass(frozen=True)
class Advice:
    """What a reporter must be told in the very reply to a message, before anything else."""

    emergency: bool  # harm now or imminent: the referral is RED + emergency
    responses: tuple[str, ...]  # domain.yml responses to give at once, in order


_NO_ADVICE = Advice(emergency=False, responses=())


def advice_for(text: str | None) -> Advice:
    """The advice a message calls for at once, e.g. the 999 advice for danger right now."""
    if danger_now(text) is not None:
        return Advice(emergency=True, responses=("utter_call_999",))
    return _NO_ADVICE


def parents_partner(answer: str | None) -> Hit | None:
    """Whether the answer to "how is this person related to the child?" names a parent's partner.

    There "boyfriend" or "stepdad" on its own means the mother's or father's partner, whom the
    Panel's "Myth of Invisible Men" (2021) asks services to see; in a free account it need not.
    """
    if not answer:
        return None
    hit = next((h for h in find(answer) if h.indicator == "new_partner"), None)
    if hit is None and (m := PARTNER_ANSWER.search(answer)) and not _negated(answer[:m.start()]):
        hit = Hit("new_partner", answer.strip()[:MAX_EVIDENCE])
    return hit


def concern_types(texts: Iterable[str]) -> list[str]:
    """The referral's concern type codes found in these texts: sorted, each once."""
    return sorted({CONCERN_TYPES[h.indicator] for t in texts for h in find(t) if h.indicator in CONCERN_TYPES})
