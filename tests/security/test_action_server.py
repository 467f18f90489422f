"""The action server runs bot/ for whoever calls it, so only our Rasa may: it listens on
loopback and refuses, before any action runs, every call without the action secret."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot import internal_auth
from tests.e2e.conftest import familyvoice
from tests.security.conftest import file_report, log_text

pytestmark = pytest.mark.e2e

DANGER = "He has a knife and says he will kill her right now"


def forged_call(
    action: str, reference: str | None, text: str, sender: str = "webchat-intruder"
) -> dict:
    """What Rasa would send to run ``action`` for a conversation holding ``reference``."""
    now = time.time()
    slots = {"reference": reference, "submitted": True} if reference else {}
    latest = {
        "text": text,
        "intent": {"name": "inform", "confidence": 1.0},
        "entities": [],
        "metadata": {},
    }
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": latest,
            "latest_event_time": now,
            "followup_action": None,
            "paused": False,
            "events": [
                {
                    "event": "user",
                    "timestamp": now,
                    "text": text,
                    "parse_data": latest,
                    "input_channel": "webchat",
                }
            ],
            "latest_input_channel": "webchat",
            "active_loop": {},
            "latest_action": {"action_name": "action_listen"},
            "latest_action_name": "action_listen",
        },
    }


def post(url: str, body: dict, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=30
        ) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def shown(var_dir: Path, reference: str) -> dict:
    done = familyvoice(var_dir, "referrals", "show", reference, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def queue(var_dir: Path) -> list[dict]:
    done = familyvoice(var_dir, "referrals", "list", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def listening_addresses(port: int) -> set[str]:
    """The local addresses that listen on ``port`` (the kernel's own table, IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_a_forged_addition_is_refused_and_seals_nothing(stack, var_dir):
    reference = file_report(stack, "security-victim-1")
    before = shown(var_dir, reference)
    assert before["emergency"] is False and before["additions"] == []
    url = f"http://127.0.0.1:{stack.actions_port}/webhook"
    body = forged_call("action_add_to_report", reference, DANGER)

    for headers in (
        {},
        {internal_auth.ACTION_SECRET_HEADER: "0" * 64},
        {internal_auth.ACTION_SECRET_HEADER: ""},
    ):
        status, answer = post(url, body, headers)
        assert status == 401, (status, answer)
        assert b"FV-" not in answer and b"events" not in answer

    after = shown(var_dir, reference)
    assert after["additions"] == [], "a stranger's words were sealed onto her referral"
    assert after["emergency"] is False and after["priority"] == before["priority"]
    row = next(r for r in queue(var_dir) if r["reference"] == reference)
    assert row["emergency"] is False


def test_a_forged_referral_is_not_filed(stack, var_dir):
    before = {r["reference"] for r in queue(var_dir)}
    body = forged_call("action_submit_referral", None, DANGER, sender="webchat-invented")
    body["tracker"]["slots"] = {"child_name": "Invented", "concern_description": DANGER}
    for action in ("action_submit_referral", "action_restart"):
        body["next_action"] = action
        status, _ = post(f"http://127.0.0.1:{stack.actions_port}/webhook", body)
        assert status == 401
    assert {r["reference"] for r in queue(var_dir)} == before


def test_only_the_health_check_answers_without_the_secret(stack, var_dir):
    base = f"http://127.0.0.1:{stack.actions_port}"
    assert get(base + "/health") == 200  # what a balancer checks
    assert get(base + "/actions") == 401
    secret = internal_auth.load_action_secret(var_dir / "keys")
    assert get(base + "/actions", {internal_auth.ACTION_SECRET_HEADER: secret}) == 200


def test_the_action_server_listens_on_loopback_only(stack):
    addresses = listening_addresses(stack.actions_port)
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1, and nothing else (not 0.0.0.0)


def test_rasa_sends_the_secret_and_nothing_logs_it(stack, var_dir):
    # A whole report goes through (every action call authenticated)...
    reference = file_report(stack, "security-secret-in-logs")
    assert shown(var_dir, reference)["status"] == "complete"
    # ...and the secret appears in no log, and on no process's command line.
    secret = internal_auth.load_action_secret(var_dir / "keys")
    assert secret not in log_text(var_dir)
    for process in stack.processes:
        assert secret not in " ".join(map(str, process.args))
