"""What a reporter's message does when she comes back to a report, or is offered a PIN.

Pure: the action server passes in the message, the slots and two callables (check a PIN, seal
an addition) and turns the result into Rasa events (actions/followup.py).

Coming back is a small form: reference, then PIN, then what she wants to add. A wrong PIN and
an unknown reference get the same reply, and she is asked for both again, so nothing tells her
(or someone holding her phone) which of the two was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from bot import extraction, indicators
from bot.followup import LOCKED, NO, OK, pin_of, too_easy
from bot.references import REFERENCE_RE, normalise_reference
from bot.slots import NO as ANSWER_NO
from bot.slots import YES as ANSWER_YES

REFERENCE_SLOT, PIN_SLOT, TEXT_SLOT = "followup_reference", "followup_pin", "followup_text"
OUTCOME_SLOT, TRIES_SLOT = "followup_outcome", "followup_tries"
# News in the very message that asked to add ("FV-... he hit her again last night"): kept until
# her PIN is checked, then added, so she need not say it twice.
PENDING_SLOT = "followup_pending"
FORM_SLOTS = (REFERENCE_SLOT, PIN_SLOT, TEXT_SLOT)
VERIFIED, ADDED = "__verified__", "__added__"  # never the PIN itself: slots are stored
ADDED_OUTCOME, ENDED_OUTCOME = "added", "ended"
MAX_UNCLEAR = 2  # replies we cannot read before we stop asking and offer a new report

Verify = Callable[[str | None, str], str]  # (reference, pin) -> OK | NO | LOCKED
Add = Callable[[str, str], bool]  # (reference, text) -> urgent


@dataclass
class Response:
    name: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class FollowupTurn:
    updates: dict[str, Any] = field(default_factory=dict)
    responses: list[Response] = field(default_factory=list)
    next_slot: str | None = None  # None: the form is over

    def say(self, name: str, **values: Any) -> None:
        self.responses.append(Response(name, values))

    def end(self, outcome: str, response: str | None = None, **values: Any) -> "FollowupTurn":
        if response:
            self.say(response, **values)
        self.updates[OUTCOME_SLOT] = outcome
        self.next_slot = None
        return self


def find_reference(text: str, *, just_asked: bool) -> str | None:
    """A reference in her message; without its "FV" only when we just asked for it."""
    found = REFERENCE_RE.search(text)
    if found:
        return normalise_reference(found.group(0))
    return normalise_reference(text.strip(), prefix_optional=True) if just_asked else None


# Words of the request itself, not news: "hi, I want to add something to my report, ref ...".
_REQUEST_WORDS = frozenset(
    """hi hello i id want would like to add adding something some more info information my the a
    report reports referral reference ref number no is its it this about please can could update
    made sent earlier before""".split()
)


def _news_in(text: str, reference_text: str) -> bool:
    rest = text.replace(reference_text, " ").lower()
    words = [w.strip(".,!?:;'\"-") for w in rest.split()]
    return sum(1 for w in words if w and w not in _REQUEST_WORDS) >= 3


def _gives_up(text: str) -> bool:
    """ "I don't know", "I didn't set one", "no": stop asking and offer a new report."""
    low = text.lower()
    return extraction.is_dont_know(text) or extraction.parse_yes_no(text) == ANSWER_NO or any(
        words in low for words in ("forgot", "forgotten", "lost", "didn't set", "did not set", "never set", "don't have")
    )


def followup_turn(
    text: str, requested: str | None, slots: Mapping[str, Any], *, verify: Verify, add: Add
) -> FollowupTurn:
    """One message in the follow-up form; ``requested`` is the slot just asked for."""
    turn = FollowupTurn()
    danger = indicators.danger_now(text) is not None
    if danger and requested != TEXT_SLOT:
        turn.say("utter_call_999")  # before anything else, whatever she is proving
    tries = int(slots.get(TRIES_SLOT) or 0)

    if requested in (None, REFERENCE_SLOT):
        reference = find_reference(text, just_asked=requested == REFERENCE_SLOT)
        if requested is None and reference and _news_in(text, (REFERENCE_RE.search(text) or [""])[0]):
            turn.updates[PENDING_SLOT] = text
        if reference:
            turn.updates.update({REFERENCE_SLOT: reference, TRIES_SLOT: 0})
            turn.next_slot = PIN_SLOT
        elif requested is None:
            turn.updates[TRIES_SLOT] = 0
            turn.next_slot = REFERENCE_SLOT
        elif _gives_up(text) or tries >= MAX_UNCLEAR:
            return turn.end(ENDED_OUTCOME, "utter_followup_new_report")
        else:
            turn.say("utter_followup_reference_unclear")
            turn.updates[TRIES_SLOT] = tries + 1
            turn.next_slot = REFERENCE_SLOT
        return turn

    if requested == PIN_SLOT:
        pin = pin_of(text)
        if pin is None:
            if _gives_up(text) or tries >= MAX_UNCLEAR:
                return turn.end(ENDED_OUTCOME, "utter_followup_new_report")
            turn.say("utter_followup_pin_unclear")
            turn.updates[TRIES_SLOT] = tries + 1
            turn.next_slot = PIN_SLOT
            return turn
        reference = slots.get(REFERENCE_SLOT)
        verdict = verify(reference, pin)
        if verdict == OK and reference and slots.get(PENDING_SLOT):
            # What she wrote when she asked to add: add it now, and the form is done.
            if add(reference, slots[PENDING_SLOT]):
                turn.say("utter_call_999")
            turn.updates.update({PIN_SLOT: VERIFIED, TEXT_SLOT: ADDED, PENDING_SLOT: None})
            return turn.end(ADDED_OUTCOME, "utter_followup_added", reference=reference)
        if verdict == OK:
            turn.updates.update({PIN_SLOT: VERIFIED, TRIES_SLOT: 0})
            turn.next_slot = TEXT_SLOT
        elif verdict == LOCKED:
            turn.end(ENDED_OUTCOME, "utter_followup_locked")
        else:
            assert verdict == NO, verdict
            turn.say("utter_followup_not_found")
            turn.updates.update({REFERENCE_SLOT: None, PIN_SLOT: None, TRIES_SLOT: 0})
            turn.next_slot = REFERENCE_SLOT
        return turn

    # TEXT_SLOT: only reached with a checked PIN, but check again rather than trust the slots.
    reference = slots.get(REFERENCE_SLOT)
    if slots.get(PIN_SLOT) != VERIFIED or not reference:
        return turn.end(ENDED_OUTCOME, "utter_followup_new_report")
    if add(reference, text):
        turn.say("utter_call_999")
    turn.updates[TEXT_SLOT] = ADDED
    return turn.end(ADDED_OUTCOME, "utter_followup_added", reference=reference)


# --- the PIN offer at the end of a report -----------------------------------------------------

PROPOSE, CONFIRM, DECLINE, ASK_NUMBERS, TOO_EASY, NOT_A_PIN = (
    "propose", "confirm", "decline", "ask_numbers", "too_easy", "not_a_pin"
)


@dataclass(frozen=True)
class OfferReply:
    kind: str
    pin: str | None = None


def pin_offer_reply(text: str, state: str) -> OfferReply:
    """Her answer to "would you like a PIN?" (``state`` "offered") or "send it again"
    ("confirming"). Anything that is not a PIN, a yes or a no is NOT_A_PIN: the caller adds it
    to the report as usual, so nothing she says after sending is lost."""
    if indicators.danger_now(text) is not None:
        return OfferReply(NOT_A_PIN)
    pin = pin_of(text)
    if pin is not None:
        if state == "confirming":
            return OfferReply(CONFIRM, pin)
        return OfferReply(TOO_EASY) if too_easy(pin) else OfferReply(PROPOSE, pin)
    if len(text.split()) <= 3:  # "no thanks"; a longer message is news, not an answer
        said = extraction.parse_yes_no(text)
        if said == ANSWER_NO or extraction.is_dont_know(text):
            return OfferReply(DECLINE)
        if said == ANSWER_YES:
            return OfferReply(ASK_NUMBERS)
    return OfferReply(NOT_A_PIN)
