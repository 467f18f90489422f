"""The conversation as the duty officer reads it: every turn, both sides, timestamped.

Built from Rasa's event dictionaries (plain JSON, so this module needs no Rasa import).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from bot.referral import Turn


def _iso(timestamp: float | None) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc) if timestamp else datetime.now(timezone.utc)
    return moment.isoformat()


def current_report_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events since the last restart: an earlier report in the same conversation is not this one."""
    events = list(events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "restart":
            return events[index + 1 :]
    return events


def turns(events: Iterable[dict[str, Any]]) -> list[Turn]:
    result: list[Turn] = []
    for event in current_report_events(events):
        kind = event.get("event")
        if kind == "user":
            result.append(Turn(speaker="reporter", text=event.get("text") or "", at=_iso(event.get("timestamp"))))
        elif kind == "bot":
            text = event.get("text") or ""
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                # The officer should see the choices she was offered, not just the question.
                text += " [" + " | ".join(str(b.get("title", "")) for b in buttons) + "]"
            result.append(Turn(speaker="bot", text=text, at=_iso(event.get("timestamp"))))
    return result


def report_started_at(events: Iterable[dict[str, Any]]) -> str:
    """When the reporter first wrote in this report: with the conversation id, it names the report."""
    for event in current_report_events(events):
        if event.get("event") == "user":
            return _iso(event.get("timestamp"))
    return ""
