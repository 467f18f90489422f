"""The report form: each message is read by bot.conversation; this turns the result into events."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.services import answers
from bot.conversation import next_question, take_turn
from bot.summary import read_back


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        current = answers(tracker)
        turn = take_turn(
            message.get("text") or "",
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
            tracker.get_slot(REQUESTED_SLOT),
            current,
        )
        for response in turn.responses:
            dispatcher.utter_message(response=response)
        current.update(turn.updates)
        # Returning only requested_slot (no answer) lets Rasa reject the form for this turn,
        # so a rule answers the chit-chat or question and the form asks again.
        return [SlotSet(slot, value) for slot, value in turn.updates.items()] + [
            SlotSet(REQUESTED_SLOT, next_question(current))
        ]


class ActionAskConfirmed(Action):
    """The read-back: the summary with Yes / Change, or "what should change?" after a plain no."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("awaiting_correction"):
            dispatcher.utter_message(response="utter_ask_what_to_change")
        else:
            dispatcher.utter_message(
                text=read_back(answers(tracker)),
                buttons=[
                    {"title": "Yes, send it", "payload": "Yes, send it"},
                    {"title": "Change something", "payload": "Change something"},
                ],
            )
        return []
