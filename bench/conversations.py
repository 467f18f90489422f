"""The conversation set on the running stack: turns to a complete referral and key facts
captured, per channel (tests/conversations/: simulated relatives, each a persona).

Usage: python -m bench.conversations   (bench/run.py prints it too)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.launcher import start_stack

PROJECT = Path(__file__).resolve().parent.parent
PUBLIC_BASE_URL = "https://familyvoice.bench.example"
AUTH_TOKEN = "bench-conversations-token"


def conversation_rows() -> list[str]:
    """The table's lines: one row per channel, over every persona of the set."""
    from tests.conversations.runner import (
        CHANNELS,
        TABLE_HEAD,
        Summary,
        personas,
        run,
        sms_sender,
        webchat_sender,
    )

    with tempfile.TemporaryDirectory(prefix="fv-bench-conversations-") as tmp:
        var = Path(tmp)
        env = {"FAMILYVOICE_VAR_DIR": str(var)}
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "keys", "init", "--dev"],
            cwd=PROJECT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        stack = start_stack(
            model=PROJECT / "models" / "current.tar.gz",
            var_dir=var,
            env={
                "FAMILYVOICE_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "FAMILYVOICE_TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "FAMILYVOICE_TWILIO_REPLY_DEADLINE": "14",
            },
        )
        try:
            senders = {
                "webchat": webchat_sender(stack.rasa_port),
                "sms": sms_sender(stack.rasa_port, PUBLIC_BASE_URL, AUTH_TOKEN),
            }
            cast = personas()
            summaries = [Summary(c, [run(p, c, senders[c], var) for p in cast]) for c in CHANNELS]
        finally:
            stack.stop()
    missed = sorted(
        {
            f"{o.persona}: {', '.join(o.missed())}"
            for s in summaries
            for o in s.outcomes
            if o.missed()
        }
    )
    gaps = {p.name for p in cast if p.known_gap}
    without = (
        [
            Summary(
                f"{s.channel}, without the {len(gaps)} with a known gap",
                [o for o in s.outcomes if o.persona not in gaps],
            )
            for s in summaries
        ]
        if gaps
        else []
    )
    return [
        f"Conversation set: {len(cast)} simulated relatives (tests/conversations/), "
        "turns = her messages "
        "until the referral is sealed complete",
        TABLE_HEAD,
        *(s.row() for s in summaries + without),
        "Targets: median <= 10 turns by web chat, <= 12 by SMS, >= 95% of key facts captured",
        *([f"Missed: {'; '.join(missed)}"] if missed else []),
    ]


def main() -> int:
    print("\n".join(conversation_rows()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
