"""Checking what arrives from the outside before it reaches the dialogue.

Every rejection carries a status and a plain-English reason, so a client can show it and
keep what the reporter typed. Nothing here logs message text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from bot import invisible

MAX_BODY_BYTES = 64 * 1024
# Long enough for a detailed account typed in one go; longer pastes are asked to be split
# rather than cut, because cutting would silently drop the reporter's words.
MAX_MESSAGE_CHARS = 5000
MAX_SENDER_CHARS = 128
TOO_LONG = (
    f"The message is too long. Please send it in parts of up to {MAX_MESSAGE_CHARS} characters."
)

_SENDER = re.compile(r"^[A-Za-z0-9_.:@+\-]{1,128}$")


class InputError(ValueError):
    """A request we refuse, with the HTTP status to answer and a reason safe to show."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


REMOVED_KEY = invisible.REMOVED_KEY  # message metadata: the transcript says how many


@dataclass(frozen=True)
class ChatMessage:
    sender: str
    text: str
    removed: int = 0  # invisible or bidirectional control characters taken out


def cleaned(text: str) -> tuple[str, int]:
    """NFC, without invisible and bidirectional controls (bot/invisible.py), trimmed; and how
    many such characters were removed. Every visible character is kept."""
    kept, removed = invisible.remove(unicodedata.normalize("NFC", text))
    return kept.strip(), removed


def clean_text(text: str) -> str:
    return cleaned(text)[0]


def without_commands(text: str) -> str:
    """Rasa reads a message starting with "/" as a command ("/restart" resets the dialogue),
    which no reporter means: keep the words, drop every leading slash, however many layers
    ("/ /restart", "// /restart") there are."""
    while True:
        stripped = text.lstrip("/").strip()
        if stripped == text:
            return text
        text = stripped


def parse_webchat_body(body: bytes) -> ChatMessage:
    """Turn a web chat POST body into a message, or raise InputError."""
    if len(body) > MAX_BODY_BYTES:
        raise InputError(413, TOO_LONG)
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(400, "The request is not valid UTF-8 text.") from None
    try:
        data = json.loads(decoded)
    except ValueError:
        raise InputError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InputError(400, 'Expected a JSON object: {"sender": "...", "message": "..."}.')
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not _SENDER.match(sender):
        raise InputError(400, "'sender' must be 1 to 128 letters, digits or the characters _ . : @ + -.")
    if not isinstance(message, str):
        raise InputError(400, "'message' must be a string.")
    text, removed = cleaned(message)
    text = without_commands(text)
    if not text:
        raise InputError(400, "The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InputError(413, TOO_LONG)
    return ChatMessage(sender=sender, text=text, removed=removed)
