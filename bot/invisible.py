"""Characters nobody sees that change what everybody reads.

Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE, the isolates U+2066-2069, the marks
U+200E/U+200F...) reorder the text around them on screen, so "bruises on his arm" can show as
something else to a duty officer; invisible characters (zero-width spaces, word joiners, tag
characters, interlinear annotations) hide or split words. None of them is anything a reporter
meant to say, so they are removed before a message is stored or shown (bot/inbound.py), and
the referral says how many were removed (bot/transcript.py). The console shows any that still
reach it (an older referral) as a visible ``[U+202E]`` instead (:func:`make_visible`).

Kept on purpose: newline and tab; zero-width joiner and non-joiner (U+200C/D), which Urdu,
Persian and emoji need and which cannot reorder anything; variation selectors; and a flag's tag
sequence (the black flag, tag letters, CANCEL TAG: the flags of England, Scotland and Wales).
"""

from __future__ import annotations

import re

# Message metadata set by the channels: how many were removed from that message.
REMOVED_KEY = "familyvoice_removed_characters"

_REMOVED = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters but tab and newline (CR: line ends)
    "\u061c"  # ARABIC LETTER MARK
    "\u180e"  # MONGOLIAN VOWEL SEPARATOR
    "\u200b\u200e\u200f"  # zero-width space, left-to-right and right-to-left marks
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # embeddings and overrides
    "\u2060-\u2064"  # word joiner and the invisible operators
    "\u2066-\u2069"  # isolates
    "\u206a-\u206f"  # deprecated format characters
    "\ufeff"  # zero-width no-break space (byte order mark)
    "\ufff9-\ufffb"  # interlinear annotation
    "\U0001d173-\U0001d17a"  # musical formatting
    "\U000e0000-\U000e007f"  # tag characters
)
_INVISIBLE = re.compile(f"[{_REMOVED}]")
# A flag written as an emoji tag sequence keeps its tags.
_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def remove(text: str) -> tuple[str, int]:
    """The text without invisible and bidirectional controls, and how many were removed
    (a carriage return is a line ending, not counted)."""
    parts, removed, start = [], 0, 0
    for flag in [*_FLAG.finditer(text), None]:
        end = flag.start() if flag else len(text)
        piece = text[start:end]
        kept = _INVISIBLE.sub("", piece)
        removed += len(piece) - len(kept) - piece.count("\r")
        parts.append(kept)
        if flag:
            parts.append(flag.group(0))
            start = flag.end()
    return "".join(parts), removed


def removed_note(count: int) -> str:
    """What the transcript says where characters were removed from her message."""
    noun = "character" if count == 1 else "characters"
    return f"[{count} invisible formatting {noun} removed]"


def make_visible(value: object) -> object:
    """For display: every such character as ``[U+XXXX]``, so none can act on what is around it.
    Anything but a string is returned as it is (a Markup string stays Markup)."""
    if not isinstance(value, str) or not _INVISIBLE.search(value):
        return value
    flags = {m.span() for m in _FLAG.finditer(value)}
    out, index = [], 0
    for start, end in sorted(flags):
        out.append(_show(value[index:start]))
        out.append(value[start:end])
        index = end
    out.append(_show(value[index:]))
    return type(value)("".join(out))


def _show(text: str) -> str:
    return _INVISIBLE.sub(
        lambda m: "" if m.group(0) == "\r" else f"[U+{ord(m.group(0)):04X}]", text
    )
