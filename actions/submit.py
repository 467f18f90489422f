"""Sending the confirmed report, and adding to it afterwards."""

from __future__ import annotations

from datetime import datetime, timezone

import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import answers, channel_of, intake
from actions.followup import offer_pin, pin_offer_reply  # issue 6: coming back with a PIN
from actions.sms import conversation_sealed, held_photos, photos_sealed
from bot.retention import unsealed_texts

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
            conversation_sealed(tracker.sender_id)
        except Exception:  # noqa: BLE001 - she must hear that it did not go, and keep her answers
            logger.exception("referral.submit_failed")
            dispatcher.utter_message(response="utter_submit_failed")
            return [SlotSet("confirmed", None)]
        logger.info("referral.queued", conversation=tracker.sender_id, reference=receipt.reference, priority=receipt.priority)
        dispatcher.utter_message(response="utter_submitted", reference=receipt.reference)
        offer_pin(dispatcher, receipt.reference)
        return [SlotSet("reference", receipt.reference), SlotSet("submitted", True)]


class ActionAddToReport(Action):
    def name(self) -> str:
        return "action_add_to_report"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("reference")
        pin_reply = pin_offer_reply(dispatcher, tracker)  # her answer to the PIN offer, if it is one
        if pin_reply is not None:
            return pin_reply
        # Everything she said since the report (or the last addition) was sealed: this message,
        # and any earlier one whose addition failed (bot/retention.py).
        said = unsealed_texts(tracker.events) or [tracker.latest_message or {}]
        urgent = False
        for message in said:
            urgent = intake().add_to_report(reference, message.get("text") or "", at=_at(message)) or urgent
        conversation_sealed(tracker.sender_id)
        logger.info("referral.added", conversation=tracker.sender_id, reference=reference, messages=len(said))
        if urgent:
            dispatcher.utter_message(response="utter_call_999")
        dispatcher.utter_message(response="utter_already_sent", reference=reference)
        # Setting the reference again marks these messages as sealed: the tracker store may now
        # keep the reference alone and drop their text (issue 6).
        return [SlotSet("reference", reference)]


def _at(message: dict) -> datetime | None:
    stamp = message.get("timestamp")
    return datetime.fromtimestamp(float(stamp), tz=timezone.utc) if stamp else None
