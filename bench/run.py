"""`make bench`: FamilyVoice against stock Rasa on this machine, in one run, printed as a table.

Usage: python -m bench.run [--concurrency 20] [--seconds 30] [--rounds 3] [--referrals 1000] [--stock-warmup 120]

Stock Rasa stays up for the whole run. Each FamilyVoice shape is measured in ``--rounds``
windows interleaved with windows of stock Rasa under the same load (ABBA order), and its ratio
is to those stock windows: a shared VM's speed drifts by a third over minutes, and two
measurements minutes apart would compare the machine with itself as much as the stacks.
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import nlu
from bench.conversations import conversation_rows
from bench.load import LoadResult
from bench.sealing import sealing_rate
from bench.stacks import PROJECT, Running, start_familyvoice, start_stock_rasa
POSTGRES_URL = os.environ.get("FAMILYVOICE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


def intent_accuracy(folds: int = 3) -> float:
    """Cross-validated intent accuracy of config.yml's lean pipeline on data/nlu (what it keeps)."""
    import json

    with tempfile.TemporaryDirectory(prefix="fv-nlu-") as out:
        subprocess.run(
            [sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
             "--cross-validation", "--folds", str(folds), "--out", out],
            cwd=PROJECT, check=True, capture_output=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
        )
        return float(json.loads((Path(out) / "intent_report.json").read_text())["accuracy"])


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


@dataclass
class Run:
    name: str
    ready: float
    load: LoadResult
    baseline: LoadResult  # stock Rasa in the windows interleaved with this one's
    peak_rss_mb: float  # sum of per-process peaks (shared pages counted in every process)
    stack_mb: float  # peak of the whole stack's resident memory (shared pages once)


def paired(ours: Running, stock: Running, args: argparse.Namespace) -> tuple[LoadResult, LoadResult]:
    """``args.rounds`` windows each, alternating which goes first, after a short warm-up."""
    ours.drive(args.concurrency, 3)
    stock.drive(args.concurrency, 3)
    mine, theirs = LoadResult(), LoadResult()
    window = args.seconds / args.rounds
    for round_number in range(args.rounds):
        order = [(ours, mine), (stock, theirs)]
        for running, total in order if round_number % 2 else reversed(order):
            total.add(running.drive(args.concurrency, window))
    return mine, theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds per stack and shape")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved windows the seconds are split into")
    parser.add_argument("--referrals", type=int, default=1000)
    parser.add_argument("--stock-warmup", type=float, default=120, help="seconds of load on stock Rasa before measuring")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="fv-bench-"))
    atexit.register(shutil.rmtree, var, True)  # databases, keys and logs of every stack: ~100 MB a run
    # make run's shape last: stock Rasa was still speeding up minutes into a run, and the
    # shape measured first was being compared with its slowest windows.
    shapes = [
        ("FamilyVoice, 2 workers, SQLite + Redis", 2, False),
        ("FamilyVoice, 2 workers, PostgreSQL + Redis", 2, True),
        ("FamilyVoice, 1 worker, SQLite (make run)", 1, False),
    ]
    runs: list[Run] = []
    stock = start_stock_rasa(var)
    # Stock Rasa's TensorFlow policies trace a graph for each new input shape, so its first
    # minute is slower than its steady state; measure it warmed up (the stricter baseline).
    stock.drive(args.concurrency, args.stock_warmup)
    stock_all = LoadResult()
    try:
        for name, workers, on_postgres in shapes:
            pg_url, drop = postgres_schema_url() if on_postgres else (None, lambda: None)
            try:
                ours = start_familyvoice(var, name, workers, pg_url)
                try:
                    mine, theirs = paired(ours, stock, args)
                finally:
                    rss, stack_mb = ours.finish()
            finally:
                drop()
            runs.append(Run(name, ours.ready, mine, theirs, rss, stack_mb))
            stock_all.add(theirs)
    finally:
        stock_rss, stock_mb = stock.finish()
    stock_run = Run(stock.name, stock.ready, stock_all, stock_all, stock_rss, stock_mb)

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
        load, baseline = run.load, run.baseline.turns_per_second
        ratio = load.turns_per_second / baseline if baseline else float("nan")
        return (f"| {run.name} | {load.turns_per_second:.1f} | {baseline:.1f} | {ratio:.2f}x | {load.percentile(50):.0f} | "
                f"{load.percentile(95):.0f} | {load.percentile(99):.0f} | {load.conversations_done} | {load.errors} | "
                f"{run.ready:.1f} | {run.stack_mb:.0f} | {run.peak_rss_mb:.0f} |")

    print(f"\nMachine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"Load: {args.concurrency} concurrent conversations, closed loop, {args.seconds:.0f} s per stack and shape "
          f"in {args.rounds} windows interleaved with stock Rasa's\n")
    print("| stack | turns/s | stock turns/s, same windows | x stock | p50 ms | p95 ms | p99 ms | conversations done "
          "| errors | ready s | stack RAM MB (Pss) | sum of peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs + [stock_run]:
        print(row(run))
    print("\nstack RAM: peak of the sum of every process's Pss (shared library pages once); sum of peak RSS "
          "counts them once per process.")
    print("Sealed referrals/s (" + f"{args.referrals} each): " + ", ".join(
        f"{db} {rate:.0f} with {writers} writer{'s' if writers > 1 else ''}" for (db, writers), rate in sealing.items()))
    print(f"Console queue page, 100,000 referrals (SQLite, 50 requests): p50 {queue_p50:.0f} ms, p95 {queue_p95:.0f} ms")
    print(f"Intent accuracy of the lean NLU pipeline (3-fold cross-validation on data/nlu): {accuracy:.1%}")
    print(nlu.rows())  # held-out accuracy and parse time per message (bench/nlu.py)
    print("\n" + "\n".join(conversation_rows()) + "\n")
    print("Targets: >= 3x stock turns/s at 20 concurrent, p95 <= 500 ms, ready <= 15 s, >= 500 sealed/s,"
          " queue p95 < 100 ms, whole stack < 1.5 GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
