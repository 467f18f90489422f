"""The one Intake the action server uses, built on first use from the environment."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker

from bot.config import settings
from bot.intake import Intake
from bot.xwing import check_supported

# The action server imports this at start: a machine that cannot seal with X-Wing stops here,
# saying why, rather than at the first referral.
check_supported()

@lru_cache(maxsize=1)
def intake() -> Intake:
    return Intake.from_settings(settings())


def answers(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.slots)


def channel_of(tracker: Tracker) -> str:
    name = tracker.get_latest_input_channel() or "webchat"
    return "sms" if name.startswith("twilio") else name
