"""A closed-loop load generator: N conversations, each sends its next message as soon as the
previous reply arrives, for a fixed time. Latency is measured per turn."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field
from typing import Awaitable, Callable

import aiohttp

# send(session, conversation_id, text) -> the bot's replies joined as one text
Send = Callable[[aiohttp.ClientSession, str, str], Awaitable[str]]
# next_message(bot_text, turn_number) -> the next thing to say, or None when the conversation is done
Script = Callable[[str, int], "str | None"]


@dataclass
class LoadResult:
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    conversations_done: int = 0
    errors: int = 0

    def add(self, other: "LoadResult") -> None:
        """Fold in another window's measurements."""
        self.seconds += other.seconds
        self.latencies_ms += other.latencies_ms
        self.conversations_done += other.conversations_done
        self.errors += other.errors

    @property
    def turns_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def closed_loop(send: Send, opening: str, script: Script, *, concurrency: int, duration: float, max_turns: int = 80) -> LoadResult:
    result = LoadResult()
    stop_at = time.monotonic() + duration

    async def one_reporter(session: aiohttp.ClientSession) -> None:
        while time.monotonic() < stop_at:
            conversation = f"bench-{uuid.uuid4().hex[:12]}"
            text: str | None = opening
            for turn in itertools.count():
                if text is None or turn >= max_turns or time.monotonic() >= stop_at:
                    break
                started = time.monotonic()
                try:
                    reply = await send(session, conversation, text)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    result.errors += 1
                    break
                result.latencies_ms.append((time.monotonic() - started) * 1000)
                text = script(reply, turn)
            else:  # pragma: no cover - itertools.count never ends
                pass
            if text is None:
                result.conversations_done += 1

    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=concurrency + 4)) as session:
        await asyncio.gather(*(one_reporter(session) for _ in range(concurrency)))
    result.seconds = time.monotonic() - started
    return result


def rest_sender(url: str) -> Send:
    """Rasa's REST shape, used by both our web chat channel and stock Rasa's `rest` channel."""

    async def send(session: aiohttp.ClientSession, conversation: str, text: str) -> str:
        async with session.post(url, json={"sender": conversation, "message": text}) as reply:
            reply.raise_for_status()
            return "\n".join(m.get("text", "") for m in await reply.json())

    return send


def sms_sender(url: str, public_url: str, auth_token: str, our_number: str = "+447700900999") -> Send:
    """Twilio's side of an SMS conversation: signed form posts in, TwiML out."""
    import xml.etree.ElementTree as ElementTree

    from twilio.request_validator import RequestValidator

    validator = RequestValidator(auth_token)
    phones: dict[str, str] = {}

    async def send(session: aiohttp.ClientSession, conversation: str, text: str) -> str:
        phone = phones.setdefault(conversation, f"+4477009{len(phones) % 100000:05d}")
        form = {
            "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
            "From": phone, "To": our_number, "Body": text, "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": validator.compute_signature(public_url, form)}
        async with session.post(url, data=form, headers=headers) as reply:
            reply.raise_for_status()
            root = ElementTree.fromstring(await reply.text())
            return "\n".join(m.text or "" for m in root.iter("Message"))

    return send
