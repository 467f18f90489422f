"""Coming back to a report (the follow-up form) and the PIN offered when a report is sent.

Thin: bot.followup_dialogue decides, bot.followup keeps PINs and counts tries; this reads the
tracker and turns decisions into Rasa events. Nothing here logs a PIN or message text.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import structlog
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.services import intake
from bot import followup_dialogue as dialogue
from bot.config import settings
from bot.followup import Followups

logger = structlog.get_logger(__name__)


@lru_cache(maxsize=1)
def followups() -> Followups:
    return Followups.from_settings(settings())


def _now() -> datetime:
    return datetime.now(timezone.utc)


class ValidateFollowupForm(FormValidationAction):
    """Reference, then PIN, then the addition; every message is read by bot.followup_dialogue."""

    def name(self) -> str:
        return "validate_followup_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        verdicts: list[str] = []

        def verify(reference: str | None, pin: str) -> str:
            verdicts.append(followups().verify(reference, pin, tracker.sender_id, _now()))
            return verdicts[-1]

        def add(reference: str, text: str) -> bool:
            return intake().add_to_report(reference, text, at=_now())

        turn = dialogue.followup_turn(
            text, tracker.get_slot(REQUESTED_SLOT), tracker.slots, verify=verify, add=add
        )
        for response in turn.responses:
            dispatcher.utter_message(response=response.name, **response.values)
        if verdicts:
            logger.info("followup.pin_checked", conversation=tracker.sender_id, verdict=verdicts[-1])
        # Always one slot besides requested_slot, or Rasa would take the turn as "not an answer".
        updates = {dialogue.TRIES_SLOT: tracker.get_slot(dialogue.TRIES_SLOT) or 0, **turn.updates}
        return [SlotSet(slot, value) for slot, value in updates.items()] + [SlotSet(REQUESTED_SLOT, turn.next_slot)]


class ActionFollowupDone(Action):
    """After the form: an addition made joins this conversation to that report; anything else
    starts afresh, so what she typed while proving who she is never becomes part of a report."""

    def name(self) -> str:
        return "action_followup_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        outcome = tracker.get_slot(dialogue.OUTCOME_SLOT)
        reference = tracker.get_slot(dialogue.REFERENCE_SLOT)
        logger.info("followup.done", conversation=tracker.sender_id, outcome=outcome)
        if outcome == dialogue.ADDED_OUTCOME and reference:
            # From now on this conversation adds to that report, as if she had just sent it.
            done = (*dialogue.FORM_SLOTS, dialogue.OUTCOME_SLOT, dialogue.PENDING_SLOT, dialogue.TRIES_SLOT)
            cleared = [SlotSet(slot, None) for slot in done]
            return [*cleared, SlotSet("submitted", True), SlotSet("reference", reference)]
        # Restarted, not action_restart: that one would seal these turns as an incomplete report.
        return [Restarted()]


# --- the PIN offer, called from actions/submit.py ---------------------------------------------


def offer_pin(dispatcher: CollectingDispatcher, reference: str) -> None:
    """After "your reference is ...": offer a PIN for coming back. Optional; a failure here
    must not spoil a report that was sent."""
    try:
        followups().offer(reference, _now())
    except Exception:  # noqa: BLE001 - the report is sent; she simply is not offered a PIN
        logger.exception("followup.offer_failed", reference=reference)
        return
    dispatcher.utter_message(response="utter_offer_pin")


def pin_offer_reply(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Her answer to the PIN offer, or None if this message is not one (add it as usual)."""
    reference = tracker.get_slot("reference")
    if not reference:
        return None
    state = followups().offer_state(reference, _now())
    if state is None:
        return None
    reply = dialogue.pin_offer_reply((tracker.latest_message or {}).get("text") or "", state)
    respond: dict[str, Any] = {}
    if reply.kind == dialogue.NOT_A_PIN:
        followups().decline(reference)  # she has moved on: her words are news for the report
        return None
    if reply.kind == dialogue.PROPOSE:
        followups().propose(reference, reply.pin or "")
        response = "utter_pin_confirm"
    elif reply.kind == dialogue.CONFIRM:
        matched = followups().confirm(reference, reply.pin or "", _now())
        response, respond = ("utter_pin_set", {"reference": reference}) if matched else ("utter_pin_mismatch", {})
    elif reply.kind == dialogue.DECLINE:
        followups().decline(reference)
        response = "utter_pin_declined"
    elif reply.kind == dialogue.TOO_EASY:
        response = "utter_pin_too_easy"
    else:
        response = "utter_pin_ask_numbers"
    logger.info("followup.pin_offer", conversation=tracker.sender_id, reference=reference, step=reply.kind)
    dispatcher.utter_message(response=response, **respond)
    # Setting the reference again marks this message as dealt with, so the tracker store drops
    # its text and it is never added to the report (bot/retention.py).
    return [SlotSet("reference", reference)]
