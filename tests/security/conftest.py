"""The real running system for the security tests: the same fixtures as tests/e2e."""

from __future__ import annotations

from pathlib import Path

from bench.reporter import OPENING, next_answer
from bot.launcher import Stack
from tests.e2e.conftest import council_site, stack, var_dir  # noqa: F401 - fixtures
from tests.e2e.conftest import say, texts
from tests.browser import artifacts, browser  # noqa: F401 - fixtures


def file_report(stack: Stack, sender: str, opening: str = OPENING, max_turns: int = 60) -> str:
    """A whole report through the web chat, answered as a grandmother would; its reference."""
    message = opening
    for _ in range(max_turns):
        said = texts(say(stack, sender, message))
        answer = next_answer(said)
        if answer is None:
            return next(word.strip(".,") for word in said.split() if word.startswith("FV-"))
        message = answer
    raise AssertionError("no reference")


def log_text(var_dir: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace") for path in sorted((var_dir / "log").glob("*.log"))
    )
