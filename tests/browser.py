"""A real browser for the tests: Playwright driving Debian's Chromium (`make browser`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import PROJECT_ROOT

CHROMIUM = os.environ.get("FAMILYVOICE_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE = PROJECT_ROOT / "var" / "axe.min.js"
# Without these Chromium keeps trying to reach Google's servers, which this machine cannot.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


# Per module, not per session: Playwright's sync API keeps an event loop running while it is
# open, and pytest-aiohttp tests collected after it would fail to start their own.
@pytest.fixture(scope="module")
def browser() -> Iterator["object"]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: run `make browser` (make test does).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go, kept after the run for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
