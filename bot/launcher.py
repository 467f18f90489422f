"""Starting the running system: the Rasa server (channels + dialogue) and the action server.

Used by ``familyvoice up`` and by the end-to-end tests, so both run exactly the same thing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot import internal_auth
from bot.config import PROJECT_ROOT

TRACKER_STORE = "rasa_ext.encrypted_tracker_store.EncryptedSQLTrackerStore"  # issue 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    rasa_port: int
    actions_port: int
    processes: list[subprocess.Popen] = field(default_factory=list)
    started_at: float = field(default_factory=time.monotonic)
    console_port: int | None = None  # issue 5: set by start_console
    workers: dict[str, list[int]] = field(default_factory=dict)  # production shape: each worker's port
    # How each process was started, so one can be started again after it died (fault tests).
    spawned: dict[int, tuple[list[str], dict[str, str], Path]] = field(default_factory=dict)

    def restart(self, process: subprocess.Popen) -> subprocess.Popen:
        """Start a dead process again exactly as it was started."""
        command, env, log = self.spawned.pop(process.pid)
        with open(log, "ab") as out:
            again = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.processes[self.processes.index(process)] = again
        self.spawned[again.pid] = (command, env, log)
        return again

    # --- duty officers' console (issue 5) ---
    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}/"

    @property
    def webchat_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/webchat/webhook"

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before it was ready; see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s; see {log}")


def start_stack(
    *,
    model: Path,
    var_dir: Path,
    rasa_port: int | None = None,
    actions_port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 180.0,
    workers: int = 1,
    redis_url: str | None = None,
) -> Stack:
    """Start the servers on the given (or free) ports and wait until they answer.

    With ``workers`` > 1 (production shape): that many Rasa servers and action servers behind
    HAProxy (bot/balancer.py) at ``rasa_port``/``actions_port``, Redis as Rasa's lock store so
    each conversation's turns stay in order across workers, and the databases named by
    FAMILYVOICE_DB_URL / FAMILYVOICE_TRACKER_DB_URL in ``env`` (PostgreSQL) shared by all.
    """
    stack = Stack(rasa_port or free_port(), actions_port or free_port())
    run_dir = var_dir / "run"
    log_dir = var_dir / "log"
    run_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    balanced = workers > 1
    rasa_ports = [free_port() for _ in range(workers)] if balanced else [stack.rasa_port]
    action_ports = [free_port() for _ in range(workers)] if balanced else [stack.actions_port]

    endpoints = run_dir / f"endpoints-{stack.rasa_port}.yml"
    # No action reads the domain, and the form's validation reads only the current message:
    # Rasa need not send (nor the action server parse) all of either with every message.
    # Every call carries the action secret (rasa_ext/serve.py exports it for the ${...}).
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{stack.actions_port}/webhook"\n'
        "  enable_selective_domain: true\n  current_turn_only: [validate_report_form]\n"
        f"  headers:\n    {internal_auth.ACTION_SECRET_HEADER}: "
        f"${{{internal_auth.ACTION_SECRET_ENV}}}\n"
    )
    # --- conversations at rest (issue 6): encrypted tracker store; database and key come from
    # FAMILYVOICE_TRACKER_DB_URL / FAMILYVOICE_TRACKER_KEY(_FILE) or this var dir (tracker.db).
    with endpoints.open("a") as out:
        out.write(f"tracker_store:\n  type: {TRACKER_STORE}\n")
        if redis_url:
            # One conversation's messages are handled one at a time, whichever worker gets them.
            redis = urllib.parse.urlsplit(redis_url)
            out.write(
                "lock_store:\n  type: redis\n"
                f"  url: {redis.hostname or '127.0.0.1'}\n  port: {redis.port or 6379}\n"
                f"  db: {int((redis.path or '/0').lstrip('/') or 0)}\n  key_prefix: fv{stack.rasa_port}\n"
            )

    child_env = {**os.environ, **(env or {}), "FAMILYVOICE_VAR_DIR": str(var_dir)}
    child_env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    child_env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), child_env.get("PYTHONPATH")]))

    def spawn(name: str, command: list[str]) -> subprocess.Popen:
        log = log_dir / f"{name}-{stack.rasa_port}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT)
        stack.processes.append(process)
        stack.spawned[process.pid] = (command, child_env, log)
        return process

    try:
        waits = []
        for index, port in enumerate(action_ports):
            # rasa_ext wrappers: stock rasa_sdk / rasa, with bot.logs (redacted JSON lines) (issue 6)
            process = spawn(
                f"actions{index or ''}",
                [
                    sys.executable,
                    "-m",
                    "rasa_ext.actions_server",
                    "--actions",
                    "actions",
                    "--host",
                    internal_auth.LOOPBACK,
                    "--port",
                    str(port),
                ],
            )
            waits.append((f"http://127.0.0.1:{port}/health", process, f"actions{index or ''}"))
        for index, port in enumerate(rasa_ports):
            process = spawn(f"rasa{index or ''}", [
                sys.executable, "-m", "rasa_ext.serve", "run",
                "--model", str(model),
                "--endpoints", str(endpoints),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--port", str(port),
                "--interface", "127.0.0.1",
            ])
            waits.append((f"http://127.0.0.1:{port}/webhooks/webchat/", process, f"rasa{index or ''}"))
        # Issue 6: passes on idle conversations and purges old ones (bot/sweeper.py).
        spawn("sweeper", [sys.executable, "-m", "bot.sweeper"])
        if balanced:
            from bot.balancer import RASA_BALANCE, Pool, start_haproxy

            pools = [
                Pool("rasa", stack.rasa_port, tuple(rasa_ports), "/webhooks/webchat/", balance=RASA_BALANCE),
                Pool("actions", stack.actions_port, tuple(action_ports), "/health"),
            ]
            haproxy = start_haproxy(pools, run_dir, log_dir / f"haproxy-{stack.rasa_port}.log")
            stack.processes.append(haproxy)
            stack.workers = {"rasa": rasa_ports, "actions": action_ports}
            waits += [
                (f"http://127.0.0.1:{stack.actions_port}/health", haproxy, "haproxy"),
                (f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/", haproxy, "haproxy"),
            ]
        for url, process, name in waits:
            _wait_for(url, process, timeout, log_dir / f"{name}-{stack.rasa_port}.log")
    except BaseException:
        stack.stop()
        raise
    return stack


# --- duty officers' console (issue 5) ---------------------------------------------------------


def start_console(
    stack: Stack,
    var_dir: Path,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Stack:
    """Start the console beside a running stack, on plain HTTP for localhost (the documented
    development switch), with the development keys' passphrase file unless one is given."""
    port = port or free_port()
    log = var_dir / "log" / f"console-{stack.rasa_port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    child_env = {**os.environ, **(env or {}), "FAMILYVOICE_VAR_DIR": str(var_dir)}
    child_env.setdefault("FAMILYVOICE_CONSOLE_DEV_HTTP", "1")
    child_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), child_env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "bot.cli", "console", "--host", "127.0.0.1", "--port", str(port)]
    try:
        with open(log, "ab") as out:
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT)
        stack.processes.append(process)
        _wait_for(f"http://127.0.0.1:{port}/health", process, timeout, log)
    except BaseException:
        stack.stop()
        raise
    stack.console_port = port
    return stack
