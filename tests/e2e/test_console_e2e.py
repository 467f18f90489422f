"""`make run`, then the duty officer: a report made through the web chat shows up in the console.

The real Rasa server and action server (the session `stack`), the console started beside them
by the launcher as `familyvoice up` does, and an account made with `familyvoice officers add`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pyotp
import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.launcher import start_console
from tests.e2e.test_webchat_report import QUESTIONS, hold_conversation

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "a long walk on the moors"


def add_officer(var_dir: Path, username: str) -> None:
    env = {**os.environ, "FAMILYVOICE_VAR_DIR": str(var_dir)}
    added = subprocess.run([sys.executable, "-m", "bot.cli", "officers", "add", username, "--password-stdin"],
                           cwd=PROJECT_ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True,
                           timeout=60)
    assert added.returncode == 0, added.stderr


def test_a_report_made_by_web_chat_is_in_the_console_queue(stack, var_dir):
    if stack.console_port is None:
        start_console(stack, var_dir)
    answers = {slot: "don't know" for slot in QUESTIONS.values()}
    answers.update({"concern_description": "The little girl next door is left alone all night and cries for hours",
                    "reporter_name": "Stay anonymous", "confirm": "yes", "what_to_change": "nothing"})
    reference, _, _ = hold_conversation(stack, f"neighbour-{uuid.uuid4().hex[:8]}", ["Hello"], answers)
    add_officer(var_dir, "duty1")

    web, url = requests.Session(), stack.console_url
    page = web.get(url + "login").text
    reply = web.post(url + "login", data={"csrf_token": CSRF.search(page).group(1), "username": "duty1",
                                          "password": PASSWORD})
    assert reply.url.endswith("/login/enrol"), reply.text
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', reply.text).group(1).replace(" ", "")
    reply = web.post(url + "login/enrol", data={"csrf_token": CSRF.search(reply.text).group(1),
                                                "code": pyotp.TOTP(secret).now()})
    assert reply.url == url and reference in reply.text  # the queue, with her report in it

    opened = web.get(f"{url}referrals/{reference}")
    assert opened.status_code == 200
    assert "left alone all night and cries for hours" in opened.text
    assert "anonymous" in opened.text
