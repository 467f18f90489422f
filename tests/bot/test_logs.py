"""Logs: JSON lines with ids and references, never what anyone said."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from bot import logs


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Configure logging into a buffer, as a process would, and put things back afterwards."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_structlog = structlog.get_config()
    others = {
        name: (list(lg.handlers), lg.propagate, lg.level)
        for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger)
    }
    logs.configure("test", stream=stream)
    yield stream
    for name, (handlers, propagate, level) in others.items():
        lg = logging.getLogger(name)
        lg.handlers[:], lg.propagate = handlers, propagate
        lg.setLevel(level)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)
    logging.captureWarnings(False)
    structlog.configure(**saved_structlog)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_our_events_are_json_with_ids_and_references(captured):
    structlog.get_logger("actions.submit").info("referral.queued", conversation="webchat-abc", reference="FV-7K3M-Q9XD")
    [line] = lines(captured)
    assert line["event"] == "referral.queued" and line["reference"] == "FV-7K3M-Q9XD"
    assert line["conversation"] == logs.conversation_tag("webchat-abc") != "webchat-abc"
    assert line["process"] == "test" and line["level"] == "info"
    assert line["ts"].endswith("Z")


def test_text_bearing_fields_are_redacted_however_deep(captured):
    # As Rasa logs a failed deserialisation (rasa/shared/core/events.py) and a parse.
    structlog.get_logger("rasa.shared.core.events").warning(
        "event.deserialization.failed",
        rasa_event={"event": "user", "text": "Tom has a bruise"},
        parse_data_text="Tom has a bruise",
        details={"user_text": "Tom has a bruise", "intent": "inform"},
    )
    [line] = lines(captured)
    assert "Tom" not in json.dumps(line)
    assert line["rasa_event"] == logs.REDACTED and line["details"]["intent"] == "inform"


def test_rasa_style_debug_lines_never_appear(captured):
    # Rasa writes the message text at DEBUG; even a logger explicitly set to DEBUG is held at INFO.
    rasa_logger = logging.getLogger("rasa.core.processor")
    rasa_logger.setLevel(logging.DEBUG)
    rasa_logger.debug("Received user message 'Tom has a bruise'")
    structlog.get_logger("rasa.core.processor").debug("processor.message.parse", parse_data_text="Tom")
    assert captured.getvalue() == ""


def test_a_library_message_with_a_number_or_address_is_masked(captured):
    logging.getLogger("sanic.error").error(
        "Circuit breaker tripped for sender '+447700900123', mail gran@example.org, LS6 1AB, ref FV-7K3M-Q9XD"
    )
    [line] = lines(captured)
    assert "7700" not in line["event"] and "gran@" not in line["event"] and "LS6 1AB" not in line["event"]
    assert "FV-7K3M-Q9XD" in line["event"]


def test_tracebacks_are_masked_too(captured):
    try:
        raise ValueError("could not parse 07700 900123")
    except ValueError:
        logging.getLogger("rasa.core.actions.action").exception("action.failed")
    [line] = lines(captured)
    assert "900123" not in line["exception"] and "ValueError" in line["exception"]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call 07700 900123 now", "call [phone] now"),
        ("+44 7700 900123", "[phone]"),
        ("(0113) 496 0000", "[phone]"),
        ("email a.b+c@council.gov.uk", "email [email]"),
        ("postcode ls6 1ab", "postcode [postcode]"),
    ],
)
def test_scrub_masks_numbers_addresses_and_postcodes(text, masked):
    assert logs.scrub(text) == masked


@pytest.mark.parametrize(
    "kept",
    [
        "FV-7K3M-Q9XD",
        "Starting Rasa server on http://127.0.0.1:36567",
        "2026-11-25T23:01:33.751228Z",
        "loaded in 1764111054.123 s",
        "handle 4f55a65ad1ae5b8a0123456789abcdef",
        "Loading model /work/main/models/familyvoice-4f55a65ad1ae5b8a.tar.gz...",
    ],
)
def test_scrub_leaves_ids_times_and_addresses_of_servers_alone(kept):
    assert logs.scrub(kept) == kept


def test_a_lower_level_cannot_be_asked_for(monkeypatch):
    monkeypatch.setenv(logs.LOG_LEVEL_ENV, "DEBUG")
    assert logs._level(None) == logging.INFO
    assert logs._level("WARNING") == logging.WARNING


# --- conversation ids: tags, never the id ------------------------------------------------------


def test_a_conversation_id_anywhere_in_a_line_becomes_its_tag(captured):
    webchat, sms_id = "webchat-Zq81.secret_id", "sms-" + "ab12" * 16
    log = structlog.get_logger("rasa.core.processor")
    log.info(f"Starting a new session for conversation ID '{webchat}'.", sender_id=sms_id)
    logging.getLogger("rasa.core.lock_store").info("Could not acquire lock for %s", webchat)
    try:
        raise RuntimeError(f"tracker for {webchat} failed")
    except RuntimeError:
        logging.getLogger("channels.webchat").exception("webchat.turn_failed")
    output = captured.getvalue()
    assert "Zq81.secret_id" not in output and "ab12" * 16 not in output
    first, second, third = lines(captured)
    assert logs.conversation_tag(webchat) in first["event"] and first[
        "sender_id"
    ] == logs.conversation_tag(sms_id)
    assert logs.conversation_tag(webchat) in second["event"]
    assert logs.conversation_tag(webchat) in third["exception"]


def test_tags_hold_across_processes_of_one_installation_and_nowhere_else():
    logs.use_tag_key(b"\x01" * 32)
    here = logs.conversation_tag("webchat-abc")
    logs.use_tag_key(b"\x01" * 32)
    assert logs.conversation_tag("webchat-abc") == here  # another process, the same intake secret
    logs.use_tag_key(b"\x02" * 32)
    assert logs.conversation_tag("webchat-abc") != here  # a guessed id cannot be tested without it
    logs.use_tag_key(None)
    assert logs.conversation_tag("webchat-abc") not in (here, "webchat-abc")


def test_words_that_only_look_like_ids_are_left_alone():
    text = "webchat.rejected status=413 /webhooks/webchat/webhook sms-short mms-" + "ab" * 32
    assert logs.scrub(text) == text
