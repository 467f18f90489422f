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

from typing import Any, Dict, List, Text

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

CURRENT_TURN_ONLY = "current_turn_only"

_stock_action_call_format = RemoteAction._action_call_format


def current_turn(events: List[Event]) -> List[Event]:
    """The events from the latest user message on; all of them if there is none."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> Dict[Text, Any]:
    listed = (self.action_endpoint.kwargs.get(CURRENT_TURN_ONLY) or []) if self.action_endpoint else []
    if self.name() not in listed:
        return _stock_action_call_format(self, tracker, domain)
    # As Rasa builds it (RemoteAction._action_call_format), without serialising the history.
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in current_turn(list(tracker.events))]
    call = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state, "version": rasa.__version__}
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        call["domain"] = domain.as_dict()
    return call


def install() -> None:
    RemoteAction._action_call_format = _action_call_format
