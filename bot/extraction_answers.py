"""Short answers: yes / no, "don't know", and "I'd rather stay anonymous".

Each test is on the whole answer, not on a word inside it: "I don't know his name, he's the
little boy at number 12" is an answer to keep, not a "don't know".
"""

from __future__ import annotations

import re

from bot.extraction_text import fold
from bot.slots import NO, UNKNOWN, YES

# A "don't know" is short; anything longer carries something worth keeping word for word.
_MAX_SHORT_ANSWER = 200

_DK_CORE = (
    r"(?:(?:i\s+)?(?:really\s+|honestly\s+|just\s+|genuinely\s+)?(?:don'?t|do\s+not|dnt|dont|didn'?t|did\s+not)\s+"
    r"(?:really\s+)?(?:know|remember|recall)"
    r"|dunno|donno|dno|idk|dk|no\s+idea|not\s+sure|unsure|no\s+clue|not\s+a\s+clue|(?:i\s+)?(?:have\s+)?no\s+idea"
    r"|(?:i\s+)?haven'?t\s+(?:got\s+)?(?:a\s+clue|any\s+idea|a\s+scooby)|(?:i\s+)?(?:have\s+)?not\s+got\s+a\s+clue"
    r"|(?:i\s+)?(?:can'?t|cannot|can\s+not|couldn'?t)\s+(?:remember|say|recall|tell\s+you)"
    r"|not\s+(?:certain|known)|unknown|n/?a|who\s+knows|god\s+knows|no\s+comment"
    r"|skip|pass|next(?:\s+question)?|move\s+on"
    r"|(?:i'?d|i\s+would|i'?d\s+much|i\s+would\s+much)?\s*(?:rather|prefer)\s+not\s+(?:to\s+)?(?:say|answer|tell|share)"
    r"|(?:i\s+)?(?:don'?t|do\s+not)\s+want\s+to\s+(?:say|answer|tell\s+you))"
)
_DK_LEAD = (
    r"(?:sorry|um+|erm+|er|hmm+|well|oh|ah|honestly|genuinely|really|tbh|i'?m|im|afraid|to|be|honest|no|ok|okay|"
    r"but|i|actually|i'?ll|please|can|we|you)"
)
_DK_TRAIL = (
    r"(?:sorry|mate|love|really|at|all|afraid|tbh|to|be|honest|honestly|though|exactly|for|sure|certain|"
    r"either|yet|this|that|one|it|his|her|their|the|name|names|school|which|how|old|he|she|they|is|are|"
    r"lives?|where|what|age|address|postcode|i'?m|im|i|am|of|about|any|more|question|anymore|x+|please|"
    r"thanks|ta|now|right|them|him|when|who|happened|was|yes|no|sadly|unfortunately|im|off|hand|top|my|head)"
)
_DONT_KNOW = re.compile(rf"(?:{_DK_LEAD}\s+){{0,4}}{_DK_CORE}(?:\s+{_DK_TRAIL}){{0,8}}")
# An answer that STARTS with "I don't know" / "not sure" and goes on is, to a yes/no question,
# still a don't-know ("I don't know, he might"); not a "no" because of the "don't".
_STARTS_DONT_KNOW = re.compile(
    rf"(?:{_DK_LEAD}\s+){{0,4}}(?:(?:i\s+)?(?:really\s+)?(?:don'?t|do\s+not|dont)\s+(?:really\s+)?know"
    r"|no\s+idea|not\s+sure|unsure|no\s+clue|dunno|idk|(?:i\s+)?(?:can'?t|cannot)\s+(?:remember|say))(?=\s|$)"
)

_MAYBE = re.compile(
    r"(?:maybe|possibly|perhaps|might\s+(?:be|have|do)|could\s+be|not\s+sure|sort\s+of|kind\s+of|kinda|"
    r"sometimes|yes\s+and\s+no|yes\s+or\s+no|hard\s+to\s+say|it\s+depends|depends)(?:\s.*)?",
)
_NO = re.compile(
    r"(?:no+|nope|nah+|na|n|never|nay|negative|nobody|no\s+one|none|nothing|neither|not\s+really|"
    r"not\s+(?:that\s+i\s+(?:know|knew|am\s+aware|remember|saw)|as\s+far\s+as\s+i\s+know|to\s+my\s+knowledge)|"
    r"(?:i\s+)?(?:don'?t|do\s+not|dont)\s+think\s+so|i\s+think\s+not|(?:probably|definitely|certainly|absolutely|"
    r"of\s+course|really)\s+not|not\s+at\s+all|not\s+yet|not\s+any\s*more|not\s+now|not\s+safe|"
    r"(?:that'?s\s+)?(?:wrong|incorrect|not\s+right)|no\s+way)(?=\s|$)"
)
_YES = re.compile(
    r"(?:y+e+s+|y|ye+a+h*|yeh|yah|ya|yep|yup|yip|aye|ay|yas|sure|certainly|definitely|absolutely|"
    r"of\s+course|correct|that'?s\s+(?:right|correct|it)|true|indeed|affirmative|probably|"
    r"i\s+(?:think|believe|reckon|guess)\s+so)(?=\s|$)"
)
# "he does", "she doesn't", "they have", "it isn't", "I can't": an answer made of a pronoun and
# its auxiliary. With do/have/can... it is a yes or no whatever follows ("she has bruises");
# with be it is only when nothing follows ("it is", "he isn't") because "he is 4" is no answer.
_PRONOUN_AUX = re.compile(
    r"(?:i|he|she|they|it|we|you|that|there)\s*"
    r"(?:(?P<strong>\s(?:do|does|did|have|has|had|can|could|will|would|should|might|must)|'?ve|'?d|'?ll)"
    r"|(?P<be>'?s|'?m|'?re|\s(?:is|are|was|were|am)))"
    r"(?P<neg>n'?t|\s+not|\s+never)?(?=\s|$)"
)
_SHORT_NEG = re.compile(r"(?:i|he|she|they|it|we|you|that)\s+(?:won'?t|wont|can'?t|cannot|shan'?t|ain'?t|never)(?=\s|$)")

