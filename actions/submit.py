"""Sending the confirmed report, and adding to it afterwards."""

from __future__ import annotations

import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import answers, channel_of, intake
from actions.sms import held_photos, photos_sealed

logger = structlog.get_logger(__name__)


class ActionSubmitReferral(Action):
    def name(self) -> str:
        return "action_submit_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        try:
            photos, photo_ids = held_photos(tracker.sender_id)  # MMS photos (actions/sms.py)
            receipt = intake().submit(
                answers(tracker), tracker.events, channel=channel_of(tracker), conversation_id=tracker.sender_id,
                attachments=photos,
            )
            photos_sealed(photo_ids)
        except Exception:  # noqa: BLE001 - she must hear that it did not go, and keep her answers
            logger.exception("referral.submit_failed")
            dispatcher.utter_message(response="utter_submit_failed")
            return [SlotSet("confirmed", None)]
        logger.info("referral.queued", conversation=tracker.sender_id, reference=receipt.reference, priority=receipt.priority)
        dispatcher.utter_message(response="utter_submitted", reference=receipt.reference)
        return [SlotSet("reference", receipt.reference), SlotSet("submitted", True)]


class ActionAddToReport(Action):
    def name(self) -> str:
        return "action_add_to_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("reference")
        text = (tracker.latest_message or {}).get("text") or ""
        urgent = intake().add_to_report(reference, text)
        if urgent:
            dispatcher.utter_message(response="utter_call_999")
        dispatcher.utter_message(response="utter_already_sent", reference=reference)
        return []
