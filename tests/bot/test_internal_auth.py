"""The action secret and where internal servers listen (bot/internal_auth.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot import internal_auth
from bot.config import PROJECT_ROOT


def test_the_secret_is_made_once_and_kept(tmp_path):
    assert internal_auth.create_action_secret(tmp_path) is True
    path = tmp_path / internal_auth.ACTION_SECRET_FILE
    first = path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600
    assert internal_auth.create_action_secret(tmp_path) is False
    assert path.read_text() == first
    assert internal_auth.load_action_secret(tmp_path, {}) == first.strip()


def test_the_environment_wins_and_a_malformed_secret_is_refused(tmp_path):
    internal_auth.create_action_secret(tmp_path)
    assert (
        internal_auth.load_action_secret(tmp_path, {internal_auth.ACTION_SECRET_ENV: "ab" * 32})
        == "ab" * 32
    )
    with pytest.raises(internal_auth.InternalAuthError, match="32 bytes"):
        internal_auth.load_action_secret(tmp_path, {internal_auth.ACTION_SECRET_ENV: "ab" * 8})
    with pytest.raises(internal_auth.InternalAuthError, match="keys init"):
        internal_auth.load_action_secret(tmp_path / "empty", {})


def test_export_fills_the_variable_endpoints_yml_names(tmp_path):
    internal_auth.create_action_secret(tmp_path)
    environ: dict[str, str] = {}
    assert internal_auth.export_action_secret(tmp_path, environ) is True
    assert environ[internal_auth.ACTION_SECRET_ENV] == internal_auth.load_action_secret(
        tmp_path, {}
    )
    assert internal_auth.export_action_secret(tmp_path / "none", {}) is False


def test_only_the_exact_secret_is_authorised():
    secret = "cd" * 32
    assert internal_auth.is_authorised(secret, secret)
    for wrong in (None, "", "cd" * 31, "cd" * 32 + "00", "CD" * 32, "ünïcode"):
        assert not internal_auth.is_authorised(wrong, secret)


def test_off_loopback_needs_tls_or_an_explicit_choice():
    internal_auth.check_listen_address("127.0.0.1", tls=False, environ={})
    internal_auth.check_listen_address("::1", tls=False, environ={})
    internal_auth.check_listen_address("10.0.0.5", tls=True, environ={})
    internal_auth.check_listen_address(
        "10.0.0.5", tls=False, environ={internal_auth.PLAIN_HTTP_ENV: "1"}
    )
    for host in ("0.0.0.0", "10.0.0.5", "actions.internal"):
        with pytest.raises(internal_auth.InternalAuthError, match="without TLS"):
            internal_auth.check_listen_address(host, tls=False, environ={})
    assert internal_auth.internal_host({}) == "127.0.0.1"
    assert internal_auth.internal_host({internal_auth.INTERNAL_HOST_ENV: "10.0.0.5"}) == "10.0.0.5"


def test_the_action_server_does_not_start_without_its_secret_or_on_every_interface(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "FAMILYVOICE_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "rasa_ext.actions_server",
        "--actions",
        "actions",
        "--port",
        "1",
    ]
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "keys init" in done.stderr
    internal_auth.create_action_secret(tmp_path / "keys")
    done = subprocess.run(
        [*command, "--host", "0.0.0.0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "without TLS" in done.stderr


async def test_a_failed_action_is_answered_without_echoing_her_words():
    import json
    from types import SimpleNamespace

    from rasa_sdk.endpoint import create_app

    from rasa_ext import actions_server

    app = create_app("actions")
    actions_server.answer_failures_plainly(app)
    tracker = {"latest_message": {"text": "her words"}}
    request = SimpleNamespace(path="/webhook", json={"tracker": tracker})
    handler = app.error_handler.lookup(RuntimeError("boom"), None)
    answer = await handler(request, RuntimeError("boom"))
    assert answer.status == 500 and "her words" not in answer.body.decode()
    assert json.loads(answer.body) == actions_server.FAILED
