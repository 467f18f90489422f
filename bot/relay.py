"""The relay: sends outbox rows to the unit's case-management system, and keeps trying.

Each request carries an ``Idempotency-Key`` (the same on every resend) and an HMAC-SHA256
signature over the timestamp and body, so the receiver can check it came from us and drop
duplicates. Failures back off exponentially with jitter; after ``max_attempts`` the row is
parked as dead for a person to look at. A crash between sending and recording the result
means one duplicate with the same key, never a lost or a different message.

The relay signs whatever it sends, so before sending it checks that the message is what our
intake or our console wrote (:func:`check_origin`: their Ed25519 signatures over the statement
each message carries, and every field and the sealed blob against it). One that is not, written
into the outbox by someone with database access, is never forwarded as genuine: it is parked as
dead at once, and an error (``relay.not_genuine``) is logged for whoever watches the logs.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog
from sqlalchemy.engine import Engine

from bot import outbox
from bot.origin import NotFromIntake, Verifier, digest

logger = logging.getLogger(__name__)
log = structlog.get_logger("bot.relay")
NOT_GENUINE = "not from our intake or console"
_SIGNED_BY = {"referral": ("intake",), "addition": ("intake",), "rating": ("intake", "console"),
              "decision": ("console",)}
_STATEMENT_KIND = {
    "referral": "referral", "addition": "addendum", "rating": "rating", "decision": "decision",
}
_NOT_SIGNED = ("kind", "by", "statement", "signature", "sealed")


@dataclass(frozen=True)
class RelayConfig:
    url: str
    secret: bytes
    intake: Verifier = Verifier({})  # the intake's public signing keys
    console: Verifier = Verifier({}, "console")  # the console's forwarding keys
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


def check_origin(body: bytes, config: RelayConfig) -> None:
    """Raise :class:`NotFromIntake` unless the message is as our intake or console signed it."""
    try:
        message: dict[str, Any] = json.loads(body)
        kind = str(message["kind"])
        statement = base64.b64decode(message["statement"] or "", validate=True)
        signature = base64.b64decode(message["signature"] or "", validate=True)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise NotFromIntake("it is not a message FamilyVoice writes") from None
    signed_by = _SIGNED_BY.get(kind)
    if signed_by is None:
        raise NotFromIntake(f"FamilyVoice sends no {kind!r} messages")
    verifiers = {"intake": config.intake, "console": config.console}
    who = str(message.get("by") or "intake") if kind == "rating" else signed_by[0]
    if who not in signed_by:
        raise NotFromIntake(f"a {kind} is not made by the {who}")
    signed = verifiers[who].check(statement, signature, _STATEMENT_KIND[kind])
    if (
        kind == "rating"
        and who == "intake"
        and (signed.get("priority"), signed.get("emergency")) != ("RED", True)
    ):
        raise NotFromIntake("the intake only ever raises a referral to an emergency")
    changed = [
        name for name in message if name not in _NOT_SIGNED and message[name] != signed.get(name)
    ]
    if changed:
        raise NotFromIntake(f"its {', '.join(sorted(changed))} changed after it was signed")
    if "sealed" in message:
        try:
            sealed = base64.b64decode(message["sealed"] or "", validate=True)
        except (ValueError, binascii.Error):
            raise NotFromIntake("its sealed part is not base64") from None
        if digest(sealed) != signed.get("blob"):
            raise NotFromIntake("what is sealed is not what was signed")


async def deliver_due(engine: Engine, http: aiohttp.ClientSession, config: RelayConfig) -> int:
    """Send everything that is due now; returns how many were accepted."""
    now = dt.datetime.now(dt.timezone.utc)
    accepted = 0
    for message in outbox.claim_due(engine, now, lease=dt.timedelta(seconds=config.lease)):
        try:
            check_origin(message.body, config)
        except NotFromIntake as problem:
            outbox.mark_failed(engine, message.id, f"{NOT_GENUINE}: {problem}", None)
            log.error(
                "relay.not_genuine",
                reference=message.reference,
                outbox_id=message.id,
                problem=str(problem),
            )
            continue
        error = await send_one(http, message, config)
        done = dt.datetime.now(dt.timezone.utc)
        if error is None:
            outbox.mark_sent(engine, message.id, done)
            accepted += 1
            logger.info(
                "relay.sent reference=%s attempts=%d", message.reference, message.attempts + 1
            )
            continue
        attempts = message.attempts + 1
        retry_at = (
            None
            if attempts >= config.max_attempts
            else done + dt.timedelta(seconds=backoff(attempts, config))
        )
        outbox.mark_failed(engine, message.id, error, retry_at)
        logger.warning(
            "relay.%s reference=%s attempts=%d error=%s",
            "dead" if retry_at is None else "retry",
            message.reference,
            attempts,
            error,
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
