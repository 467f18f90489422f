"""One sender's webhooks are handled one at a time: two quick messages cannot leave her with the
numbered options of an older question (bot/sms_flow.py). The dialogue is the ``converse``
function the channel passes in; here it is scripted, the state is the real SmsState on SQLite."""

from __future__ import annotations

import asyncio
import os

from bot.sms_flow import SmsFlow
from bot.sms_inbound import InboundSms
from bot.sms_state import SmsKeys, SmsState
from tests.bot.test_store import postgres_admin, postgres_url, store  # noqa: F401 - fixtures

PHONE = "+447700900462"


def sms(sid: str, text: str) -> InboundSms:
    return InboundSms(message_sid=sid, from_number=PHONE, to_number="+447700900999", text=text, form={})


def question(text: str, *choices: str) -> list[dict]:
    return [{"text": text, "buttons": [{"title": c, "payload": f"/{c.lower()}"} for c in choices]}]


def test_two_quick_messages_leave_her_the_options_of_the_latest_question(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    asked: list[str] = []

    async def converse(_sender_id: str, text: str, _metadata) -> list[dict]:
        asked.append(text)
        if text == "first":
            await asyncio.sleep(0.05)  # Rasa takes a while over the first; the second arrives meanwhile
            return question("Is he safe now?", "Yes", "No")
        return question("Does he live with them?", "Always", "Sometimes", "Never")

    async def both() -> None:
        flow = SmsFlow(state, converse)
        await asyncio.gather(flow.handle(sms("SM1", "first")), flow.handle(sms("SM2", "second")))
        # Her "2" is read against the question she saw last.
        await flow.handle(sms("SM3", "2"))

    asyncio.run(both())
    assert asked == ["first", "second", "/sometimes"]
    sender = state.sender(state.keys.sender_id(PHONE))
    assert [o["title"] for o in sender.options] == ["Always", "Sometimes", "Never"]


def test_different_senders_are_not_held_up_by_each_other(store):
    state = SmsState(store, SmsKeys(os.urandom(32)))
    order: list[str] = []

    async def converse(_sender_id: str, text: str, _metadata) -> list[dict]:
        if text == "slow":
            await asyncio.sleep(0.05)
        order.append(text)
        return [{"text": "Thank you."}]

    async def run() -> None:
        flow = SmsFlow(state, converse)
        other = InboundSms(message_sid="SM9", from_number="+447700900463", to_number="+447700900999", text="fast", form={})
        await asyncio.gather(flow.handle(sms("SM8", "slow")), flow.handle(other))

    asyncio.run(run())
    assert order == ["fast", "slow"]
