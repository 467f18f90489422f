"""The conversation as the duty officer reads it: every turn, both sides, timestamped.

Built from Rasa's event dictionaries (plain JSON, so this module needs no Rasa import).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from bot import invisible
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


FOLLOWUP_FORM = "followup_form"


def without_followup_turns(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events without her attempts to come back to an earlier report: the message that
    asked to, then everything said while the follow-up form ran (her reference, her PIN tries).
    Those prove who she is; they are not a report, and a PIN must never end up in one."""
    events = list(events)
    dropped: set[int] = set()
    coming_back = False
    last_message = None
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind == "active_loop":
            starts = event.get("name") == FOLLOWUP_FORM
            if starts and not coming_back and last_message is not None:
                dropped.add(last_message)  # "I want to add to my report FV-..."
            coming_back = starts
        elif kind == "restart":
            coming_back = False
        elif kind in ("user", "bot") and coming_back:
            dropped.add(index)
        if kind == "user":
            last_message = index
    return [event for index, event in enumerate(events) if index not in dropped]


def turns(events: Iterable[dict[str, Any]]) -> list[Turn]:
    """Every turn of the current report, both sides; never her attempts to come back to an
    earlier one (a PIN has no place in a referral, whichever path seals it)."""
    result: list[Turn] = []
    for event in without_followup_turns(current_report_events(events)):
        kind = event.get("event")
        if kind == "user":
            text = event.get("text") or ""
            removed = (event.get("metadata") or {}).get(invisible.REMOVED_KEY)
            if isinstance(removed, int) and removed > 0:
                # Her words are all there; the officer is told something unseen was taken out.
                text = f"{text} {invisible.removed_note(removed)}"
            result.append(Turn(speaker="reporter", text=text, at=_iso(event.get("timestamp"))))
        elif kind == "bot":
            text = event.get("text") or ""
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                # The officer should see the choices she was offered, not just the question.
                text += " [" + " | ".join(str(b.get("title", "")) for b in buttons) + "]"
            result.append(Turn(speaker="bot", text=text, at=_iso(event.get("timestamp"))))
    return result


def report_started_at(events: Iterable[dict[str, Any]]) -> str:
    """When the reporter first wrote in this report: with the conversation id, it names the report.
    Her attempts to come back to an earlier report are not this one, so every path that seals
    it (given them or not) names it alike."""
    for event in without_followup_turns(current_report_events(events)):
        if event.get("event") == "user":
            return _iso(event.get("timestamp"))
    return ""
