"""Selective history: what Rasa's selective domain does for the domain, for the events.

Rasa sends a custom action the whole session, every event of it, on every call. The report
form's validation (``validate_report_form``) runs on nearly every message she sends and reads
only that message and the slots, yet it was sent (and the action server parsed) the full
history each time: the longer she wrote, the more each message cost, on both sides.

Actions named in the action endpoint's ``current_turn_only`` get the events of the current turn
only (from her latest message on); the slots, the latest message, the active loop, everything
else in the tracker state is as Rasa sends it. Any other action gets everything, as before: an
action that reads the history (sealing the report reads every word she wrote) must never be
listed. In ``endpoints.yml``::

    action_endpoint:
      url: "http://localhost:5055/webhook"
      current_turn_only: [validate_report_form]
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.constants import ACTIVE_LOOP, FOLLOWUP_ACTION
from rasa.shared.core.trackers import DialogueStateTracker

CURRENT_TURN_ONLY = "current_turn_only"

_stock_action_call_format = RemoteAction._action_call_format


def current_turn(events: List[Event]) -> List[Event]:
    """The events from the latest user message on; all of them if there is none."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def _state(tracker: DialogueStateTracker) -> Dict[Text, Any]:
    """DialogueStateTracker.current_state(EventVerbosity.ALL) with the current turn's events.

    Built here rather than by current_state, which deep-copies the active loop's trigger
    message through dataclasses.asdict (5% of a worker): the call is serialised and dropped
    at once, so the same values serve without the copy.
    """
    loop = tracker.active_loop
    return {
        "sender_id": tracker.sender_id,
        "slots": tracker.current_slot_values(),
        "latest_message": tracker._latest_message_data(),
        "latest_event_time": tracker.events[-1].timestamp if len(tracker.events) > 0 else None,
        FOLLOWUP_ACTION: tracker.followup_action,
        "paused": tracker.is_paused(),
        "events": [event.as_dict() for event in current_turn(list(tracker.events))],
        "latest_input_channel": tracker.get_latest_input_channel(),
        ACTIVE_LOOP: {field.name: getattr(loop, field.name) for field in dataclasses.fields(loop)} if loop else {},
        "latest_action": tracker.latest_action,
        "latest_action_name": tracker.latest_action_name,
    }


def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> Dict[Text, Any]:
    listed = (self.action_endpoint.kwargs.get(CURRENT_TURN_ONLY) or []) if self.action_endpoint else []
    if self.name() not in listed:
        return _stock_action_call_format(self, tracker, domain)
    call = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": _state(tracker), "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        call["domain"] = domain.as_dict()
    return call


def install() -> None:
    RemoteAction._action_call_format = _action_call_format
