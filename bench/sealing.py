"""Sealed referrals per second through `Intake.submit`, as the intake really does it.

Each referral is triaged, linked (blind indexes against the earlier ones), sealed with X-Wing
(ML-KEM-768 + X25519) to the unit's public key, signed with the intake's Ed25519 key, and
committed with its indexes. Run alone (the machine is shared: nothing else should be running):

    python -m bench.sealing [--referrals 1000] [--writers 1] [--db sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def _reports(first: int, count: int) -> list[dict]:
    # Different children and words, as in real life: linking then has earlier referrals to
    # search, few to find, and no text is scanned twice across reports (bot/indicators.py
    # keeps recent scans).
    return [
        {
            "child_name": f"Child{i}",
            "child_age": str(i % 17),
            "child_area": f"LS{i % 30}",
            "concern_description": f"He has bruises on his arms, I saw them on visit {i}",
        }
        for i in range(first, first + count)
    ]


def _seal_share(
    url: str,
    unit_seed: bytes,
    signing_seed: bytes,
    secret: bytes,
    first: int,
    count: int,
    start: Any,
) -> tuple[float, float]:
    """One writer process (as one action server): seals ``count`` referrals once all are ready."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from bot.intake import Intake
    from bot.store import Store
    from bot.xwing import XWingPrivateKey

    public_key = XWingPrivateKey(unit_seed).public_key()
    signing_key = Ed25519PrivateKey.from_private_bytes(signing_seed)
    intake = Intake(Store(url), public_key, secret, signing_key=signing_key)
    now = datetime.now(timezone.utc)
    reports = [
        (
            answers,
            [
                {
                    "event": "user",
                    "text": answers["concern_description"],
                    "timestamp": now.timestamp(),
                }
            ],
        )
        for answers in _reports(first, count)
    ]
    start.wait()  # a barrier: every writer has imported and connected
    began = time.time()
    for answers, events in reports:
        intake.submit(answers, events, channel="webchat", conversation_id=uuid.uuid4().hex, now=now)
    return began, time.time()


def sealing_rate(url: str, count: int, writers: int = 1) -> float:
    """Sealed, signed, triaged, linked referrals per second through Intake.submit into a store,
    from ``writers`` processes at once (as several action servers submit at once in production);
    timed from the moment all are ready to the last commit, and every referral checked stored
    (and sealed with X-Wing)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from sqlalchemy import text

    from bot import sealing
    from bot.store import Store

    store = Store(url)
    store.create_all()
    unit_seed, signing_seed, secret = os.urandom(32), os.urandom(32), os.urandom(32)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(writers, mp_context=context) as pool:
        start = manager.Barrier(writers + 1)
        shares = [
            (i * count // writers, (i + 1) * count // writers - i * count // writers)
            for i in range(writers)
        ]
        running = [
            pool.submit(_seal_share, url, unit_seed, signing_seed, secret, first, n, start)
            for first, n in shares
        ]
        start.wait(timeout=120)
        spans = [f.result() for f in running]
    rate = count / (max(end for _, end in spans) - min(began for began, _ in spans))
    with store.engine.connect() as connection:
        stored = connection.execute(
            text("SELECT count(*) FROM referrals WHERE suite = :suite AND origin_sig IS NOT NULL"),
            {"suite": sealing.SUITE_XWING},
        ).scalar()
    store.engine.dispose()
    if stored != count:
        raise RuntimeError(
            f"sealed {count} referrals but {stored} are stored sealed with X-Wing and signed"
        )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--referrals", type=int, default=1000)
    parser.add_argument("--writers", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    if args.db == "postgresql":
        from bench.run import postgres_schema_url

        url, drop = postgres_schema_url()
        try:
            rate = sealing_rate(url, args.referrals, args.writers)
        finally:
            drop()
    else:
        with tempfile.TemporaryDirectory(prefix="fv-seal-") as where:
            rate = sealing_rate(
                f"sqlite:///{Path(where) / 'sealing.db'}", args.referrals, args.writers
            )
    print(f"sealed referrals/s, {args.db}, {args.writers} writer(s): {rate:.0f}")


if __name__ == "__main__":
    main()
