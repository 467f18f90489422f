"""Forwarding to the case-management system: real relay, real local receiver, real failures.

The receiver is a real aiohttp server in the test. The relay runs in-process for the retry
tests and as a separate process (`familyvoice relay`) for the crash tests, where it is
killed with SIGKILL at the worst moments.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot import outbox
from bot.config import PROJECT_ROOT
from bot.intake import Intake
from bot.origin import Verifier
from bot.relay import RelayConfig, deliver_due, signature
from bot.sealing import open_sealed
from bot.signing_keys import ensure_signing_key, load_signing_key
from bot.store import Store
from bot.xwing import XWingPrivateKey

SECRET = b"shared-with-the-case-management-system"
EVENTS = [{"event": "user", "text": "He has a bruise on his cheek", "timestamp": 1_764_064_800.0}]


class Receiver:
    """The unit's case-management system, as a test controls it."""

    def __init__(self) -> None:
        self.received: list[tuple[str, bytes]] = []
        self.fail_next = 0
        self.hang = False
        self.hung = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = signature(SECRET, request.headers["X-FamilyVoice-Timestamp"], body)
        assert hmac.compare_digest(request.headers["X-FamilyVoice-Signature"], expected)
        self.received.append((request.headers["Idempotency-Key"], body))
        if self.hang:
            self.hung.set()
            await asyncio.sleep(3600)
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=503)
        return web.Response(status=202)


@pytest.fixture
async def receiver(aiohttp_server):
    got = Receiver()
    app = web.Application()
    app.router.add_post("/referrals", got.handle)
    server = await aiohttp_server(app)
    got.url = str(server.make_url("/referrals"))
    got.server = server
    return got


@pytest.fixture
def unit_key() -> XWingPrivateKey:
    return XWingPrivateKey.generate()


@pytest.fixture
def intake(tmp_path, unit_key) -> Intake:
    """The intake, with its signing key in tmp_path/keys (where the relay process reads its
    public half)."""
    store = Store(f"sqlite:///{tmp_path / 'familyvoice.db'}")
    store.create_all()
    ensure_signing_key(tmp_path / "keys")
    signing_key = load_signing_key(tmp_path / "keys" / "intake_signing.pem")
    return Intake(store, unit_key.public_key(), b"s" * 32, forward=True, signing_key=signing_key)


def submit(intake: Intake, conversation: str = "c1") -> str:
    return intake.submit(
        {"concern_description": "He has a bruise on his cheek"}, EVENTS,
        channel="webchat", conversation_id=conversation, now=datetime.now(timezone.utc),
    ).reference


def config(url: str, intake: Intake, **overrides) -> RelayConfig:
    return RelayConfig(**{"url": url, "secret": SECRET, "timeout": 1.0, "base_delay": 0.05, "max_delay": 0.2,
                          "intake": Verifier.of(intake.signer.public_key), **overrides})


async def deliver_until(intake: Intake, cfg: RelayConfig, done, rounds: int = 60) -> None:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=cfg.timeout)) as http:
        for _ in range(rounds):
            await deliver_due(intake.store.engine, http, cfg)
            if done():
                return
            await asyncio.sleep(0.05)


def test_the_outbox_row_is_written_with_the_referral(intake):
    reference = submit(intake)
    [message] = outbox.messages(intake.store.engine)
    assert message.reference == reference and message.status == outbox.PENDING
    assert message.idempotency_key == f"referral-{reference}"


def test_without_forwarding_nothing_is_queued_to_send(tmp_path, unit_key):
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    store.create_all()
    Intake(store, unit_key.public_key(), b"s" * 32).submit({}, EVENTS, channel="webchat", conversation_id="c")
    assert outbox.messages(store.engine) == []


