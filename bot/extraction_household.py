"""Whether the person of concern lives with the child: "he moved in", "he only visits".

Its own module because the hard part is whose home is meant: her own, the child's ("my grandson
lives there"), or the person's. Narrow like every finder (see ``bot.extraction_facts``).
"""

from __future__ import annotations

import re

from bot.extraction_people import CHILD_WORD
from bot.extraction_text import Message, keyed, keyed_matches, nearest_person
from bot.slots import NO, YES

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
