"""Fixtures for every test folder. The browser fixtures live in tests/browser.py."""

from tests.browser import artifacts, browser  # noqa: F401 - re-exported as fixtures
