"""Her questions about the service, recognised in her own words, however she writes them.

"Will they know it was me?", "Can I stay anonymous?", "What happens next?" decide whether she
goes on, so they are answered wherever they come: as the whole message, in the middle of a
long one, or in SMS-speak ("will they no its me"). The classifier learns them from examples;
these patterns catch the same questions explainably, so a long message cannot bury one. Only
questions count: "stay anonymous" (the answer to "What is your name?") or "she must not know it
was me" are answers, and are left to the form.

Pure: no Rasa. ``rasa_ext.indicators_first`` calls ``asked``.
"""

from __future__ import annotations

import re

__all__ = ["CONFIDENTIALITY", "ANONYMOUS", "WHAT_NEXT", "INTENTS", "asked"]

CONFIDENTIALITY = "ask_confidentiality"  # "will they know it was me?", "is this confidential?"
ANONYMOUS = "ask_anonymous"  # "can I stay anonymous?", "do I have to give my name?"
WHAT_NEXT = "ask_what_next"  # "what happens next?", "how long will it take?"
INTENTS = (CONFIDENTIALITY, ANONYMOUS, WHAT_NEXT)

def _either(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# A question starts its clause with one of these, once "ok", "but", "sorry"... are dropped.
_AUX = _either(*"will wil would wud wld do does did can could cud may might is are am has have "
               "shall should r wl".split())
_LEAD = re.compile("^(?:" + _either(
    r"ok(?:ay)?", r"um+", r"erm+", "so", "and", "but", "just", "also", r"first(?:ly)?", "please",
    "pls",
    "plz", "sorry", "hi", "hiya", "hello", "thanks", "ta", "well", "oh", "right",
    r"one\s+(?:more\s+)?thing", r"quick\s+question",
    r"before\s+i\s+(?:say|tell\s+you)\s+any(?:thing|more)",
    r"before\s+i\s+go\s+on", r"can\s+i\s+ask(?:\s+you)?",
    r"i\s+(?:want|need|wanted|would\s+like)\s+to\s+(?:know|ask)", r"i\s+was\s+wondering",
    "wondering",
    r"tell\s+me", r"i\s+(?:need|want)\s+to\s+help\s+but", r"i\s+want\s+to\s+tell\s+you\s+but",
) + r"[\s,]+)+")
_CLAUSES = re.compile(r"[.,;:!?\n()]+|\s+(?:but|and\s+then|because|cos|coz|cause|as)\s+")
# Unpunctuated, a question can start mid-clause: "dont tell them it was me will they find out".
_INNER_START = re.compile(
    rf"\s(?={_AUX}\s+(?:they|he|she|you|u|my|the|his|her|i|it|anyone|someone|this)\b)"
)

_WHO = _either(
    "they", "he", "she", r"the\s+(?:family|parents?|mum|dad|mother|father)", r"his\s+\w+",
    r"her\s+\w+",
    r"my\s+\w+(?:\s+in\s+law)?", "anyone", r"any\s*1", "people", "them",
)
_KNOW = _either(
    "know", "no", "kno", "knw", "noe", r"find\s+out", r"finds\s+out", r"found\s+out", r"get\s+told",
    r"be\s+told", "told", "tell", "guess", r"work\s+out", "realise", "realize", "hear", "see",
    r"be\s+informed",
)
_ME = _either(
    r"(?:it\s+(?:was|is|s)\s+|its\s+|that\s+(?:it\s+was\s+|its\s+)?)?" + _either(
        "me", r"my\s+name",
        r"i\s+(?:told|reported|rang|called|phoned|contacted|messaged|texted|said|spoke|made"
        r"|sent|did"
        r"|was|am|have|had|went)",
    ),
    r"who\s+(?:it\s+was|made|reported|rang|called|told|contacted|sent|did)",
    r"what\s+i\s+(?:said|told|say)",
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (ANONYMOUS, re.compile(
        "^" + _either(_AUX, r"is\s+it\s+(?:ok|okay|alright|all\s+right|possible)\s+(?:if|to)",
                      r"am\s+i\s+allowed\s+to", r"any\s+chance") + r"\b.*\b" + _either(
            "anonymous(?:ly)?", "anon", "anonymus", "anonomous", "annonymous", "anonymously",
            "unnamed",
            "nameless",
            r"without\s+(?:giving|saying|leaving|putting|using|telling\s+you)"
            r"\s+(?:my|a|your)\s+name",
            r"(?:not|dont|don't|do\s+not|without)\s+(?:give|say|leave|put|tell\s+you)"
            r"\s+(?:my|a)\s+name",
            r"(?:give|say|leave|put|tell\s+you|share|use)\s+(?:you\s+)?(?:my|a|your)"
            r"\s+(?:real\s+)?name",
            r"say\s+who\s+i\s+am", r"tell\s+you\s+who\s+i\s+am", r"(?:my\s+)?name\s+on\s+it",
            r"know\s+my\s+name",
        ) + r"\b"
    )),
    (CONFIDENTIALITY, re.compile(_either(
        rf"^{_AUX}\b.*\b" + _either(
            "confidential", "confidentially", "private", "privately", "secret",
            r"between\s+(?:us|you\s+and\s+me)", r"kept\s+quiet", r"off\s+the\s+record",
        ) + r"\b",
        rf"^{_AUX}\s+" + _either(_WHO, "you", "u", r"the\s+team", r"social\s+services",
        r"the\s+social")
        + rf"\b.*\b{_KNOW}\b.*\b{_ME}\b",
        rf"^(?:will|wil|would|wud|might|could)\s+{_WHO}\s+(?:ever\s+)?"
        r"(?:find\s+out|know|kno|no|guess|work\s+it\s+out)(?:\s+(?:tho|though|then))?$",
        rf"^{_AUX}\s+(?:my|the\s+reporters?)\s+name\s+be\s+"
        r"(?:given|passed|shared|told|said|used|shown)",
        r"^(?:who|wh?o)\s+" + _either(
            "reads", r"will\s+read", "sees", r"will\s+see", r"gets\s+to\s+(?:see|read)",
            r"can\s+(?:see|read)",
            r"else\s+(?:sees|reads|will\s+see)",
        ) + r"\b",
        r"^(?:will|would|do|does)\s+(?:you|u|they|the\s+team)\s+"
        r"(?:tell|inform|say\s+(?:it\s+)?to)\s+"
        r"(?:his|her|their|the)\s+"
        r"(?:mum|mam|dad|parents?|mother|father|family|stepdad|step\s+dad|boyfriend|partner)\b",
        r"^(?:do|does|will|would)\s+(?:you|they|u|the\s+team|social\s+services)\s+"
        r"(?:tell|say\s+to|inform)"
        rf"\s+{_WHO}?\s*(?:who|its|it\s+was|that\s+it\s+was)\b",
    ))),
    (WHAT_NEXT, re.compile(_either(
        r"^(?:wh?at|wat|wot|whats|wats)\s+" + _either(
            "happens", r"will\s+happen", r"would\s+happen", "happen", r"is\s+next", r"s\s+next",
            "next", "now",
            r"will\s+(?:you|they|u)\s+do", r"are\s+(?:you|they)\s+going\s+to\s+do", r"goes\s+on",
        ) + r"\b",
        r"^how\s+(?:long|soon|quick(?:ly)?)\s+"
        r"(?:does|will|do|would|till|til|until|before|b4|is|for)\b",
        r"^when\s+(?:will|would|do|does|is|are)\s+"
        r"(?:someone|somebody|anyone|anybody|they|you|a\s+social\s+worker)\b",
        r"^(?:will|would|is)\s+" + _either(
            "someone", "somebody", "anyone", "anybody", r"a\s+social\s+worker", "they",
            r"the\s+team",
            r"social\s+services",
        ) + r"\s+" + _either(
            "go", "come", "visit", r"get\s+back", "call", "ring", "phone", "contact",
            r"be\s+in\s+touch",
            r"do\s+something", r"do\s+anything", "look", "check",
            r"see\s+(?:them|him|her|the\s+kids?|the\s+children)", r"going\s+to",
        ) + r"\b",
        r"^(?:will|would)\s+i\s+(?:hear|be\s+told|find\s+out|get\s+told|know\s+what)\b",
    ))),
)


def _normalise(text: str) -> str:
    text = re.sub(r"[’‘ʼ`´]", "'", text.lower())
    text = re.sub(r"\b(\w+)'(s|t|ll|re|ve|d|m)\b", r"\1\2", text)  # "it's" and "its" read alike
    return re.sub(r"[ \t]+", " ", text)


def _clauses(text: str) -> list[str]:
    """Each clause, with its lead-in words ("ok", "but", "sorry", "can I ask"...) dropped."""
    found: list[str] = []
    position = 0
    for cut in [*_CLAUSES.finditer(text), None]:
        end = cut.start() if cut else len(text)
        clause = _LEAD.sub("", text[position:end].strip())
        if clause:
            found.append(clause)
        position = cut.end() if cut else end
    return found


def asked(text: str | None) -> str | None:
    """The intent of the first question about the service she asks in ``text``, if any."""
    if not text:
        return None
    for clause in _clauses(_normalise(text)):
        starts = [0, *(m.end() for m in _INNER_START.finditer(clause))]
        for start in starts:
            for intent, pattern in _PATTERNS:
                if pattern.search(clause[start:]):
                    return intent
    return None
