"""Closing a report that was not finished, and the photos sent by MMS.

``action_restart`` replaces Rasa's default: before the conversation is reset (the SMS channel
sends ``/restart`` for STOP, RESTART and an idle report; anyone may type it in web chat), what
the reporter said so far is sealed and queued as an ``incomplete`` referral, with any photos.
A report already sent gets its late photos as an addition instead. The SMS channel treats the
report as closed only on this action's "done" receipt: if sealing fails (or the action never
ran), nothing is reset and the channel tries again later.
"""

from __future__ import annotations

import base64
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import answers, channel_of, intake
from bot.keys import load_intake_secret
from bot.referral import Attachment
from bot.sms_flow import CLOSE_KEY
from bot.sms_state import SENDER_PREFIX, SmsKeys, SmsState
from bot.transcript import current_report_events, without_followup_turns
from bot.config import settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def sms_state() -> SmsState:
    return SmsState(intake().store, SmsKeys(load_intake_secret(settings().intake_secret_path)))


def held_photos(sender_id: str) -> tuple[list[Attachment], list[str]]:
    """The photos sent in this SMS conversation and not sealed yet, as referral attachments."""
    if not sender_id.startswith(SENDER_PREFIX):
        return [], []
    photos = sms_state().held_photos(sender_id)
    attachments = [
        Attachment(
            filename=f"photo-{number}.{photo.content_type.split('/')[1].replace('jpeg', 'jpg')}",
            content_type=photo.content_type,
            size=photo.size,
            data_b64=base64.b64encode(photo.data).decode("ascii"),
        )
        for number, photo in enumerate(photos, start=1)
    ]
    return attachments, [photo.id for photo in photos]


def photos_sealed(photo_ids: list[str]) -> None:
    if photo_ids:
        sms_state().mark_sealed(photo_ids)


def conversation_sealed(sender_id: str) -> None:
    """Everything said so far in this SMS conversation is in the unit's hands (or needs no
    keeping): Twilio's copies of its messages may now be deleted (bot/sms_messages.py)."""
    if sender_id.startswith(SENDER_PREFIX):
        sms_state().mark_sealed_through(sender_id)


def _is_close_message(event: dict[str, Any]) -> bool:
    return event.get("event") == "user" and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "restart"


class ActionRestart(Action):
    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reason = ((tracker.latest_message or {}).get("metadata") or {}).get(CLOSE_KEY, "typed")
        # "/restart" is how the channel closes a report, not something she said.
        # Nor is coming back to an earlier report (her reference, her PIN tries): a follow-up she
        # gave up on leaves nothing to seal.
        events = without_followup_turns(event for event in tracker.events if not _is_close_message(event))
        said = any(event.get("event") == "user" for event in current_report_events(events))
        try:
            photos, photo_ids = held_photos(tracker.sender_id)
            if tracker.get_slot("submitted") and tracker.get_slot("reference") and photos:
                intake().add_to_report(tracker.get_slot("reference"), "(photos sent after the report)", attachments=photos)
                photos_sealed(photo_ids)
            elif not tracker.get_slot("submitted") and (said or photos):
                receipt = intake().submit(
                    answers(tracker), events, channel=channel_of(tracker), conversation_id=tracker.sender_id,
                    status="incomplete", attachments=photos,
                )
                photos_sealed(photo_ids)
                logger.info("referral.queued reference=%s status=incomplete reason=%s", receipt.reference, reason)
            conversation_sealed(tracker.sender_id)
        except Exception:  # noqa: BLE001 - keep the conversation, so nothing she said is lost
            logger.exception("referral.close_failed reason=%s", reason)
            return []
        if reason != "typed":
            dispatcher.utter_message(json_message={CLOSE_KEY: "done"})  # the SMS channel's receipt
        return [Restarted()]
