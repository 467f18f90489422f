"""SMS as a reporter's phone sees it: encodings, segments, numbered options and keywords.

Pure functions, no Rasa and no Twilio: ``channels/twilio_sms.py`` calls them.

Why it matters: a basic phone shows each message as it arrives, and a long text costs the
council one charge per segment. GSM-7 fits 160 characters in one segment and 153 per part of a
longer message; one character outside GSM-7 (a curly quote, an emoji, a Polish letter) turns
the whole message into UCS-2, at 70 and 67 per part. We keep every bot message within
``MAX_SEGMENTS`` parts, splitting between sentences, never inside a word if we can help it.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping, Sequence

MAX_SEGMENTS = 3

# 3GPP TS 23.038: the default alphabet, and the extension table (each costs two septets:
# an escape and the character).
GSM7_BASIC = frozenset(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
    "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
    "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|\u20ac\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Typographic punctuation that phones and word processors put in, mapped to plain ASCII.
# Only punctuation: a letter is never changed, so her words stay hers.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
        "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)


class Encoding(str, enum.Enum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


def plain_punctuation(text: str) -> str:
    """Curly quotes, long dashes and the ellipsis as plain ASCII, so a quote of her words
    does not switch the whole message to UCS-2 for the sake of an apostrophe."""
    return text.translate(_TYPOGRAPHIC)


def encoding_of(text: str) -> Encoding:
    return Encoding.GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else Encoding.UCS2


def _units(text: str, encoding: Encoding) -> list[int]:
    """What each character costs: septets in GSM-7, UTF-16 code units in UCS-2."""
    if encoding is Encoding.GSM7:
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segment_count(text: str) -> int:
    """How many SMS segments the text takes (0 for an empty text)."""
    if not text:
        return 0
    encoding = encoding_of(text)
    units = _units(text, encoding)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding is Encoding.GSM7 else (UCS2_SINGLE, UCS2_PART)
    if sum(units) <= single:
        return 1
    # Pack greedily: an escape pair or a surrogate pair is never split between two parts.
    segments, used = 1, 0
    for cost in units:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return segments


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return segment_count(text) <= max_segments


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+|\n+")


def _sentences(text: str) -> list[str]:
    return [s for s in (part.strip() for part in _SENTENCE_END.split(text)) if s]


def _longest_fitting_prefix(text: str, max_segments: int) -> int:
    low, high = 1, len(text)  # a single character always fits
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle], max_segments):
            low = middle
        else:
            high = middle - 1
    return low


def _split_words(sentence: str, max_segments: int) -> list[str]:
    """A sentence too long for one message: between words, or inside a word as a last resort."""
    chunks: list[str] = []
    current = ""
    for word in sentence.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate, max_segments):
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = word
        while not fits(current, max_segments):
            cut = _longest_fitting_prefix(current, max_segments)
            chunks.append(current[:cut])
            current = current[cut:]
    if current:
        chunks.append(current)
    return chunks


def split_message(text: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """One bot message as SMS messages of at most ``max_segments`` segments each.

    Sentences are kept whole and in order; line breaks between sentences are kept when
    the sentences share a message.
    """
    text = text.strip()
    if not text:
        return []
    if fits(text, max_segments):
        return [text]
    messages: list[str] = []
    current = ""
    for sentence in _sentences(text):
        candidate = f"{current} {sentence}" if current else sentence
        if fits(candidate, max_segments):
            current = candidate
            continue
        if current:
            messages.append(current)
        if fits(sentence, max_segments):
            current = sentence
        else:
            *whole, current = _split_words(sentence, max_segments)
            messages.extend(whole)
    if current:
        messages.append(current)
    return messages


# --- numbered options ---------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def options_from_buttons(buttons: Sequence[Mapping[str, object]] | None) -> list[Option]:
    return [
        Option(str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title") or ""))
        for b in (buttons or [])
        if b.get("title") or b.get("payload")
    ]


def options_line(options: Sequence[Option]) -> str:
    """'Reply 1 for Yes, 2 for No, 3 for Don't know.'"""
    if not options:
        return ""
    parts = [f"{i} for {option.title}" for i, option in enumerate(options, start=1)]
    return "Reply " + ", ".join(parts) + "."


def with_options(text: str, options: Sequence[Option]) -> str:
    line = options_line(options)
    return f"{text}\n{line}" if line else text


