"""A web chat id is a bearer credential: whoever has it can carry on her conversation, add to
her report or set her PIN. After a whole conversation, in every process's log (Rasa with the
channels, the action server, the sweeper, the console, the CLI), only its tag is found."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from bot import logs
from bot.config import PROJECT_ROOT
from bot.keys import load_intake_secret
from bot.launcher import start_console
from tests.e2e.conftest import say
from tests.security.conftest import file_report, log_text

pytestmark = pytest.mark.e2e


def test_no_log_holds_a_web_chat_conversation_id(stack, var_dir):
    sender = "leak-" + secrets.token_hex(12)
    reference = file_report(stack, sender)
    say(stack, sender, "one more thing, he was there again today")  # an addition, after sealing
    say(stack, sender + "-idle", "I am worried about my niece")  # left for the sweeper
    # The sweeper's pass over idle conversations, and the console, write their own logs.
    env = {
        **os.environ,
        "FAMILYVOICE_VAR_DIR": str(var_dir),
        "FAMILYVOICE_IDLE_WEBCHAT_SECONDS": "0.001",
    }
    purged = subprocess.run(
        [sys.executable, "-m", "bot.cli", "purge"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert purged.returncode == 0, purged.stderr
    if stack.console_port is None:
        start_console(stack, var_dir)

    written = log_text(var_dir) + purged.stdout + purged.stderr
    assert reference in written  # the lines are there...
    assert sender not in written  # ...without the id that would let a log reader in
    logs.use_tag_key(load_intake_secret(var_dir / "keys" / "intake_secret.key"))
    tag = logs.conversation_tag(f"webchat-{sender}")
    assert tag in written  # an operator can still follow the conversation
    assert logs.conversation_tag(f"webchat-{sender}-idle") in written  # the sweeper's lines too
