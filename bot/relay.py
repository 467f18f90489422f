"""The relay: sends outbox rows to the unit's case-management system, and keeps trying.

Each request carries an ``Idempotency-Key`` (the same on every resend) and an HMAC-SHA256
signature over the timestamp and body, so the receiver can check it came from us and drop
duplicates. Failures back off exponentially with jitter; after ``max_attempts`` the row is
parked as dead for a person to look at. A crash between sending and recording the result
means one duplicate with the same key, never a lost or a different message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import random
import time
from dataclasses import dataclass

import aiohttp
from sqlalchemy.engine import Engine

from bot import outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelayConfig:
    url: str
    secret: bytes
    timeout: float = 10.0
    max_attempts: int = 8
    base_delay: float = 2.0
    max_delay: float = 600.0
    lease: float = 60.0  # how long a claimed row waits before another try if we die mid-send
    poll: float = 1.0


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "v1=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def backoff(attempts: int, config: RelayConfig) -> float:
    """Seconds before the next try after `attempts` failures: exponential, capped, jittered."""
    delay = min(config.max_delay, config.base_delay * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


async def send_one(http: aiohttp.ClientSession, message: outbox.OutboxMessage, config: RelayConfig) -> str | None:
    """POST one message; None when the receiver accepted it, else a short error (no content)."""
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": message.idempotency_key,
        "X-FamilyVoice-Timestamp": timestamp,
        "X-FamilyVoice-Signature": signature(config.secret, timestamp, message.body),
    }
    try:
        async with http.post(config.url, data=message.body, headers=headers) as reply:
            await reply.read()
            return None if 200 <= reply.status < 300 else f"HTTP {reply.status}"
    except asyncio.TimeoutError:
        return "timeout"
    except aiohttp.ClientError as error:
        return type(error).__name__


async def deliver_due(engine: Engine, http: aiohttp.ClientSession, config: RelayConfig) -> int:
    """Send everything that is due now; returns how many were accepted."""
    now = dt.datetime.now(dt.timezone.utc)
    accepted = 0
    for message in outbox.claim_due(engine, now, lease=dt.timedelta(seconds=config.lease)):
        error = await send_one(http, message, config)
        done = dt.datetime.now(dt.timezone.utc)
        if error is None:
            outbox.mark_sent(engine, message.id, done)
            accepted += 1
            logger.info("relay.sent reference=%s attempts=%d", message.reference, message.attempts + 1)
            continue
        attempts = message.attempts + 1
        retry_at = None if attempts >= config.max_attempts else done + dt.timedelta(seconds=backoff(attempts, config))
        outbox.mark_failed(engine, message.id, error, retry_at)
        logger.warning(
            "relay.%s reference=%s attempts=%d error=%s",
            "dead" if retry_at is None else "retry", message.reference, attempts, error,
        )
    return accepted


async def run(engine: Engine, config: RelayConfig, *, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    timeout = aiohttp.ClientTimeout(total=config.timeout)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        while not stop.is_set():
            try:
                await deliver_due(engine, http, config)
            except Exception:  # noqa: BLE001 - a database blip must not stop forwarding for good
                logger.exception("relay.loop_failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=config.poll)
            except asyncio.TimeoutError:
                pass