_YES = frozenset({"yes", "y", "yeah", "yea", "yep", "yup", "ya", "yah", "aye", "yes please", "correct"})
_NO = frozenset({"no", "n", "nope", "nah", "no thanks"})
_DONT_KNOW = frozenset(
    {"don't know", "dont know", "do not know", "dunno", "dk", "idk", "not sure", "unsure", "i don't know", "i dont know"}
)
_EDGE_PUNCTUATION = " \t\r\n.,!?;:'\"()"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", plain_punctuation(text)).casefold()
    return " ".join(text.strip(_EDGE_PUNCTUATION).split())


def match_option(text: str, options: Sequence[Option]) -> Option | None:
    """The option a short reply picks: its number, its title, or a plain yes / no / don't know.

    Anything longer ("yes, he moved in last month") is left to the conversation, which
    reads it whole: mapping it to "Yes" would drop the rest of what she said.
    """
    if not options:
        return None
    said = _fold(text)
    if not said:
        return None
    if said.isdigit():
        number = int(said)
        return options[number - 1] if 1 <= number <= len(options) else None
    for option in options:
        if said == _fold(option.title) or said == _fold(option.payload):
            return option
    for words, starts in ((_YES, "yes"), (_NO, "no"), (_DONT_KNOW, "don't know")):
        if said in words:
            for option in options:
                title = _fold(option.title)
                if title == starts or title.startswith(starts + " ") or title.startswith(starts + ","):
                    return option
            return None
    return None


# --- keywords -----------------------------------------------------------------------------


class Keyword(str, enum.Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    RESTART = "restart"


# The opt-out and opt-in words carriers and Twilio act on (Twilio's "Advanced Opt-Out"
# defaults), so what we record agrees with what Twilio does at its end.
KEYWORDS: dict[str, Keyword] = {
    **{word: Keyword.STOP for word in ("stop", "stopall", "unsubscribe", "cancel", "end", "quit")},
    **{word: Keyword.START for word in ("start", "unstop")},
    **{word: Keyword.HELP for word in ("help", "info")},
    "restart": Keyword.RESTART,
}


# Twilio also opts a number back in on YES, but only one that has opted out: anyone else's
# "yes" is an answer to a question.
OPT_IN_WHEN_OPTED_OUT = frozenset({"yes"})


def keyword_of(text: str, *, opted_out: bool = False) -> Keyword | None:
    """The keyword a message is, if it is one word (any case, stray punctuation ignored).
    ``opted_out``: the sender has sent STOP, so YES opts her back in, as it does at Twilio."""
    said = _fold(text)
    if not said or " " in said:
        return None
    if opted_out and said in OPT_IN_WHEN_OPTED_OUT:
        return Keyword.START
    return KEYWORDS.get(said)


# --- texts the channel sends itself -------------------------------------------------------
# Plain ASCII (tests/bot/test_sms.py checks they are GSM-7 and short): on a shared phone they
# must say nothing about what was reported.

HELP_TEXT = (
    "FamilyVoice passes a worry about a child to the council's child protection team. "
    "Answer each question, or reply SKIP. Reply RESTART to begin a new report, "
    "STOP to end (what you said so far is still passed on). "
    "If a child is in danger right now, call 999."
)
STARTED_AGAIN_TEXT = "You will get replies from FamilyVoice again. Send a message to begin. If a child is in danger right now, call 999."
RESTARTED_TEXT = "OK. Anything you told me so far has been passed on. Send a message to begin a new report."
EMPTY_TEXT = "I did not get any words in that message."
TOO_LONG_TEXT = "That message was too long for me. Please send it again in shorter parts."
PHOTO_KEPT_TEXT = "Thank you, I have kept your photo with your report."
PHOTO_REFUSED_TEXT = "Sorry, I can only keep photos (JPEG, PNG, HEIC or GIF) up to 5 MB each."
PHOTO_FAILED_TEXT = "Sorry, I could not get your photo just now. Please send it again in a minute."
TELL_ME_TEXT = "Please tell me in a message what is worrying you."
TRY_AGAIN_TEXT = (
    "Sorry, something went wrong on our side. Please send your last message again in a minute. "
    "If a child is in danger right now, call 999."
)
CHANNEL_TEXTS = (
    HELP_TEXT, STARTED_AGAIN_TEXT, RESTARTED_TEXT, EMPTY_TEXT, TOO_LONG_TEXT,
    PHOTO_KEPT_TEXT, PHOTO_REFUSED_TEXT, PHOTO_FAILED_TEXT, TELL_ME_TEXT, TRY_AGAIN_TEXT,
)
