"""What a stored conversation may keep, and when it must be passed on or forgotten.

Pure rules over Rasa's event dictionaries (plain JSON, so no Rasa import), used by the
encrypted tracker store (rasa_ext/) after every turn and by the sweeper (bot/sweeper.py):

- Once a report is sealed, its conversation keeps only a *residue*: the reference and the
  ``submitted`` flag, so whatever she says next is still added to the same report, and no text.
- Text she sends after that stays (encrypted) only until it too is sealed into the report:
  the action that adds it marks the point by setting ``reference`` again.
- A conversation left unfinished past its channel's idle limit is sealed as an ``incomplete``
  referral; a residue is forgotten after the retention period.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from bot.slots import QUESTIONS
from bot.transcript import current_report_events

REFERENCE_SLOT = "reference"
SUBMITTED_SLOT = "submitted"
# What the residue keeps. Nothing else: the answers are in the sealed referral.
KEPT_AFTER_SEALING = (REFERENCE_SLOT, SUBMITTED_SLOT)

HOUR = 3600.0
DEFAULT_IDLE = {"webchat": 2 * HOUR, "sms": 24 * HOUR}
DEFAULT_RETENTION = 7 * 24 * HOUR


@dataclass(frozen=True)
class RetentionPolicy:
    """How long a conversation may sit idle (seconds), per channel, and how long a residue lives."""

    idle_webchat: float = DEFAULT_IDLE["webchat"]
    idle_sms: float = DEFAULT_IDLE["sms"]
    retention: float = DEFAULT_RETENTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "RetentionPolicy":
        env = os.environ if environ is None else environ

        def seconds(name: str, default: float) -> float:
            raw = env.get(name)
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {raw!r}")
            return value

        return cls(
            idle_webchat=seconds("FAMILYVOICE_IDLE_WEBCHAT_SECONDS", DEFAULT_IDLE["webchat"]),
            idle_sms=seconds("FAMILYVOICE_IDLE_SMS_SECONDS", DEFAULT_IDLE["sms"]),
            retention=seconds("FAMILYVOICE_TRACKER_RETENTION_SECONDS", DEFAULT_RETENTION),
        )

    def idle_limit(self, channel: str) -> float:
        return self.idle_sms if channel == "sms" else self.idle_webchat

    @property
    def shortest(self) -> float:
        """No conversation needs a look before it has been idle this long."""
        return min(self.idle_webchat, self.idle_sms, self.retention)


def slot_values(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The slots as Rasa would hold them after these events (restarts and new sessions reset
    them; a new session's carried-over slots follow it as ordinary slot events)."""
    slots: dict[str, Any] = {}
    for event in events:
        kind = event.get("event")
        if kind in ("restart", "session_started", "reset_slots"):
            slots.clear()
        elif kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
    return slots


def is_sealed(slots: Mapping[str, Any]) -> bool:
    """The report of this conversation is in the unit's queue."""
    return bool(slots.get(REFERENCE_SLOT))


def unsealed_texts(events: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Reporter messages after the last point where a report was sealed (reference set):
    what must still reach the unit before the conversation may be forgotten."""
    pending: list[Mapping[str, Any]] = []
    for event in current_report_events([dict(e) for e in events]):
        kind = event.get("event")
        if kind == "user":
            pending.append(event)
        elif kind == "slot" and event.get("name") == REFERENCE_SLOT and event.get("value"):
            pending = []
    return pending


def has_something_to_pass_on(slots: Mapping[str, Any]) -> bool:
    """An unfinished report worth queuing: at least one question answered (even with "don't
    know"), or danger reported. A conversation that never got past "hello" is just forgotten."""
    return any(slots.get(q) is not None for q in QUESTIONS) or slots.get("emergency") is True


def may_compact(events: list[Mapping[str, Any]]) -> bool:
    """True when everything she said is sealed, so only the residue need be kept."""
    return is_sealed(slot_values(events)) and not unsealed_texts(events)


def channel_of(events: Iterable[Mapping[str, Any]]) -> str:
    """The channel of the latest reporter message, in the referral's terms."""
    name = ""
    for event in events:
        if event.get("event") == "user" and event.get("input_channel"):
            name = str(event["input_channel"])
    return "sms" if name.startswith("twilio") or name == "sms" else "webchat"


def residue(reference: str, now: float | None = None) -> list[dict[str, Any]]:
    """A sealed conversation as it is kept: a fresh session that carries only the reference.

    Shaped like what Rasa's own session start writes (``action_session_start``, the session,
    the carried-over slots, then listening), so Rasa reads it back as a normal conversation
    whose next message goes to the "added to your report" rule.
    """
    at = time.time() if now is None else now
    return [
        {"event": "action", "timestamp": at, "name": "action_session_start", "policy": None, "confidence": 1.0},
        {"event": "session_started", "timestamp": at},
        {"event": "slot", "timestamp": at, "name": REFERENCE_SLOT, "value": reference},
        {"event": "slot", "timestamp": at, "name": SUBMITTED_SLOT, "value": True},
        {"event": "action", "timestamp": at, "name": "action_listen", "policy": None, "confidence": None},
    ]