async def test_the_receiver_gets_the_sealed_referral_signed_and_only_the_unit_can_open_it(intake, receiver, unit_key):
    reference = submit(intake)
    await deliver_until(intake, config(receiver.url, intake), lambda: receiver.received)
    key, body = receiver.received[0]
    sent = json.loads(body)
    assert key == f"referral-{reference}" and sent["reference"] == reference and sent["priority"] == "AMBER"
    opened = json.loads(open_sealed(base64.b64decode(sent["sealed"]), unit_key, reference))
    assert opened["concern"]["description"] == "He has a bruise on his cheek"
    assert b"bruise" not in body  # sealed on the wire too
    assert outbox.messages(intake.store.engine)[0].status == outbox.SENT


async def test_failures_are_retried_with_the_same_key_until_accepted(intake, receiver):
    submit(intake)
    receiver.fail_next = 3
    await deliver_until(intake, config(receiver.url, intake), lambda: outbox.messages(intake.store.engine)[0].status == outbox.SENT)
    keys = [key for key, _ in receiver.received]
    assert len(keys) == 4 and len(set(keys)) == 1
    assert len({body for _, body in receiver.received}) == 1  # a resend is the same message


async def test_a_receiver_that_times_out_is_retried(intake, receiver):
    submit(intake)
    receiver.hang = True
    cfg = config(receiver.url, intake, timeout=0.3)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=cfg.timeout)) as http:
        await deliver_due(intake.store.engine, http, cfg)
    [message] = outbox.messages(intake.store.engine)
    assert message.status == outbox.PENDING and message.attempts == 1 and message.last_error == "timeout"
    receiver.hang = False
    await deliver_until(intake, cfg, lambda: outbox.messages(intake.store.engine)[0].status == outbox.SENT)


async def test_after_the_limit_a_message_is_parked_as_dead_and_can_be_retried(intake, receiver):
    reference = submit(intake)
    await receiver.server.close()  # the receiving system is down
    cfg = config(receiver.url, intake, max_attempts=3)
    await deliver_until(intake, cfg, lambda: outbox.messages(intake.store.engine)[0].status == outbox.DEAD)
    [dead] = outbox.messages(intake.store.engine, status=outbox.DEAD)
    assert dead.attempts == 3 and dead.reference == reference and "Error" in dead.last_error
    assert outbox.retry_dead(intake.store.engine, reference, datetime.now(timezone.utc)) == 1
    assert outbox.messages(intake.store.engine)[0].status == outbox.PENDING


async def relay_process(tmp_path: Path, url: str) -> asyncio.subprocess.Process:
    (tmp_path / "keys").mkdir(exist_ok=True)
    (tmp_path / "keys" / "forward_secret.key").write_bytes(SECRET)
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(tmp_path), "FAMILYVOICE_FORWARD_URL": url}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "relay", "--lease", "1", "--base-delay", "0.1", "--timeout", "30",
        cwd=PROJECT_ROOT, env=env,
    )


async def wait_for(condition, seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_a_crash_after_commit_but_before_sending_still_delivers_after_restart(intake, receiver, tmp_path):
    reference = submit(intake)  # committed; no relay was running (it had crashed)
    relay = await relay_process(tmp_path, receiver.url)
    try:
        await wait_for(lambda: outbox.messages(intake.store.engine)[0].status == outbox.SENT)
    finally:
        relay.kill()
        await relay.wait()
    assert [key for key, _ in receiver.received] == [f"referral-{reference}"]


async def test_a_crash_after_sending_delivers_a_duplicate_with_the_same_key(intake, receiver, tmp_path):
    reference = submit(intake)
    receiver.hang = True  # the receiver got it, but the relay never hears back
    relay = await relay_process(tmp_path, receiver.url)
    await asyncio.wait_for(receiver.hung.wait(), 20)
    relay.send_signal(signal.SIGKILL)
    await relay.wait()
    receiver.hang = False
    restarted = await relay_process(tmp_path, receiver.url)
    try:
        await wait_for(lambda: outbox.messages(intake.store.engine)[0].status == outbox.SENT)
    finally:
        restarted.kill()
        await restarted.wait()
    keys = [key for key, _ in receiver.received]
    assert keys == [f"referral-{reference}"] * 2  # a duplicate, never a different message
    assert receiver.received[0][1] == receiver.received[1][1]
