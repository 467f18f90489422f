"""A relative reports through the embedded chat widget in a real browser (Chromium), by mouse
and by keyboard alone, and the duty officer reads what she wrote."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_webchat_report import show
from tests.e2e.widget_driver import (  # noqa: F401 - council is a fixture
    SHORT_REPORT,
    SHORT_REPORT_CONCERN,
    SHORT_REPORT_OPENING,
    STORE_KEY,
    answer_with_keyboard,
    answer_with_mouse,
    council,
    demo_url,
    focused,
    last_turn,
    messages,
    open_page,
    press_until,
    report_through_widget,
    screenshot,
    storage,
)

pytestmark = pytest.mark.e2e

RANDOM_ID = re.compile(r"^fv-[0-9a-f]{32}$")
FOCUS_YELLOW = "rgb(255, 221, 0)"


def test_a_short_report_by_mouse_on_the_demo_page(stack, var_dir, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = open_page(context, demo_url(stack))
    page = watched.page
    screenshot(page, artifacts, "widget-desktop-empty")

    reference, asked_slots = report_through_widget(page, SHORT_REPORT_OPENING, SHORT_REPORT, answer_with_mouse)
    screenshot(page, artifacts, "widget-desktop-reference")

    # She sees her reference, the 999 advice stayed on screen, and her words are in the chat.
    assert reference in page.locator(".fv-log").inner_text()
    assert page.locator(".fv-urgent").is_visible()
    said = [text for who, text in messages(page) if who == "user"]
    assert any(text.startswith(SHORT_REPORT_CONCERN) for text in said)
    # Choices she clicked were shown as her answers.
    assert ("user", "Stay anonymous") in messages(page)
    assert "child_name" not in asked_slots and "child_age" not in asked_slots

    referral = show(var_dir, reference)
    assert referral["channel"] == "webchat" and referral["status"] == "complete"
    assert referral["child"]["name"] == "Amy" and referral["child"]["age_years"] == 6.0
    told = f"{SHORT_REPORT_OPENING}\n{SHORT_REPORT_CONCERN}"
    assert referral["concern"]["description"].startswith(told)
    assert referral["reporter"]["anonymous"] is True

    # Nothing on the device but a random id for this tab.
    left = storage(page)
    assert list(left["session"]) == [STORE_KEY] and RANDOM_ID.match(left["session"][STORE_KEY])
    assert left["local"] == 0 and left["cookies"] == "" and context.cookies() == []
    assert watched.problems == []
    context.close()


def test_keyboard_only_report_on_a_council_page_with_a_strict_csp(council, var_dir, browser, artifacts):
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    watched = open_page(context, council.url("/report", exit=council.weather()))
    page = watched.page

    # From the top of the council's page, Tab reaches the exit button (visibly focused)...
    press_until(page, "Tab", lambda f: "fv-exit" in f["cls"])
    exit_style = page.evaluate("() => getComputedStyle(document.activeElement).backgroundColor")
    assert exit_style == FOCUS_YELLOW
    # ...then the box, whose focus ring shows too.
    press_until(page, "Tab", lambda f: "fv-input" in f["cls"])
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineColor") == FOCUS_YELLOW

    reference, asked_slots = report_through_widget(page, SHORT_REPORT_OPENING, SHORT_REPORT, answer_with_keyboard)
    # Several answers were choices, picked with Shift+Tab and Enter.
    assert {"reporter_name", "confirm"} <= set(asked_slots)
    assert ("user", "Stay anonymous") in messages(page) and ("user", "Yes, send it") in messages(page)
    assert reference in page.locator(".fv-log").inner_text()
    # After the last reply she is back in the box, ready to type.
    assert "fv-input" in focused(page)["cls"]

    referral = show(var_dir, reference)
    told = f"{SHORT_REPORT_OPENING}\n{SHORT_REPORT_CONCERN}"
    assert referral["concern"]["description"].startswith(told)
    assert referral["reporter"]["anonymous"] is True
    assert watched.problems == [], watched.problems
    context.close()


def test_a_reload_resumes_the_chat_and_a_new_tab_starts_afresh(stack, browser):
    context = browser.new_context()
    page = open_page(context, demo_url(stack)).page
    answer_with_mouse(page, "Hello, I'm worried about my nephew Sam")
    question = last_turn(page)[-1]["text"]
    conversation = storage(page)["session"][STORE_KEY]

    page.reload()
    page.locator(".fv-msg-note").wait_for()
    # The question she was last asked is on screen again, and the same conversation carries on.
    assert "Welcome back" in page.locator(".fv-msg-note").inner_text()
    assert last_turn(page)[-1]["text"] == question
    assert storage(page)["session"][STORE_KEY] == conversation
    answer_with_mouse(page, "He is 9")
    assert last_turn(page)  # the bot answered in the same conversation

    # Another tab (or after closing this one) knows nothing about it.
    other = open_page(browser.new_context(), demo_url(stack)).page
    assert messages(other) == [] and storage(other)["session"] == {}
    other.context.close()
    context.close()
