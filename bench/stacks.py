"""The stacks `make bench` drives: FamilyVoice in its three shapes, and stock Rasa, each started,
driven by the closed-loop load generator for as many windows as asked, measured and stopped."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench.baseline import STOCK_SCRIPT, start_stock
from bench.load import LoadResult, Script, Send, closed_loop, rest_sender, sms_sender
from bench.reporter import OPENING, next_answer
from bot.launcher import free_port, start_stack

PROJECT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("FAMILYVOICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


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
class Running:
    """A started stack: how to talk to it, and its processes to measure and stop."""

    name: str
    ready: float  # seconds from start to answering
    send: Send
    opening: str
    script: Script
    pids: list[int]
    stop: Callable[[], None]
    memory: MemorySampler = field(init=False)

    def __post_init__(self) -> None:
        self.memory = MemorySampler(self.pids)

    def drive(self, concurrency: int, seconds: float) -> LoadResult:
        return asyncio.run(closed_loop(self.send, self.opening, self.script, concurrency=concurrency, duration=seconds))

    def finish(self) -> tuple[float, float]:
        """Stop it; (sum of peak RSS, peak of the whole stack's Pss) in MB."""
        try:
            return peak_rss_mb(self.pids), self.memory.stop()
        finally:
            self.stop()


def start_familyvoice(var: Path, name: str, workers: int = 1, db_url: str | None = None) -> Running:
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
    path = "/webhooks/twilio_sms/webhook"
    sender = sms_sender(f"http://127.0.0.1:{stack.rasa_port}{path}", public_url + path, "bench-token")
    return Running(name, ready, sender, OPENING, lambda reply, _turn: next_answer(reply),
                   [p.pid for p in stack.processes], stack.stop)


def start_stock_rasa(var: Path) -> Running:
    """The `rasa init` starter bot, REST channel, one process."""
    port = free_port()
    started = time.monotonic()
    process = start_stock(port, var / "stock-rasa.log")
    try:
        wait_ready(f"http://127.0.0.1:{port}/webhooks/rest/")
    except BaseException:
        process.kill()
        raise
    ready = time.monotonic() - started

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    return Running("stock Rasa (rasa init, REST, 1 process)", ready,
                   rest_sender(f"http://127.0.0.1:{port}/webhooks/rest/webhook"), STOCK_SCRIPT[0],
                   lambda _reply, turn: STOCK_SCRIPT[turn + 1] if turn + 1 < len(STOCK_SCRIPT) else None,
                   [process.pid], stop)
