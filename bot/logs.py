"""Logs for every FamilyVoice process: JSON lines with ids, never what anyone said.

One call, :func:`configure`, at the start of each process (Rasa and the action server through
rasa_ext/, the sweeper, the CLI). It routes every logger, Rasa's and Sanic's included, through
one formatter, at INFO or above: Rasa writes message text and slot values at DEBUG, so DEBUG
is never switched on here.

A log line may carry references, ratings, rule ids and counts, and conversations only as a
*tag*: a keyed hash of the conversation id (:func:`conversation_tag`). A web chat id is a bearer
credential (whoever has it can carry on her conversation, add to her report or set her PIN), so
the id itself is never written: the value of any key naming a conversation (``conversation``,
``sender_id``...) and anything shaped like one of our conversation ids in any string, Rasa's
own messages and tracebacks included, becomes its tag. The tag's key is derived from the intake
secret, so the same conversation has the same tag in every intake process (Rasa, actions,
sweeper) and an operator can follow it, but nobody can test a guessed id against a log; a
process without the intake secret (the console) uses a random key of its own.

Before a line is written, :func:`redact`:
- replaces conversation ids with their tags, as above;
- replaces the value of any key that carries text (``text``, ``slot_values``, ``rasa_event``...,
  Rasa's own list of such keys plus ours) with ``[redacted]``, however deeply nested;
- masks anything shaped like a phone number, an e-mail address or a full UK postcode in every
  other string, tracebacks included, in case a library puts one in a message.
Names and free text have no shape to mask: the rule for our code is never to log them, and
tests/e2e/test_at_rest.py checks every log file after a conversation full of canaries.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sys
from typing import Any, MutableMapping, TextIO

import structlog

from bot.config import settings

REDACTED = "[redacted]"
LOG_LEVEL_ENV = "FAMILYVOICE_LOG_LEVEL"

# Rasa's list of keys that carry conversation content (rasa/utils/log_utils.py, _anonymizer),
# then ours and the SMS channel's.
TEXT_KEYS = frozenset(
    {
        "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
        "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
        "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
        "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
        "json_message",
        "answers", "slots", "events", "transcript", "body", "name", "value", "values", "description",
        "address", "phone", "phone_number", "from", "to", "from_number", "to_number", "contact", "email",
        "metadata", "tracker", "latest_message", "parse_data",
    }
)  # fmt: skip

# Nine or more digits, optionally grouped by single spaces, dashes or brackets (UK numbers have
# 10-11, with +44 12), not part of a longer token such as a version, an IP address or a time.
_PHONE = re.compile(r"(?<![\w.:/])(?:\+|00)?\(?\d(?:[ \-()]{0,2}\d){8,14}(?![\w.:/])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


# Keys whose value is a conversation id (Rasa's, ours, the SMS channel's).
CONVERSATION_KEYS = frozenset(
    {"conversation", "conversation_id", "sender_id", "sender", "recipient_id"}
)
# Our conversation ids, wherever they appear in a string: the web chat's (the prefix and the
# widget's id, bot/inbound.py's sender characters) and the SMS channel's (a keyed hash).
_CONVERSATION_ID = re.compile(
    r"(?<![\w-])(?:webchat-[A-Za-z0-9_.:@+\-]{1,128}|sms-[0-9a-f]{64})(?![\w-])"
)
TAG_PREFIX = "conv:"

_tag_key: bytes = secrets.token_bytes(32)


def use_tag_key(intake_secret: bytes | None) -> None:
    """Derive the tag key from the intake secret (same tags in every intake process), or, with
    None, use a random one (tags then only hold within this process)."""
    global _tag_key
    if intake_secret is None:
        _tag_key = secrets.token_bytes(32)
    else:
        _tag_key = hmac.new(
            intake_secret, b"familyvoice/logs/conversation-tag/v1", hashlib.sha256
        ).digest()


def conversation_tag(conversation_id: str) -> str:
    """What a log line says instead of a conversation id: it cannot be turned back into the id,
    nor tested against a guess without the intake secret."""
    digest = hmac.new(
        _tag_key, conversation_id.encode("utf-8", "replace"), hashlib.sha256
    ).hexdigest()
    return TAG_PREFIX + digest[:16]


def _tag_all(text: str) -> str:
    return _CONVERSATION_ID.sub(lambda match: conversation_tag(match.group(0)), text)


def scrub(text: str) -> str:
    """Replace conversation ids by their tags; mask phone numbers, e-mail addresses and full UK
    postcodes in a string."""
    text = _tag_all(text)
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    return _POSTCODE.sub("[postcode]", text)


def _clean(key: str, value: Any) -> Any:
    if key.lower() in TEXT_KEYS and value not in (None, "", [], {}):
        return REDACTED
    if (
        key.lower() in CONVERSATION_KEYS
        and isinstance(value, str)
        and value
        and not value.startswith(TAG_PREFIX)
    ):
        return conversation_tag(value)
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _clean(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_clean("", v) for v in value]
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return scrub(repr(value))


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: see the module docstring. The ``event`` (the message) is masked,
    never dropped: it is what says what happened."""
    for key in list(event_dict):
        if key == "event":
            event_dict[key] = scrub(str(event_dict[key]))
        else:
            event_dict[key] = _clean(key, event_dict[key])
    return event_dict


def _level(requested: str | int | None) -> int:
    value = requested if requested is not None else os.environ.get(LOG_LEVEL_ENV, "INFO")
    number = value if isinstance(value, int) else logging.getLevelName(str(value).upper())
    if not isinstance(number, int):
        number = logging.INFO
    return max(logging.INFO, number)  # DEBUG would let Rasa write what she said


def _intake_secret() -> bytes | None:
    try:
        secret = bytes.fromhex(settings().intake_secret_path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return secret or None


def configure(process: str, *, level: str | int | None = None, stream: TextIO | None = None) -> None:
    """Send every log record of this process, as redacted JSON lines, to ``stream`` (stderr:
    the launcher writes each process's output to var/log/<process>-<port>.log)."""
    threshold = _level(level)
    use_tag_key(_intake_secret())

    def add_process(_l: Any, _m: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event_dict["process"] = process
        return event_dict

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
        add_process,
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            # Real characters, not \\u escapes: what is in the file is what a search finds.
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    # On the handler too: a record from a logger someone set to DEBUG still passes root's
    # handlers whatever root's own level is.
    handler.setLevel(threshold)

    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(threshold)
    # Libraries that set their own level or handlers (Rasa sets "rasa" from LOG_LEVEL; Sanic
    # and rasa_sdk stop propagation) come through the same formatter at the same floor.
    for name, existing in list(logging.root.manager.loggerDict.items()):
        if isinstance(existing, logging.Logger):
            for old in list(existing.handlers):
                existing.removeHandler(old)
            existing.propagate = True
            if existing.level != logging.NOTSET and existing.level < threshold:
                existing.setLevel(threshold)
    # Access logs: Sanic's carry no message (only "extra" fields), aiohttp's carry the query
    # string, where a search term (a child's name) could be. Neither is worth that risk.
    for access in ("sanic.access", "aiohttp.access"):
        logging.getLogger(access).setLevel(max(threshold, logging.WARNING))
    logging.captureWarnings(True)

    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
