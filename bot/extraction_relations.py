"""Who someone is to the child, from the answer to a question about it: the category the console
sorts by, always kept beside her own words.

"her nan on her dad's side" is a grandparent, and the words say which side; "my daughter, his
mum" is the child's mother; "mums boyfreind" is the mother's partner. Categories are read from
the words she used, never guessed: words we cannot place are "other", and her words stay.
"""

from __future__ import annotations

import re

from bot.extraction_answers import is_dont_know
from bot.extraction_text import same_length

_I = re.IGNORECASE
_MUM = r"(?:mum|mam|mom|mummy|mother|ma)"
_DAD = r"(?:dad|daddy|father|da)"
_HIS_PARTNER = (
    r"(?:boy\s?fri?e?i?nd|boyfreind|bf|partner|fella|feller|bloke|man|husband|other\s+half|hubby"
    r"|fianc[eé])"
)
_HER_PARTNER = (
    r"(?:girl\s?fri?e?i?nd|girlfreind|gf|partner|wife|missus|woman|other\s+half|fianc[eé]e)"
)

# How she knows the child. Most specific first: "great aunt" before "aunt".
_REPORTER = (
    (
        "grandparent",
        r"\bgreat[ -]?(?:gran|nan|grand)\w*"
        r"|\b(?:nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad"
        r"|granddad|grandpa|grandfather|grandparents?|gramps|grandmum)\b",
    ),
    ("aunt or uncle", r"\b(?:great[ -]?)?(?:aunt|auntie|aunty|uncle)\b"),
    ("godparent", r"\bgod(?:mother|father|parent|mum|dad)\b"),
    ("neighbour", r"\bneighbou?rs?\b|\bnext\s+door\b"),
    ("family friend", r"\bfamily\s+friend\b|\bfriend\b"),
    ("sibling", r"\b(?:big\s+|older\s+)?(?:brother|sister)\b"),
    ("cousin", r"\bcousin\b"),
    ("step-grandparent or other family", r"\bstep[ -]?(?:nan|gran|grand\w*)\b"),
)
_REPORTER_RES = tuple((label, re.compile(pattern, _I)) for label, pattern in _REPORTER)


def _first_label(table: tuple[tuple[str, re.Pattern[str]], ...], words: str) -> str | None:
    return next((label for label, rx in table if rx.search(words)), None)


def reporter_relationship_answer(text: str) -> str | None:
    """The category for her answer to "How do you know the child?"; None for "don't know"."""
    if not text or is_dont_know(text):
        return None
    return _first_label(_REPORTER_RES, same_length(text)) or "other"


# Who the person of concern is to the child. Most specific first.
_POC = (
    (
        "mother's partner",
        rf"\b{_MUM}'?s?\s+(?:new\s+)?{_HIS_PARTNER}\b|\b{_HIS_PARTNER}\s+of\s+(?:the|his|her)\s+{_MUM}\b",
    ),
    ("father's partner", rf"\b{_DAD}'?s?\s+(?:new\s+)?{_HER_PARTNER}\b"),
    ("stepfather", r"\bstep[ -]?(?:dad|daddy|father)\b"),
    ("stepmother", r"\bstep[ -]?(?:mum|mummy|mam|mom|mother)\b"),
    ("mother", rf"\b{_MUM}\b(?!'|s\b)"),
    ("father", rf"\b{_DAD}\b(?!'|s\b)"),
    ("grandfather", r"\b(?:grandad|granddad|grandpa|grandfather)\b"),
    ("grandmother", r"\b(?:nan|nana|gran|granny|grandma|grandmother)\b"),
    ("uncle", r"\buncle\b"),
    ("aunt", r"\b(?:aunt|auntie|aunty)\b"),
    ("brother", r"\b(?:half[ -]|step[ -]?)?brother\b"),
    ("sister", r"\b(?:half[ -]|step[ -]?)?sister\b"),
    ("cousin", r"\bcousin\b"),
    ("babysitter", r"\bbaby[ -]?sitter\b"),
    ("childminder", r"\bchild[ -]?minder\b"),
    ("parent's partner", rf"\b{_HIS_PARTNER}\b|\b{_HER_PARTNER}\b"),
    ("neighbour", r"\bneighbou?r\b"),
    ("family friend", r"\bfamily\s+friend\b"),
)
_POC_RES = tuple((label, re.compile(pattern, _I)) for label, pattern in _POC)


def poc_relationship_answer(text: str) -> str | None:
    """The category for her answer to "Who is that person to the child?"; None for "don't know".

    When her answer names two roles ("my daughter, his mum"), the one said as the child's wins.
    """
    if not text or is_dont_know(text):
        return None
    norm = same_length(text)
    childs = re.search(
        r"\b(?:his|her|their|the\s+(?:child|kids?|children)'?s?)\s+(?P<rest>[\w' -]+)", norm, _I
    )
    for words in ([childs.group("rest")] if childs else []) + [norm]:
        label = _first_label(_POC_RES, words)
        if label:
            return label
    return "other"
