"""The real running system for end-to-end tests: Rasa server + action server on free ports,
a fresh SQLite store and fresh development keys in a temporary var/ directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.config import PROJECT_ROOT
from bot.launcher import Stack, start_stack
from tests.e2e.council_site import CouncilSite

MODEL = PROJECT_ROOT / "models" / "current.tar.gz"


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


def familyvoice(var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI as an operator would, against the test's var/ directory."""
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(var_dir)}
    env.pop("FAMILYVOICE_KEY_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


# --- web chat widget (issue 4): a council's site, started first (on a port it keeps) so the
# stack can be told its origin, which may then embed the chat. ---
@pytest.fixture(scope="session")
def council_site() -> Iterator[CouncilSite]:
    site = CouncilSite()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def stack(var_dir: Path, council_site: CouncilSite) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model at models/current.tar.gz: run `make model` (make test does).")
    made = familyvoice(var_dir, "keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    running = start_stack(
        model=MODEL, var_dir=var_dir,
        env={"FAMILYVOICE_WEBCHAT_ORIGINS": council_site.origin},
    )
    yield running
    running.stop()


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def say(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    status, replies = post(stack.webchat_url, json.dumps({"sender": sender, "message": text}).encode())
    assert status == 200, (status, replies)
    return replies


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