_THUMBS_UP = frozenset({"\U0001f44d", "\u2705", "\u2714", "\u2714\ufe0f", "\U0001f44c"})
_THUMBS_DOWN = frozenset({"\U0001f44e", "\u274c", "\u2716", "\u2716\ufe0f"})
_EMOJI_SKIN = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f]")


def is_dont_know(text: str) -> bool:
    """True when the whole answer is "don't know", "skip", "rather not say" and the like."""
    if not text or len(text) > _MAX_SHORT_ANSWER:
        return False
    return _DONT_KNOW.fullmatch(fold(text)) is not None


def parse_yes_no(text: str) -> str | None:
    """YES, NO, UNKNOWN (don't know / maybe), or None when the words are not a yes/no answer.

    Choices: "I think so", "probably", "sure" -> YES; "not that I know of", "I don't think so",
    "never", "nobody", "none" -> NO; "maybe", "sometimes", "yes and no" -> UNKNOWN.
    Only the start of the answer decides, so "yes he does, most nights" is YES.
    """
    if not text:
        return None
    emoji = _EMOJI_SKIN.sub("", text.strip())
    if emoji in _THUMBS_UP:
        return YES
    if emoji in _THUMBS_DOWN:
        return NO
    head = fold(text[:_MAX_SHORT_ANSWER])
    if not head:
        return None
    if is_dont_know(text) or _MAYBE.fullmatch(head) or _STARTS_DONT_KNOW.match(head):
        return UNKNOWN
    if _NO.match(head) or _SHORT_NEG.match(head):
        return NO
    if _YES.match(head):
        return YES
    m = _PRONOUN_AUX.match(head)
    if m:
        if m.group("neg"):
            return NO
        if m.group("strong") or m.end() == len(head):
            return YES
    return None


_ANON = re.compile(
    r"\banon(?:ymous(?:ly)?|ymus|omous)?\b|\bno\s+names?\b|\bnameless\b|\bunnamed\b"
    r"|\b(?:don'?t|do\s+not|dont|won'?t|will\s+not|wont|rather\s+not|prefer\s+not\s+to|not\s+going\s+to|not)\s+"
    r"(?:want\s+to\s+|wanna\s+|like\s+to\s+|be\s+)?(?:give|giving|say|saying|share|sharing|tell\s+you|telling\s+you|"
    r"leave|leaving|provide|providing|use|using|put|putting)\s+(?:you\s+)?my\s+(?:real\s+|full\s+|own\s+)?name"
    r"|\b(?:keep|leave)\s+my\s+name\s+(?:out|secret|private|to\s+myself|off)"
    r"|\bwithout\s+(?:giving\s+|saying\s+|sharing\s+)?(?:my\s+)?name"
    r"|\b(?:don'?t|do\s+not|dont)\s+want\s+(?:anyone|anybody|them|him|her|you|people|the\s+family)\s+to\s+know\s+"
    r"(?:who\s+i\s+am|it\s+(?:was|is)\s+me|it'?s\s+me)"
    r"|\b(?:rather\s+not|prefer\s+not\s+to|don'?t\s+want\s+to)\s+be\s+named"
)
_NOT_ANON = re.compile(
    r"\b(?:don'?t|do\s+not|dont|no\s+need\s+to)\s+(?:want\s+to\s+|need\s+to\s+|have\s+to\s+|mind\s+)?"
    r"(?:be|stay|staying|being|remain)\s+anonymous"
    r"|\bnot\s+anonymous|\bhappy\s+to\s+(?:give|share|leave|say)\s+my\s+name"
    r"|\b(?:don'?t|do\s+not|dont)\s+mind\s+(?:giving|sharing|leaving|saying)"
)


def is_anonymous(text: str) -> bool:
    """True when she says she wants to stay anonymous or not give her name."""
    if not text:
        return False
    folded = fold(text[:2000])
    return _ANON.search(folded) is not None and _NOT_ANON.search(folded) is None
