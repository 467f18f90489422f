"""kill -9 of the Rasa server or the action server in the middle of a report (the embedded,
single-process set-up on SQLite): no turn she already got a reply to is lost, and the
report carries on when the process is back."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bench.reporter import next_answer
from bot.launcher import start_stack
from tests.e2e.conftest import MODEL, familyvoice, post, say, texts

pytestmark = pytest.mark.e2e


def wait_until_answering(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.25)
    raise TimeoutError(url)


@pytest.mark.parametrize("victim", ["rasa", "actions"])
def test_a_report_survives_its_server_being_killed(victim, tmp_path: Path):
    assert familyvoice(tmp_path, "keys", "init", "--dev").returncode == 0
    stack = start_stack(model=MODEL, var_dir=tmp_path)
    try:
        sender = f"kill-{victim}-{uuid.uuid4().hex[:6]}"
        answered: list[str] = []
        text = "I'm worried about my grandson Tom, he is 3 and a half"
        for _ in range(4):
            replies = say(stack, sender, text)
            answered.append(text)
            text = next_answer(texts(replies))

        process = next(p for p in stack.processes if f"rasa_ext.{'serve' if victim == 'rasa' else 'actions_server'}" in " ".join(p.args))
        process.send_signal(signal.SIGKILL)
        process.wait()
        status, _ = post(stack.webchat_url, json.dumps({"sender": sender, "message": text}).encode()) if victim == "actions" else (None, None)
        if victim == "actions":
            assert status == 503  # told plainly that it did not go through, with the 999 advice
        stack.restart(process)
        health = (
            f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/" if victim == "rasa"
            else f"http://127.0.0.1:{stack.actions_port}/health"
        )
        wait_until_answering(health)

        for _ in range(60):  # she sends her unanswered message again and carries on
            replies = say(stack, sender, text)
            answered.append(text)
            text = next_answer(texts(replies))
            if text is None:
                break
        reference = next(w.strip(".,") for w in texts(replies).split() if w.startswith("FV-"))
        shown = familyvoice(tmp_path, "referrals", "show", reference, "--json")
        referral = json.loads(shown.stdout)
        said = [t["text"] for t in referral["transcript"] if t["speaker"] == "reporter"]
        for turn in answered:  # every turn she got a reply to is in the referral
            assert turn in said
        assert referral["child"]["name"] == "Tom"
    finally:
        stack.stop()
