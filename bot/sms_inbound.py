"""Checking a Twilio webhook request before anything else sees it, and answering in TwiML.

Order matters: size, then the signature header, then the form, then the signature itself,
then the fields. Until the signature is checked nothing is processed or stored, and nothing
here logs a phone number or message text.

The signature is computed by Twilio over the URL it called plus the POST fields. Behind a
proxy the Host header (and scheme, and port) we see are not what Twilio called, so the URL is
always the configured public base URL plus the path: never anything from the request headers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import parse_qsl

from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.inbound import InputError, cleaned

WEBHOOK_PATH = "/webhooks/twilio_sms/webhook"
# Where Twilio reports on the messages we send (so we learn their SIDs, to delete them).
STATUS_PATH = "/webhooks/twilio_sms/status"
# Twilio sends at most 1,600 characters of text plus a few dozen fields; this leaves room
# for every script in UTF-8 and percent-encoding, and refuses anything absurd unread.
MAX_BODY_BYTES = 64 * 1024
# Twilio cannot deliver more than 1,600; a signed longer text is not a real SMS, but she
# still gets a sensible answer.
MAX_TEXT_CHARS = 5000

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_MESSAGE_SID = re.compile(r"^(?:SM|MM)[0-9a-fA-F]{32}$")
# E.164: a plus and up to 15 digits. Short codes (5 or 6 digits) also send texts.
_PHONE = re.compile(r"^(?:\+[1-9][0-9]{6,14}|[0-9]{5,6})$")


@dataclass(frozen=True)
class TwilioSettings:
    """Where the channel's settings come from: environment, then credentials.yml, then defaults."""

    auth_token: str | None
    account_sid: str | None
    public_base_url: str
    api_base_url: str = "https://api.twilio.com"
    idle_timeout: float = 24 * 3600.0
    reply_deadline: float = 10.0
    retry_attempts: int = 4
    retry_backoff: float = 0.5
    sweep_interval: float = 60.0  # how often idle reports are looked for
    sender_retention: float = 7 * 24 * 3600.0  # a quiet sender with no report open is forgotten

    @property
    def webhook_url(self) -> str:
        return self.public_base_url.rstrip("/") + WEBHOOK_PATH

    def status_url(self, turn_at: dt.datetime) -> str:
        """The status callback of the messages one turn sends: it names the turn's start (in
        ms), so each message is deleted with the words of that turn."""
        turn = int(turn_at.timestamp() * 1000)
        return f"{self.public_base_url.rstrip('/')}{STATUS_PATH}?turn={turn}"

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> "TwilioSettings":
        env = os.environ if environ is None else environ
        given = dict(credentials or {})

        def pick(name: str, default: Any = None) -> Any:
            value = env.get(f"FAMILYVOICE_TWILIO_{name.upper()}")
            if value in (None, ""):
                value = given.get(name)
            return default if value in (None, "") else value

        return cls(
            auth_token=pick("auth_token"),
            account_sid=pick("account_sid"),
            public_base_url=str(pick("public_base_url", "http://127.0.0.1:5005")).rstrip("/"),
            api_base_url=str(pick("api_base_url", "https://api.twilio.com")).rstrip("/"),
            idle_timeout=float(pick("idle_timeout", 24 * 3600.0)),
            reply_deadline=float(pick("reply_deadline", 10.0)),
            retry_attempts=int(pick("retry_attempts", 4)),
            retry_backoff=float(pick("retry_backoff", 0.5)),
            sweep_interval=float(pick("sweep_interval", 60.0)),
            sender_retention=float(pick("sender_retention", 7 * 24 * 3600.0)),
        )


@dataclass(frozen=True)
class InboundSms:
    message_sid: str
    from_number: str
    to_number: str
    text: str  # cleaned; may be empty when only a photo came
    form: dict[str, str]
    removed: int = 0  # invisible or bidirectional control characters taken out of the text


def parse_form(body: bytes) -> dict[str, str]:
    """The POST fields, strictly: invalid UTF-8 or percent-encoding is refused, not guessed."""
    try:
        decoded = body.decode("ascii")  # a form body is percent-encoded ASCII
        if _BAD_ESCAPE.search(decoded):
            raise ValueError("bad percent-escape")  # parse_qsl would keep it as text
        pairs = parse_qsl(decoded, keep_blank_values=True, strict_parsing=bool(decoded), errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InputError(400, "The request is not a valid form.") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            # Twilio never repeats a field; a repeat is a forgery or a broken client.
            raise InputError(400, "The request repeats a field.")
        form[key] = value
    return form


def signature_is_valid(
    settings: TwilioSettings,
    query_string: str,
    form: Mapping[str, str],
    signature: str,
    path: str = WEBHOOK_PATH,
) -> bool:
    if not settings.auth_token or not signature:
        return False
    url = settings.public_base_url.rstrip("/") + path + (f"?{query_string}" if query_string else "")
    return RequestValidator(settings.auth_token).validate(url, dict(form), signature)


def inbound_sms(form: Mapping[str, str]) -> InboundSms:
    """The message, from signed fields; unknown fields are ignored (Twilio adds them freely)."""
    message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not _MESSAGE_SID.match(message_sid):
        raise InputError(400, "MessageSid is missing or malformed.")
    from_number = (form.get("From") or "").strip()
    if not _PHONE.match(from_number):
        raise InputError(400, "From is not a phone number.")
    text, removed = cleaned(form.get("Body") or "")
    return InboundSms(
        message_sid=message_sid,
        from_number=from_number,
        to_number=(form.get("To") or "").strip(),
        text=text,
        form=dict(form),
        removed=removed,
    )


@dataclass(frozen=True)
class MessageStatus:
    """A signed status callback: which message of ours, to whom, how far along, which turn."""

    message_sid: str
    to_number: str
    final: bool
    turn_at: dt.datetime


def message_status(
    form: Mapping[str, str], query: Mapping[str, str], final_statuses: frozenset[str]
) -> MessageStatus:
    message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not _MESSAGE_SID.match(message_sid):
        raise InputError(400, "MessageSid is missing or malformed.")
    to_number = (form.get("To") or "").strip()
    if not _PHONE.match(to_number):
        raise InputError(400, "To is not a phone number.")
    try:
        turn_at = dt.datetime.fromtimestamp(int(query.get("turn", "")) / 1000, tz=dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(400, "The status callback does not name its turn.") from None
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    return MessageStatus(message_sid, to_number, status in final_statuses, turn_at)


def twiml(messages: list[str], status_callback: str | None = None) -> str:
    """<Response><Message>...</Message>...</Response>; an empty Response sends nothing. Twilio
    reports each message's SID and progress to ``status_callback`` (the Message's action)."""
    response = MessagingResponse()
    for message in messages:
        if status_callback:
            response.message(message, action=status_callback, method="POST")
        else:
            response.message(message)
    return response.to_xml()
