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
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.baseline import STOCK_SCRIPT, start_stock
from bench.load import LoadResult, closed_loop, rest_sender, sms_sender
from bench.reporter import OPENING, next_answer
from bot.launcher import free_port, start_stack

PROJECT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("FAMILYVOICE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def _tree(pids: list[int]) -> list[int]:
    """The processes and all their children."""
    found: list[int] = []
    queue = list(pids)
    while queue:
        pid = queue.pop()
        if pid in found:
            continue
        found.append(pid)
        try:
            queue += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _status_kb(pid: int, field: str, source: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def peak_rss_mb(pids: list[int]) -> float:
    """Sum of each process's peak resident set (VmHWM), children included. Pages shared between
    processes (the same Python, TensorFlow and Rasa libraries in every worker) count once per
    process, so for several workers this overstates what the stack holds."""
    return sum(_status_kb(pid, "VmHWM") for pid in _tree(pids)) / 1024


class MemorySampler:
    """The whole stack's resident memory, sampled once a second: the sum of each process's
    proportional set size (Pss: its own pages plus its share of pages it shares), i.e. the
    RAM the stack occupies, each shared page counted once."""

    def __init__(self, pids: list[int]) -> None:
        import threading

        self.pids, self.peak_mb = pids, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def sample(self) -> None:
        total = sum(_status_kb(pid, "Pss", "smaps_rollup") for pid in _tree(self.pids)) / 1024
        self.peak_mb = max(self.peak_mb, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self.sample()
        return self.peak_mb


def wait_ready(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise TimeoutError(url)


@dataclass
class Run:
    name: str
    ready: float
    load: LoadResult
    peak_rss_mb: float  # sum of per-process peaks (shared pages counted in every process)
    stack_mb: float  # peak of the whole stack's resident memory (shared pages once)


REDIS_URL = os.environ.get("FAMILYVOICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def familyvoice_run(args: argparse.Namespace, var: Path, name: str, workers: int = 1, db_url: str | None = None) -> Run:
    """The stack as `familyvoice up` starts it: one worker on SQLite (`make run`), or
    ``workers`` Rasa workers and action servers behind HAProxy with Redis as the lock store,
    on SQLite files or on PostgreSQL (``db_url``)."""
    var = var / f"fv-{workers}-{'pg' if db_url else 'sqlite'}"
    var.mkdir(parents=True)
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(var)}
    subprocess.run([sys.executable, "-m", "bot.cli", "keys", "init", "--dev"], env=env, check=True, capture_output=True)
    public_url = "https://familyvoice.bench.example"
    stack_env = {"FAMILYVOICE_TWILIO_AUTH_TOKEN": "bench-token", "FAMILYVOICE_TWILIO_PUBLIC_BASE_URL": public_url}
    if db_url:
        stack_env |= {"FAMILYVOICE_DB_URL": db_url, "FAMILYVOICE_TRACKER_DB_URL": db_url}
    started = time.monotonic()
    stack = start_stack(model=PROJECT / "models" / "current.tar.gz", var_dir=var, env=stack_env,
                        workers=workers, redis_url=REDIS_URL if workers > 1 else None)
    ready = time.monotonic() - started
    memory = MemorySampler([p.pid for p in stack.processes])
    try:
        script = lambda reply, _turn: next_answer(reply)  # noqa: E731
        path = "/webhooks/twilio_sms/webhook"
        sender = sms_sender(f"http://127.0.0.1:{stack.rasa_port}{path}", public_url + path, "bench-token")
        load = asyncio.run(closed_loop(sender, OPENING, script, concurrency=args.concurrency, duration=args.seconds))
        rss = peak_rss_mb([p.pid for p in stack.processes])
        stack_mb = memory.stop()
    finally:
        stack.stop()
    return Run(name, ready, load, rss, stack_mb)


def stock_run(args: argparse.Namespace, var: Path, when: str) -> Run:
    port = free_port()
    started = time.monotonic()
    process = start_stock(port, var / f"stock-rasa-{when}.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}/webhooks/rest/")
        ready = time.monotonic() - started
        memory = MemorySampler([process.pid])
        script = lambda _reply, turn: STOCK_SCRIPT[turn + 1] if turn + 1 < len(STOCK_SCRIPT) else None  # noqa: E731
        load = asyncio.run(closed_loop(rest_sender(f"http://127.0.0.1:{port}/webhooks/rest/webhook"), STOCK_SCRIPT[0],
                                       script, concurrency=args.concurrency, duration=args.seconds))
        rss = peak_rss_mb([process.pid])
        stack_mb = memory.stop()
    finally:
        process.terminate()
        process.wait(timeout=30)
    return Run(f"stock Rasa (rasa init, REST, 1 process), {when}", ready, load, rss, stack_mb)


def _reports(first: int, count: int) -> list[dict]:
    # Different children and words, as in real life: linking then has earlier referrals to
    # search, few to find, and no text is scanned twice across reports (bot/indicators.py
    # keeps recent scans).
    return [
        {"child_name": f"Child{i}", "child_age": str(i % 17), "child_area": f"LS{i % 30}",
         "concern_description": f"He has bruises on his arms, I saw them on visit {i}"}
        for i in range(first, first + count)
    ]


def _seal_share(url: str, public_key: bytes, secret: bytes, first: int, count: int, start: Any) -> tuple[float, float]:
    """One writer process (as one action server): seal ``count`` referrals once every writer is ready."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    from bot.intake import Intake
    from bot.store import Store

    intake = Intake(Store(url), X25519PublicKey.from_public_bytes(public_key), secret)
    now = datetime.now(timezone.utc)
    reports = [(answers, [{"event": "user", "text": answers["concern_description"], "timestamp": now.timestamp()}])
               for answers in _reports(first, count)]
    start.wait()  # a barrier: every writer has imported and connected
    began = time.time()
    for answers, events in reports:
        intake.submit(answers, events, channel="webchat", conversation_id=uuid.uuid4().hex, now=now)
    return began, time.time()


def sealing_rate(url: str, count: int, writers: int = 1) -> float:
    """Sealed, triaged, linked referrals per second through Intake.submit into a store, from
    ``writers`` processes at once (as several action servers submit at once in production);
    timed from the moment all are ready to the last commit, and every referral checked stored."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from bot.store import Store

    store = Store(url)
    store.create_all()
    public_key = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    secret = os.urandom(32)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(writers, mp_context=context) as pool:
        start = manager.Barrier(writers + 1)
        shares = [(i * count // writers, (i + 1) * count // writers - i * count // writers) for i in range(writers)]
        running = [pool.submit(_seal_share, url, public_key, secret, first, n, start) for first, n in shares]
        start.wait(timeout=120)
        spans = [f.result() for f in running]
    rate = count / (max(end for _, end in spans) - min(began for began, _ in spans))
    with store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT count(*) FROM referrals").scalar()
    store.engine.dispose()
    if stored != count:
        raise RuntimeError(f"sealed {count} referrals but {stored} are stored")
    return rate


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
    # A shared VM's speed drifts over minutes: the baseline runs before and after our three
    # shapes, and each ratio is to the mean of the two.
    stocks = [stock_run(args, var, "before")]
    pg_url, drop = postgres_schema_url()
    try:
        runs = [
            familyvoice_run(args, var, "FamilyVoice, 1 worker, SQLite (make run)"),
            familyvoice_run(args, var, "FamilyVoice, 2 workers, SQLite + Redis", workers=2),
            familyvoice_run(args, var, "FamilyVoice, 2 workers, PostgreSQL + Redis", workers=2, db_url=pg_url),
        ]
    finally:
        drop()
    stocks.append(stock_run(args, var, "after"))
    baseline = sum(run.load.turns_per_second for run in stocks) / len(stocks)
    sealing = {}
    for writers in (1, 2):
        sealing[("SQLite", writers)] = sealing_rate(f"sqlite:///{var / f'sealing-{writers}.db'}", args.referrals, writers)
        pg_url, drop = postgres_schema_url()
        try:
            sealing[("PostgreSQL", writers)] = sealing_rate(pg_url, args.referrals, writers)
        finally:
            drop()

    from bench.queue_page import queue_page_ms

    accuracy = intent_accuracy()

    queue_p50, queue_p95 = queue_page_ms()

    def row(run: Run) -> str:
        load = run.load
        ratio = load.turns_per_second / baseline if baseline else float("nan")
        return (f"| {run.name} | {load.turns_per_second:.1f} | {ratio:.2f}x | {load.percentile(50):.0f} | "
                f"{load.percentile(95):.0f} | {load.percentile(99):.0f} | {load.conversations_done} | {load.errors} | "
                f"{run.ready:.1f} | {run.stack_mb:.0f} | {run.peak_rss_mb:.0f} |")

    print(f"\nMachine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Load: {args.concurrency} concurrent conversations, closed loop, {args.seconds:.0f} s each\n")
    print("| stack | turns/s | x stock | p50 ms | p95 ms | p99 ms | conversations done | errors | ready s "
          "| stack RAM MB (Pss) | sum of peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs + stocks:
        print(row(run))
    print(f"\nx stock: turns/s over the mean of the two stock runs ({baseline:.1f} turns/s).")
    print("stack RAM: peak of the sum of every process's Pss (shared library pages once); sum of peak RSS "
          "counts them once per process.")
    print("Sealed referrals/s (" + f"{args.referrals} each): " + ", ".join(
        f"{db} {rate:.0f} with {writers} writer{'s' if writers > 1 else ''}" for (db, writers), rate in sealing.items()))
    print(f"Console queue page, 100,000 referrals (SQLite, 50 requests): p50 {queue_p50:.0f} ms, p95 {queue_p95:.0f} ms")
    print(f"Intent accuracy of the lean NLU pipeline (3-fold cross-validation on data/nlu): {accuracy:.1%}")
    print("Targets: >= 3x stock turns/s at 20 concurrent, p95 <= 500 ms, ready <= 15 s, >= 500 sealed/s,"
          " queue p95 < 100 ms, whole stack < 1.5 GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
