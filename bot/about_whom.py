"""Who a message is about: a child, an adult who may be at risk, or the writer as a child.

Everyday British English, as a relative types it: "my grandson", "the kids", "she is 2", "her
son" (someone else's son or daughter is, in a report to a child protection team, most often
the child); "my mum", "the old man next door", "my daughter is 25"; "I'm 13 and my dad hits me".
Used by ``bot.turn_kind`` to check the classifier's "adult at risk" and "a child writing about
themselves". Pure: no Rasa.
"""

from __future__ import annotations

import re

__all__ = ["mentions_child", "names_adult", "speaks_as_child"]

_AGE_WORDS = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen)"
)
_CHILD = re.compile(
    r"\b(?:grand\s?(?:son|daughter|child|children|kids?|babies|baby|boy|girl)s?|grandaughters?"
    r"|gran(?:d)?kids?|nieces?|nephews?|kids?|kiddies|kiddos?|child(?:ren)?|childs|babys?|babies"
    r"|bab(?:y|e)\b|toddlers?|infants?|newborns?|little\s+(?:ones?|lad|lass|boy|girl|man|un)"
    r"|lads?\s+(?:next|over)|teen(?:ager)?s?|schools?|nursery|nurserys|year\s+\d+|pupils?"
    r"|step\s?(?:son|daughter|kids?|children)s?|twins|foster(?:ed|ing)?"
    r"|(?:little|young|small|baby|my|his|her|their|the)\s+(?:boy|girl)s?"
    r"|(?:little|baby|his|her|their)\s+(?:brother|sister)s?)\b"
    rf"|\b(?:is|was|aged?|only|just|turned|nearly|almost|s?he'?s|they'?re)\s+"
    rf"(?:\d{{1,2}}|{_AGE_WORDS})\b(?!\s*(?:am|pm|o'?clock|:|\.\d))"
    r"|\b\d{1,2}\s*(?:yo|y/o|yrs?|years?\s+old|months?|weeks?|wks?)\b",
    re.IGNORECASE,
)
# Someone else's son or daughter: most often the child, unless the one at risk is old ("the
# old man next door is being abused by his son").
_THEIR_CHILD = re.compile(
    r"\b(?:his|her|their|\w+'?s)\s+(?:son|daughter|lad|lass)s?\b", re.IGNORECASE
)
_ELDERLY = re.compile(
    r"\b(?:elderly|pensioners?|dementia|alzheimers?|carers?|care\s+home|nursing\s+home"
    r"|old\s+(?:lady|man|woman|gentleman|couple|people|person|fella))\b",
    re.IGNORECASE,
)
# Ages written as numbers: 18 or over is an adult ("my daughter is 25").
_AGE_NUMBER = re.compile(
    r"\b(?:is|was|aged?|only|just|turned|nearly|almost|s?he'?s|they'?re|i'?m|i\s+am|im)\s+"
    r"(\d{1,3})\b",
    re.IGNORECASE,
)
# "my grown up son", "her adult daughter": a son or daughter who is not a child.
_GROWN_UP = re.compile(
    r"\b(?:grown\s?-?\s?up|adult)\s+(?:sons?|daughters?|children|kids)\b", re.IGNORECASE
)
_SELF_AS_CHILD = re.compile(
    rf"\b(?:i'?m|i\s+am|im)\s+(?:only\s+|just\s+)?(?:\d{{1,2}}|{_AGE_WORDS})\b"
    r"(?!\s*(?:am|pm|mins?|minutes))"
    r"|\b(?:i'?m|i\s+am|im)\s+(?:only\s+)?(?:a\s+)?"
    r"(?:kid|child|teenager|teen|young\s+person|schoolgirl|schoolboy)\b"
    r"|\b(?:hits?|hurts?|beats?|touche[sd]|touch|kicks?|slaps?|punch(?:es)?|scares?|locks?"
    r"|starves?|shouts\s+at|abuses?|hit)\s+me\b"
    r"|\bme\s+and\s+my\s+(?:little\s+)?(?:brother|sister)s?\b",
    re.IGNORECASE,
)
# Children who are not the writer: a relative's account, even when it quotes the child.
_OTHER_CHILD = re.compile(
    r"\b(?:grand\s?(?:son|daughter|child|children|kids?)s?|grandaughters?|gran(?:d)?kids?"
    r"|nieces?|nephews?|(?:my|our)\s+(?:son|daughter|kids?|children|baby|boy|girl|little\s+one)s?"
    r"|the\s+(?:kids|children|baby|little\s+ones?)|(?:he|she)\s+(?:said|told\s+me|says))\b",
    re.IGNORECASE,
)
# Adults who may be at risk themselves.
_ADULT = re.compile(
    r"\b(?:grown\s?-?\s?up|adults?|old\s+boy|learning\s+(?:disabilit\w+|difficult\w+)"
    r"|benefits|pension"
    r"|(?:my|his|her|our)\s+(?:mum|mam|mom|mother|dad|father|wife|husband|sister|brother|friend"
    r"|auntie|aunt|uncle|nan|gran|grandma|grandad|neighbour|neighbor|cousin|girlfriend|partner"
    r"|missus|fiancee))\b",
    re.IGNORECASE,
)


def names_adult(text: str) -> bool:
    """Whether ``text`` names an adult who could be the one at risk ("my mum", "the old man")."""
    if _ADULT.search(text) or _ELDERLY.search(text):
        return True
    return any(int(m[1]) >= 18 for m in _AGE_NUMBER.finditer(text))


def mentions_child(text: str) -> bool:
    """Whether ``text`` is about someone under 18: a word for a child, a school, a child's age."""
    text = _GROWN_UP.sub(" ", text)
    ages = [int(m[1]) for m in _AGE_NUMBER.finditer(text)]
    if ages and all(age >= 18 for age in ages):
        text = _AGE_NUMBER.sub(" ", text)
        # "her son is 22": his age says he is grown up.
        text = re.sub(r"\b(?:sons?|daughters?)\b", " ", text, flags=re.IGNORECASE)
    if _CHILD.search(text):
        return True
    return bool(_THEIR_CHILD.search(text)) and not _ELDERLY.search(text)


def speaks_as_child(text: str) -> bool:
    """Whether the writer speaks as the child ("I'm 13 and my dad hits me"), not about one."""
    if _OTHER_CHILD.search(text):
        return False
    ages = [int(m[1]) for m in _AGE_NUMBER.finditer(text) if m[0].lower().startswith(("i", "im"))]
    if ages and min(ages) >= 18:
        return False
    return bool(_SELF_AS_CHILD.search(text))
