"""The production shape, for real: two Rasa workers and two action servers behind HAProxy,
PostgreSQL for the store and the tracker store, Redis as Rasa's lock store.

Two reports are interleaved turn by turn through the one address, so consecutive turns of one
conversation land on different workers; neither may lose or borrow a word. Then workers are
killed with SIGKILL in the middle of a report, which must carry on to the end.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy

from bench.reporter import next_answer
from bot.config import PROJECT_ROOT
from bot.launcher import Stack, start_stack
from tests.e2e.conftest import MODEL, say, texts

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

POSTGRES = os.environ.get("FAMILYVOICE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("FAMILYVOICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def services_or_skip() -> None:
    import redis

    try:
        sqlalchemy.create_engine(POSTGRES, future=True, connect_args={"connect_timeout": 3}).connect().close()
        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL or Redis is not running, and CI must test the production shape: {error}")
        pytest.skip(f"PostgreSQL or Redis is not running: {error}")


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[tuple[Stack, dict[str, str], Path]]:
    services_or_skip()
    var_dir = tmp_path_factory.mktemp("production")
    schema = f"fv_prod_{secrets.token_hex(4)}"
    admin = sqlalchemy.create_engine(POSTGRES, future=True)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = sqlalchemy.engine.make_url(POSTGRES).update_query_dict({"options": f"-csearch_path={schema}"})
    url = url.render_as_string(hide_password=False)
    env = {"FAMILYVOICE_DB_URL": url, "FAMILYVOICE_TRACKER_DB_URL": url}
    cli_env = {**os.environ, **env, "FAMILYVOICE_VAR_DIR": str(var_dir)}
    for command in (["keys", "init", "--dev"], ["db", "upgrade"]):
        done = subprocess.run([sys.executable, "-m", "bot.cli", *command], cwd=PROJECT_ROOT, env=cli_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    stack = start_stack(model=MODEL, var_dir=var_dir, env=env, workers=2, redis_url=REDIS)
    try:
        yield stack, cli_env, var_dir
    finally:
        stack.stop()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


def show(cli_env: dict[str, str], reference: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "referrals", "show", reference, "--json"],
        cwd=PROJECT_ROOT, env=cli_env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class Reporter:
    """A scripted reporter (bench/reporter.py) whose child has a name of her own."""

    def __init__(self, stack: Stack, child: str) -> None:
        self.stack, self.child, self.sender = stack, child, f"prod-{child}-{secrets.token_hex(3)}"
        self.next: str | None = f"I'm worried about my grandson {child}, he is 3 and a half"
        self.reference: str | None = None
        self.turns = 0

    def take_turn(self) -> None:
        replies = say(self.stack, self.sender, self.next)
        self.turns += 1
        said = texts(replies)
        answer = next_answer(said)
        if answer is None:
            self.reference = next(w.strip(".,") for w in said.split() if w.startswith("FV-"))
        elif "child's name" in said:
            answer = self.child
        self.next = answer


def hold(reporters: list[Reporter], between_turns=lambda turn: None, max_turns: int = 60) -> None:
    for turn in range(max_turns):
        active = [r for r in reporters if r.reference is None]
        if not active:
            return
        between_turns(turn)
        for reporter in active:
            reporter.take_turn()
    raise AssertionError("reports did not finish")


def test_two_reports_interleaved_across_two_workers_do_not_mix(production):
    stack, cli_env, _ = production
    tom, amira = Reporter(stack, "Tomasz"), Reporter(stack, "Amira")
    hold([tom, amira])
    for reporter, other in ((tom, amira), (amira, tom)):
        referral = show(cli_env, reporter.reference)
        assert referral["child"]["name"] == reporter.child
        said = " ".join(t["text"] for t in referral["transcript"] if t["speaker"] == "reporter")
        assert other.child not in said
        # Every turn she took is in her referral, once: none lost, none taken twice.
        assert sum(1 for t in referral["transcript"] if t["speaker"] == "reporter") == reporter.turns


def test_killing_a_rasa_worker_and_an_action_server_mid_report_loses_no_turn(production):
    stack, cli_env, var_dir = production
    by_port = {p.args[p.args.index("--port") + 1]: p for p in stack.processes if "--port" in p.args}
    victims = [by_port[str(stack.workers["rasa"][0])], by_port[str(stack.workers["actions"][1])]]
    reporter = Reporter(stack, "Kacper")

    def kill_at(turn: int) -> None:
        if turn in (3, 6):
            victim = victims[turn // 3 - 1]
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            time.sleep(1.5)  # HAProxy's health check notices within about a second

    hold([reporter], between_turns=kill_at)
    referral = show(cli_env, reporter.reference)
    assert referral["child"]["name"] == "Kacper"
    assert sum(1 for t in referral["transcript"] if t["speaker"] == "reporter") == reporter.turns


def test_no_internal_server_answers_a_call_without_the_action_secret(production):
    """Behind the balancer too: the action servers refuse a forged call (through HAProxy and
    directly), every internal server listens on loopback, and the health checks still pass."""
    from bot import internal_auth
    from tests.security.test_action_server import DANGER, forged_call, get, listening_addresses
    from tests.security.test_action_server import post

    stack, cli_env, var_dir = production
    reporter = Reporter(stack, "Zofia")
    hold([reporter])
    # Only the workers still running: a fault test may have killed one.
    by_port = {p.args[p.args.index("--port") + 1]: p for p in stack.processes if "--port" in p.args}
    alive = {name: [port for port in ports if by_port[str(port)].poll() is None]
             for name, ports in stack.workers.items()}
    body = forged_call("action_add_to_report", reporter.reference, DANGER)
    for port in (stack.actions_port, *alive["actions"]):
        assert post(f"http://127.0.0.1:{port}/webhook", body)[0] == 401
        assert get(f"http://127.0.0.1:{port}/health") == 200
    referral = show(cli_env, reporter.reference)
    assert referral["additions"] == [] and referral["emergency"] is False
    secret = internal_auth.load_action_secret(var_dir / "keys")
    secret = {internal_auth.ACTION_SECRET_HEADER: secret}
    assert get(f"http://127.0.0.1:{stack.actions_port}/actions", secret) == 200
    for port in (*alive["actions"], *alive["rasa"], stack.actions_port, stack.rasa_port):
        assert listening_addresses(port) == {"0100007F"}, port
