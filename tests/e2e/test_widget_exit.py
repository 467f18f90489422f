"""Quick exit, the GOV.UK "Exit this page" pattern: the button or Shift pressed three times
blanks the page at once, goes to a neutral site in place of the chat (so Back cannot return to
it) and leaves nothing of the chat in the browser.

The neutral site is the test council's own /weather page, slowed down, so the tests can see the
page already blank while it loads, and can read sessionStorage on the same origin afterwards.
"""

from __future__ import annotations

import pytest

from tests.e2e.widget_driver import STORE_KEY, answer_with_mouse, council, storage  # noqa: F401

pytestmark = pytest.mark.e2e

SLOW = 2.0  # seconds the neutral page takes to answer


def chatting(browser, council):
    """A reporter who came from the council's home page and has started a chat. Returns the
    page and a list that fills with what the page showed when its content first changed."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(council.url("/"))
    page.goto(council.url("/report", exit=council.weather(delay=SLOW)))
    page.locator(".fv-widget:not([hidden])").wait_for()
    answer_with_mouse(page, "I'm worried about my granddaughter")
    assert STORE_KEY in storage(page)["session"]
    # The browser holds DevTools commands while a navigation is pending, so the page itself
    # reports (through a Playwright binding) what it shows the moment the widget acts.
    seen: list[dict] = []
    page.expose_binding("fvSeen", lambda _source, shown: seen.append(shown))
    page.evaluate(
        """() => new MutationObserver(() => window.fvSeen({
            url: location.href, text: document.body.innerText.trim(),
            widgets: document.querySelectorAll('.fv-widget').length})
        ).observe(document.body, {childList: true})"""
    )
    return context, page, seen


def left_without_a_trace(page, council, seen: list[dict]) -> None:
    page.locator("h1", has_text="Weather").wait_for(timeout=15_000)
    assert page.url.startswith(council.url("/weather"))
    # While the chat page was still the one in the tab, it was already blank.
    assert seen, "the page did not change before it was replaced"
    assert "/report" in seen[0]["url"]
    assert seen[0]["text"] == "" and seen[0]["widgets"] == 0
    assert storage(page)["session"] == {}  # same origin as the chat page: the id is gone

    page.go_back()
    page.wait_for_load_state()
    # Back skips the chat: it was replaced in the history, not left behind.
    assert page.url == council.url("/")
    assert page.locator(".fv-widget").count() == 0 and "granddaughter" not in page.content()


def test_the_exit_button_blanks_the_page_and_back_does_not_return(browser, council):
    context, page, seen = chatting(browser, council)
    page.locator(".fv-exit").click(no_wait_after=True)
    left_without_a_trace(page, council, seen)
    context.close()


def test_shift_three_times_exits_but_capital_letters_do_not(browser, council):
    context, page, seen = chatting(browser, council)
    box = page.locator(".fv-input")
    box.focus()
    # Typing capitals and new lines uses Shift with other keys: that must never exit.
    for key in ("Shift+KeyT", "Shift+KeyO", "Shift+KeyM", "Shift+Enter", "Shift+KeyA"):
        page.keyboard.press(key)
    assert page.locator(".fv-widget").is_visible()
    assert box.input_value() == "TOM\nA"

    page.keyboard.press("Shift")
    assert page.locator(".fv-shift-count").inner_text() == "Shift, press 2 more times to exit."
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    left_without_a_trace(page, council, seen)
    context.close()


def test_the_cover_your_tracks_page_has_its_own_exit(stack, browser, council):
    context = browser.new_context()
    page = context.new_page()
    page.goto(council.url("/report", exit=council.weather()))
    page.locator(".fv-tracks").click()
    page.locator("h1", has_text="cover your tracks").wait_for()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.locator("h1", has_text="Weather").wait_for(timeout=15_000)
    context.close()
