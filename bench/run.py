"""`make bench`: FamilyVoice against stock Rasa on this machine, in one run, printed as a table.

Usage: python -m bench.run [--concurrency 20] [--seconds 30] [--referrals 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

from bench.baseline import STOCK_SCRIPT, start_stock
from bench.load import LoadResult, closed_loop, rest_sender, sms_sender
from bench.reporter import OPENING, next_answer
from bot.launcher import free_port, start_stack

PROJECT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("FAMILYVOICE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def peak_rss_mb(pids: list[int]) -> float:
    """Sum of each process's peak resident set (VmHWM), children included."""
    total_kb = 0
    seen: set[int] = set()
    queue = list(pids)
    while queue:
        pid = queue.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
            queue += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kb / 1024


def wait_ready(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise TimeoutError(url)


def familyvoice_run(args: argparse.Namespace, var: Path) -> tuple[float, LoadResult, float]:
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(var)}
    subprocess.run([sys.executable, "-m", "bot.cli", "keys", "init", "--dev"], env=env, check=True, capture_output=True)
    public_url = "https://familyvoice.bench.example"
    sms_env = {"FAMILYVOICE_TWILIO_AUTH_TOKEN": "bench-token", "FAMILYVOICE_TWILIO_PUBLIC_BASE_URL": public_url}
    started = time.monotonic()
    stack = start_stack(model=PROJECT / "models" / "current.tar.gz", var_dir=var, env=sms_env)
    ready = time.monotonic() - started
    try:
        script = lambda reply, _turn: next_answer(reply)  # noqa: E731
        path = "/webhooks/twilio_sms/webhook"
        sender = sms_sender(f"http://127.0.0.1:{stack.rasa_port}{path}", public_url + path, "bench-token")
        load = asyncio.run(closed_loop(sender, OPENING, script, concurrency=args.concurrency, duration=args.seconds))
        rss = peak_rss_mb([p.pid for p in stack.processes])
    finally:
        stack.stop()
    return ready, load, rss


def stock_run(args: argparse.Namespace, var: Path) -> tuple[float, LoadResult, float]:
    port = free_port()
    started = time.monotonic()
    process = start_stock(port, var / "stock-rasa.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}/webhooks/rest/")
        ready = time.monotonic() - started
        script = lambda _reply, turn: STOCK_SCRIPT[turn + 1] if turn + 1 < len(STOCK_SCRIPT) else None  # noqa: E731
        load = asyncio.run(closed_loop(rest_sender(f"http://127.0.0.1:{port}/webhooks/rest/webhook"), STOCK_SCRIPT[0],
                                       script, concurrency=args.concurrency, duration=args.seconds))
        rss = peak_rss_mb([process.pid])
    finally:
        process.terminate()
        process.wait(timeout=30)
    return ready, load, rss


def sealing_rate(url: str, count: int, var: Path) -> float:
    """Sealed, triaged referrals per second through Intake.submit into a store."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from bot.intake import Intake
    from bot.store import Store

    store = Store(url)
    store.create_all()
    intake = Intake(store, X25519PrivateKey.generate().public_key(), os.urandom(32))
    now = datetime.now(timezone.utc)
    events = [{"event": "user", "text": "He has bruises on his arms", "timestamp": now.timestamp()}]
    # Different children, as in real life: linking then has earlier referrals to search, few to find.
    reports = [
        {"child_name": f"Child{i}", "child_age": str(i % 17), "child_area": f"LS{i % 30}",
         "concern_description": "He has bruises on his arms"}
        for i in range(count)
    ]
    started = time.monotonic()
    for answers in reports:
        intake.submit(answers, events, channel="webchat", conversation_id=uuid.uuid4().hex, now=now)
    return count / (time.monotonic() - started)


def intent_accuracy(folds: int = 3) -> float:
    """Cross-validated intent accuracy of config.yml's lean pipeline on data/nlu (what it keeps)."""
    import json

    out = Path(tempfile.mkdtemp(prefix="fv-nlu-"))
    subprocess.run(
        [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
         "--cross-validation", "--folds", str(folds), "--out", str(out)],
        cwd=PROJECT, check=True, capture_output=True,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
    )
    return float(json.loads((out / "intent_report.json").read_text())["accuracy"])


def postgres_schema_url() -> tuple[str, callable]:
    import sqlalchemy

    schema = f"fv_bench_{uuid.uuid4().hex[:8]}"
    engine = sqlalchemy.create_engine(POSTGRES_URL, future=True)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")

    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--referrals", type=int, default=1000)
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="fv-bench-"))
    ours = familyvoice_run(args, var)
    stock = stock_run(args, var)
    sqlite_rate = sealing_rate(f"sqlite:///{var / 'bench.db'}", args.referrals, var)
    pg_url, drop = postgres_schema_url()
    try:
        pg_rate = sealing_rate(pg_url, args.referrals, var)
    finally:
        drop()

    from bench.queue_page import queue_page_ms

    accuracy = intent_accuracy()

    queue_p50, queue_p95 = queue_page_ms()

    def row(name: str, run: tuple[float, LoadResult, float]) -> str:
        ready, load, rss = run
        return (f"| {name} | {load.turns_per_second:.1f} | {load.percentile(50):.0f} | {load.percentile(95):.0f} | "
                f"{load.percentile(99):.0f} | {load.conversations_done} | {load.errors} | {ready:.1f} | {rss:.0f} |")

    print(f"\nMachine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Load: {args.concurrency} concurrent conversations, closed loop, {args.seconds:.0f} s each\n")
    print("| stack | turns/s | p50 ms | p95 ms | p99 ms | conversations done | errors | ready s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(row("FamilyVoice (signed SMS webhooks)", ours))
    print(row("stock Rasa (rasa init, REST)", stock))
    ratio = ours[1].turns_per_second / stock[1].turns_per_second if stock[1].turns_per_second else float("nan")
    print(f"\nThroughput ratio FamilyVoice / stock Rasa: {ratio:.1f}x")
    print(f"Sealed referrals/s: SQLite {sqlite_rate:.0f}, PostgreSQL {pg_rate:.0f} ({args.referrals} each)")
    print(f"Console queue page, 100,000 referrals (SQLite, 50 requests): p50 {queue_p50:.0f} ms, p95 {queue_p95:.0f} ms")
    print(f"Intent accuracy of the lean NLU pipeline (3-fold cross-validation on data/nlu): {accuracy:.1%}")
    print("Targets: >= 3x stock turns/s at 20 concurrent, p95 <= 500 ms, ready <= 15 s, >= 500 sealed/s,"
          " queue p95 < 100 ms, whole stack < 1.5 GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
