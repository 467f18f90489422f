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

# A question starts its clause with one of these, once "ok", "but", "sorry"... are dropped.
_AUX = r"(?:will|wil|would|wud|wld|do|does|did|can|could|cud|may|might|is|are|am|has|have|shall|should|r|wl)"
_LEAD = re.compile(
    r"^(?:(?:ok(?:ay)?|um+|erm+|so|and|but|just|also|first(?:ly)?|please|pls|plz|sorry|hi|hiya|hello|thanks|ta"
    r"|well|oh|right|one\s+(?:more\s+)?thing|quick\s+question|before\s+i\s+(?:say|tell\s+you)\s+any(?:thing|more)"
    r"|before\s+i\s+go\s+on|can\s+i\s+ask(?:\s+you)?|i\s+(?:want|need|wanted|would\s+like)\s+to\s+(?:know|ask)"
    r"|i\s+was\s+wondering|wondering|tell\s+me|i\s+(?:need|want)\s+to\s+help\s+but|i\s+want\s+to\s+tell\s+you\s+but)"
    r"[\s,]+)+"
)
_CLAUSES = re.compile(r"[.,;:!?\n()]+|\s+(?:but|and\s+then|because|cos|coz|cause|as)\s+")
# Unpunctuated, a question can start mid-clause: "please dont tell them it was me will they find out".
_INNER_START = re.compile(rf"\s(?={_AUX}\s+(?:they|he|she|you|u|my|the|his|her|i|it|anyone|someone|this)\b)")

_WHO = r"(?:they|he|she|the\s+(?:family|parents?|mum|dad|mother|father)|his\s+\w+|her\s+\w+|my\s+\w+(?:\s+in\s+law)?|anyone|any\s*1|people|them)"
_KNOW = r"(?:know|no|kno|knw|noe|find\s+out|finds\s+out|found\s+out|get\s+told|be\s+told|told|tell|guess|work\s+out|realise|realize|hear|see|be\s+informed)"
_ME = r"(?:(?:it\s+(?:was|is|s)\s+|its\s+|that\s+(?:it\s+was\s+|its\s+)?)?(?:me|my\s+name|i\s+(?:told|reported|rang|called|phoned|contacted|messaged|texted|said|spoke|made|sent|did|was|am|have|had|went))|who\s+(?:it\s+was|made|reported|rang|called|told|contacted|sent|did)|what\s+i\s+(?:said|told|say))"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (ANONYMOUS, re.compile(
        rf"^(?:{_AUX}|is\s+it\s+(?:ok|okay|alright|all\s+right|possible)\s+(?:if|to)|am\s+i\s+allowed\s+to|any\s+chance)\b"
        r".*\b(?:anonymous(?:ly)?|anon|anonymus|anonomous|annonymous|anonymously|unnamed|nameless"
        r"|without\s+(?:giving|saying|leaving|putting|using|telling\s+you)\s+(?:my|a|your)\s+name"
        r"|(?:not|dont|don't|do\s+not|without)\s+(?:give|say|leave|put|tell\s+you)\s+(?:my|a)\s+name"
        r"|(?:give|say|leave|put|tell\s+you|share|use)\s+(?:you\s+)?(?:my|a|your)\s+(?:real\s+)?name"
        r"|say\s+who\s+i\s+am|tell\s+you\s+who\s+i\s+am|(?:my\s+)?name\s+on\s+it|know\s+my\s+name)\b"
    )),
    (CONFIDENTIALITY, re.compile(
        rf"^(?:{_AUX})\b.*\b(?:confidential|confidentially|private|privately|secret|between\s+(?:us|you\s+and\s+me)"
        r"|kept\s+quiet|off\s+the\s+record)\b"
        rf"|^(?:{_AUX})\s+(?:{_WHO}|you|u|the\s+team|social\s+services|the\s+social|they)\b.*\b{_KNOW}\b.*\b{_ME}\b"
        rf"|^(?:will|wil|would|wud|might|could)\s+(?:{_WHO})\s+(?:ever\s+)?(?:find\s+out|know|kno|no|guess|work\s+it\s+out)(?:\s+(?:tho|though|then))?$"
        rf"|^(?:{_AUX})\s+(?:my|the\s+reporters?)\s+name\s+be\s+(?:given|passed|shared|told|said|used|shown)"
        r"|^(?:who|wh?o)\s+(?:reads|will\s+read|sees|will\s+see|gets\s+to\s+(?:see|read)|can\s+(?:see|read)|else\s+(?:sees|reads|will\s+see))\b"
        r"|^(?:will|would|do|does)\s+(?:you|u|they|the\s+team)\s+(?:tell|inform|say\s+(?:it\s+)?to)\s+(?:his|her|their|the)"
        r"\s+(?:mum|mam|dad|parents?|mother|father|family|stepdad|step\s+dad|boyfriend|partner)\b"
        rf"|^(?:do|does|will|would)\s+(?:you|they|u|the\s+team|social\s+services)\s+(?:tell|say\s+to|inform)\s+(?:{_WHO})?\s*(?:who|its|it\s+was|that\s+it\s+was)\b"
    )),
    (WHAT_NEXT, re.compile(
        r"^(?:wh?at|wat|wot|whats|wats)\s+(?:happens|will\s+happen|would\s+happen|happen|is\s+next|s\s+next|next|now"
        r"|will\s+(?:you|they|u)\s+do|are\s+(?:you|they)\s+going\s+to\s+do|goes\s+on)\b"
        r"|^how\s+(?:long|soon|quick(?:ly)?)\s+(?:does|will|do|would|till|til|until|before|b4|is|for)\b"
        r"|^when\s+(?:will|would|do|does|is|are)\s+(?:someone|somebody|anyone|anybody|they|you|a\s+social\s+worker)\b"
        r"|^(?:will|would|is)\s+(?:someone|somebody|anyone|anybody|a\s+social\s+worker|they|the\s+team|social\s+services)"
        r"\s+(?:go|come|visit|get\s+back|call|ring|phone|contact|be\s+in\s+touch|do\s+something|do\s+anything|look|check"
        r"|see\s+(?:them|him|her|the\s+kids?|the\s+children)|going\s+to)\b"
        r"|^(?:will|would)\s+i\s+(?:hear|be\s+told|find\s+out|get\s+told|know\s+what)\b"
    )),
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
