"""Whether she has seen injuries on the child: "he had bruises", "I haven't seen any marks".

Its own module because injury words also name other things ("good marks at school") and other
people's injuries or threats ("he'd give her a black eye"): those must not count as seen.
"""

from __future__ import annotations

import re

from bot.extraction_text import Message, keyed, keyed_matches
from bot.slots import NO, YES

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
