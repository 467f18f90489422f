"""Rasa 3.6 event dictionaries, shaped exactly as ``Event.as_dict()`` writes them, so tests of
bot/ can build conversations without importing Rasa."""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def user(text: str, at: float, *, intent: str = "inform", channel: str = "webchat") -> Event:
    return {
        "event": "user",
        "timestamp": at,
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
            "text": text,
            "message_id": None,
            "metadata": {},
        },
        "input_channel": channel,
        "message_id": None,
        "metadata": {},
    }


def bot(text: str, at: float, *, response: str = "utter_ask") -> Event:
    return {"event": "bot", "timestamp": at, "metadata": {"utter_action": response}, "text": text, "data": {}}


def slot(name: str, value: Any, at: float) -> Event:
    return {"event": "slot", "timestamp": at, "name": name, "value": value}


def action(name: str, at: float) -> Event:
    return {
        "event": "action",
        "timestamp": at,
        "name": name,
        "policy": None,
        "confidence": None,
        "action_text": None,
        "hide_rule_turn": False,
    }


def session_start(at: float) -> list[Event]:
    return [action("action_session_start", at), {"event": "session_started", "timestamp": at}, action("action_listen", at)]


def restart(at: float) -> Event:
    return {"event": "restart", "timestamp": at}


def turn(text: str, at: float, answers: dict[str, Any], question: str, *, channel: str = "webchat") -> list[Event]:
    """One exchange: her message, the slots it filled, the next question, listening again."""
    events = [user(text, at, channel=channel), action("report_form", at + 0.01)]
    events += [slot(name, value, at + 0.02) for name, value in answers.items()]
    events += [bot(question, at + 0.03), action("action_listen", at + 0.04)]
    return events
