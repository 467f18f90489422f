"""One address in front of several processes: an HAProxy configuration and its process.

Production runs several `rasa run` workers and action servers (Redis keeps each
conversation's turns in order across workers; PostgreSQL holds the shared state), and HAProxy,
a proven load balancer, spreads requests over the ones that pass their health check.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pool:
    name: str
    port: int  # the one address clients use
    servers: tuple[int, ...]  # the workers' ports
    health_path: str
    # How to choose a worker: HAProxy's "balance" argument. Round robin unless a request says
    # whose it is (see RASA_BALANCE).
    balance: str = "roundrobin"


# The same sender to the same Rasa worker, while it is up: that worker then holds her
# conversation in memory (rasa_ext/encrypted_tracker_store.py) instead of reading it back
# each turn. Twilio's webhooks carry the sender as the form field From; requests without it
# (web chat, health checks) go round robin. Correctness never depends on this: the Redis lock
# store orders her turns and the tracker store re-reads whatever another worker wrote.
RASA_BALANCE = "url_param From check_post"


def haproxy_config(pools: list[Pool]) -> str:
    lines = [
        "global",
        "    maxconn 4096",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 75s",
        "    timeout server 75s",
        # A connection refused by a dead worker is retried on a live one, so a reporter's
        # turn is not lost while the health check catches up.
        "    retries 3",
        "    option redispatch",
        # Connections to the workers are kept alive between requests (HAProxy's default);
        # closing each one cost the workers a new connection per turn.
    ]
    for pool in pools:
        lines += [
            f"frontend {pool.name}",
            f"    bind 127.0.0.1:{pool.port}",
            f"    default_backend {pool.name}_servers",
            f"backend {pool.name}_servers",
            f"    balance {pool.balance}",
            f"    option httpchk GET {pool.health_path}",
        ]
        lines += [
            f"    server {pool.name}{index} 127.0.0.1:{port} check inter 500ms fall 2 rise 2"
            for index, port in enumerate(pool.servers, start=1)
        ]
    return "\n".join(lines) + "\n"


def start_haproxy(pools: list[Pool], run_dir: Path, log: Path) -> subprocess.Popen:
    binary = shutil.which("haproxy")
    if binary is None:
        raise RuntimeError("HAProxy is not installed: run scripts/haproxy.sh (make test does).")
    config = run_dir / f"haproxy-{pools[0].port}.cfg"
    config.write_text(haproxy_config(pools))
    with open(log, "ab") as out:
        # -db: stay in the foreground, so it stops with the rest of the stack.
        return subprocess.Popen([binary, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
