"""Logs for every FamilyVoice process: JSON lines with ids, never what anyone said.

One call, :func:`configure`, at the start of each process (Rasa and the action server through
rasa_ext/, the sweeper, the CLI). It routes every logger, Rasa's and Sanic's included, through
one formatter, at INFO or above: Rasa writes message text and slot values at DEBUG, so DEBUG
is never switched on here.

A log line may carry conversation ids (ours are random or a keyed hash, never a phone number),
references, ratings, rule ids and counts. Before a line is written, :func:`redact`:
- replaces the value of any key that carries text (``text``, ``slot_values``, ``rasa_event``...,
  Rasa's own list of such keys plus ours) with ``[redacted]``, however deeply nested;
- masks anything shaped like a phone number, an e-mail address or a full UK postcode in every
  other string, tracebacks included, in case a library puts one in a message.
Names and free text have no shape to mask: the rule for our code is never to log them, and
tests/e2e/test_at_rest.py checks every log file after a conversation full of canaries.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from typing import Any, MutableMapping, TextIO

import structlog

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


def scrub(text: str) -> str:
    """Mask phone numbers, e-mail addresses and full UK postcodes in a string."""
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    return _POSTCODE.sub("[postcode]", text)


def _clean(key: str, value: Any) -> Any:
    if key.lower() in TEXT_KEYS and value not in (None, "", [], {}):
        return REDACTED
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


def configure(process: str, *, level: str | int | None = None, stream: TextIO | None = None) -> None:
    """Send every log record of this process, as redacted JSON lines, to ``stream`` (stderr:
    the launcher writes each process's output to var/log/<process>-<port>.log)."""
    threshold = _level(level)

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
