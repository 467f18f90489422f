"""The console's queue page with 100,000 referrals, through the whole app (sessions, CSRF,
templates), signed in as an officer with password and TOTP."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot import keys, origin
from bot.signing_keys import SIGNING_KEY_FILE, load_signing_key
from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, STORE
from bot.console.config import ConsoleConfig
from tests.console.conftest import PASSWORD, Clock, sign_in
from tests.console.test_queue import fill


async def _measure(count: int, requests: int) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="fv-queue-") as tmp:  # 100,000 referrals: ~90 MB
        return await _measure_in(Path(tmp), count, requests)


async def _measure_in(var: Path, count: int, requests: int) -> list[float]:
    keys.init_keys(var / "keys", b"bench", cost=keys.ScryptCost(n=2**4, r=8, p=1))
    private = keys.load_private_key(var / "keys" / keys.PRIVATE_KEY_FILE, b"bench")
    clock = Clock()
    app = init_app(ConsoleConfig(db_url=f"sqlite:///{var / 'fv.db'}", keys_dir=var / "keys",
                                 private_key=private, dev_http=True, clock=clock))
    app[ACCOUNTS].add("bench", PASSWORD, "officer")
    fill(app[STORE], count, origin.Signer(load_signing_key(var / "keys" / SIGNING_KEY_FILE)))
    async with TestClient(TestServer(app)) as client:
        await sign_in(client, "bench", clock=clock)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            reply = await client.get("/")
            await reply.read()
            assert reply.status == 200
            samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples)


def queue_page_ms(count: int = 100_000, requests: int = 50) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    samples = asyncio.run(_measure(count, requests))
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]
