"""One running stack for the conversation set, serving web chat and SMS (signed webhooks)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.launcher import Stack, start_stack
from tests.conversations.runner import Outcome, Persona, run, sms_sender, webchat_sender
from tests.e2e.conftest import MODEL, familyvoice

PUBLIC_BASE_URL = "https://familyvoice.council.example"
AUTH_TOKEN = "conversation-set-auth-token"


@pytest.fixture(scope="session")
def conversation_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("conversations-var")


@pytest.fixture(scope="session")
def conversation_stack(conversation_var_dir: Path) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model at models/current.tar.gz: run `make model` (make test does).")
    made = familyvoice(conversation_var_dir, "keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    env = {
        "FAMILYVOICE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "FAMILYVOICE_TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        # Twilio waits 15 s; a turn slowed by a busy machine is still answered in the TwiML.
        "FAMILYVOICE_TWILIO_REPLY_DEADLINE": "14",
    }
    running = start_stack(model=MODEL, var_dir=conversation_var_dir, env=env)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def converse_as(
    conversation_stack: Stack, conversation_var_dir: Path
) -> Callable[[Persona, str], Outcome]:
    """Each persona's conversation on a channel, held once per session."""
    senders = {
        "webchat": webchat_sender(conversation_stack.rasa_port),
        "sms": sms_sender(conversation_stack.rasa_port, PUBLIC_BASE_URL, AUTH_TOKEN),
    }
    held: dict[tuple[str, str], Outcome] = {}

    def outcome(persona: Persona, channel: str) -> Outcome:
        key = (persona.name, channel)
        if key not in held:
            held[key] = run(persona, channel, senders[channel], conversation_var_dir)
        return held[key]

    return outcome
