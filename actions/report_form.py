"""The report form: each message is read by bot.conversation; this turns the result into events."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.services import answers
from bot.conversation import earlier_words, next_question, take_turn
from bot.indicators import advice_for
from bot.readback import UNCLEAR_BEFORE_CHOICE
from bot.summary import read_back
from bot.transcript import current_report_events, without_followup_turns


class ActionIntroduce(Action):
    """The introduction; when her very first message is about danger right now, the 999 advice
    comes before it, in the same reply. Anything she wrote before the report began (a message
    another rule answered) is read into the report, so she is not asked for it again."""

    def name(self) -> str:
        return "action_introduce"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        for response in advice_for((tracker.latest_message or {}).get("text") or "").responses:
            dispatcher.utter_message(response=response)
        dispatcher.utter_message(response="utter_intro")
        said = [
            e.get("text") or ""
            for e in without_followup_turns(current_report_events(tracker.events))
            if e.get("event") == "user"
        ]
        earlier = [text for text in said[:-1] if text and not text.startswith("/")]
        return [SlotSet(slot, value) for slot, value in earlier_words(earlier).items()]


def _after_a_rule(tracker: Tracker) -> bool:
    """Whether a rule has already answered this message (chit-chat...) and the form runs on it
    again. The form's own run is always the latest action, so look for the rule's reply in this
    turn's events (the validation is sent the current turn only)."""
    return any(
        e.get("event") == "action" and str(e.get("name") or "").startswith("utter_")
        for e in tracker.events
    )


class ValidateReportForm(FormValidationAction):
    def name(self) -> str:
        return "validate_report_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        current = answers(tracker)
        turn = take_turn(
            message.get("text") or "",
            intent.get("name"),
            float(intent.get("confidence") or 0.0),
            tracker.get_slot(REQUESTED_SLOT),
            current,
            returning=_after_a_rule(tracker),
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
    """The read-back: the summary with Yes / Change; "what should change?" after a plain no; and
    after two unclear replies, the two numbered choices."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("awaiting_correction"):
            dispatcher.utter_message(response="utter_ask_what_to_change")
        elif int(tracker.get_slot("readback_unclear") or 0) >= UNCLEAR_BEFORE_CHOICE:
            dispatcher.utter_message(response="utter_ask_send_or_change")
        else:
            dispatcher.utter_message(
                text=read_back(answers(tracker)),
                buttons=[
                    {"title": "Yes, send it", "payload": "Yes, send it"},
                    {"title": "Change something", "payload": "Change something"},
                ],
            )
        return []
