"""Driving the web chat widget in a real browser as a reporter would: by mouse or by keyboard.

The reporter is scripted by what she is asked (the same question fragments as the webhook
tests), so the widget tests say what she would notice, not how the DOM happens to be built.
Helpers read the page with Playwright locators and `evaluate` (which a strict CSP allows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from tests.browser import AXE
from tests.e2e.council_site import CouncilSite
from tests.e2e.test_webchat_report import REFERENCE, asked_all

STORE_KEY = "familyvoice.conversation"
SHORT_REPORT_OPENING = "I'm worried about my neighbour's little girl Amy, she is 6"
SHORT_REPORT_CONCERN = "Her mum leaves her alone at night and she often has no food."
# A short report: buttons where the widget offers them, a few typed answers, "don't know" else.
SHORT_REPORT = {
    "child_area": "Leeds",
    "concern_more": "No",
    "source": "I have seen it myself",
    "household": "Just her mum",
    "child_said": "No",
    "child_where_now": "At home",
    "concern_description": SHORT_REPORT_CONCERN,
    "concern_when": "Most nights this month",
    "injuries_seen": "No",
    "reported_before": "No",
    "reporter_relationship": "Neighbour",
    "reporter_name": "Stay anonymous",
    "safe_to_contact": "No",
    "parent_aware": "No",
    "confirm": "Yes, send it",
    "what_to_change": "Nothing",
}


@pytest.fixture(scope="session")
def council(stack, council_site: CouncilSite) -> CouncilSite:
    """The council site (a configured origin), embedding the widget from the running stack."""
    council_site.widget_js = f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/widget.js"
    return council_site


def demo_url(stack) -> str:
    """The demo council page the server itself serves (what `make run` prints)."""
    return f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/demo"


@dataclass
class Watched:
    """A page plus what went wrong on it that a user would not see: CSP refusals, script errors."""

    page: object
    problems: list[str] = field(default_factory=list)


def open_page(context, url: str) -> Watched:
    page = context.new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: watched.problems.append(f"script error: {e}"))
    page.goto(url)
    page.locator(".fv-widget:not([hidden])").wait_for()
    return watched


def wait_idle(page) -> None:
    page.locator('.fv-widget[aria-busy="false"]').wait_for(timeout=60_000)


def messages(page) -> list[tuple[str, str]]:
    """(who, text) for every message shown: who is bot, user or note."""
    shown = page.eval_on_selector_all(
        ".fv-log > .fv-msg",
        """els => els.map(e => [
            e.classList.contains('fv-msg-user') ? 'user' : e.classList.contains('fv-msg-bot') ? 'bot' : 'note',
            e.querySelector('.fv-msg-text').textContent])""",
    )
    return [(who, text) for who, text in shown]


def last_turn(page) -> list[dict]:
    """The bot's messages since her last one, shaped like webhook replies for `asked()`."""
    turn: list[dict] = []
    for who, text in messages(page):
        if who == "user":
            turn = []
        elif who == "bot":
            turn.append({"text": text})
    return turn


def choices(page) -> list[str]:
    return [t.strip() for t in page.locator(".fv-choices:not([hidden]) .fv-choice").all_inner_texts()]


def focused(page) -> dict:
    return page.evaluate(
        """() => { const a = document.activeElement;
            return {tag: a.tagName.toLowerCase(), cls: a.className || '', text: (a.textContent || '').trim()}; }"""
    )


def answer_with_mouse(page, answer: str) -> None:
    if answer in choices(page):
        page.locator(".fv-choice", has_text=answer).first.click()
    else:
        page.locator(".fv-input").fill(answer)
        page.locator(".fv-send").click()
    wait_idle(page)


def press_until(page, key: str, wanted: Callable[[dict], bool], limit: int = 40) -> None:
    for _ in range(limit):
        if wanted(focused(page)):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} x{limit} never reached the control; focus is on {focused(page)}")


def answer_with_keyboard(page, answer: str) -> None:
    """Keys only: Shift+Tab back to a choice and Enter, or Tab to the box, type and Enter."""
    if answer in choices(page):
        press_until(page, "Shift+Tab", lambda f: "fv-choice" in f["cls"] and f["text"] == answer)
        page.keyboard.press("Enter")
    else:
        press_until(page, "Tab", lambda f: "fv-input" in f["cls"])
        page.keyboard.type(answer)
        page.keyboard.press("Enter")
    wait_idle(page)


def report_through_widget(
    page, opening: str, answers: dict[str, str], answer: Callable[[object, str], None], max_turns: int = 40
) -> tuple[str, list[str]]:
    """Say the opening, then answer whatever is asked until a reference is shown."""
    answer(page, opening)
    asked_slots: list[str] = []
    for _ in range(max_turns):
        turn = last_turn(page)
        found = REFERENCE.search("\n".join(m["text"] for m in turn))
        if found:
            return found.group(0), asked_slots
        slots = asked_all(turn)
        assert slots, f"no question recognised in: {turn!r}"
        asked_slots.extend(slots)
        first = answers.get(slots[0], "don't know")
        if first in choices(page):
            answer(page, first)  # a choice answers the question, as she would pick it
        else:
            answer(page, ", ".join(answers.get(slot, "don't know") for slot in slots))
    raise AssertionError(f"no reference after {max_turns} turns; asked {asked_slots}")


def storage(page) -> dict:
    """What the widget could have left on the device."""
    return page.evaluate(
        """() => ({session: Object.assign({}, sessionStorage), local: localStorage.length,
                   cookies: document.cookie})"""
    )


def screenshot(page, artifacts: Path, name: str, bottom: bool = False) -> Path:
    """The widget as she sees it: whole if it fits the window, else the window scrolled to its
    top (or its bottom, where she types, with the sticky header above)."""
    path = artifacts / f"{name}.png"
    widget = page.locator(".fv-widget")
    fits = widget.evaluate(
        "(e, bottom) => { e.scrollIntoView({block: bottom ? 'end' : 'start'});"
        " return e.getBoundingClientRect().height <= innerHeight; }",
        bottom,
    )
    (widget if fits else page).screenshot(path=str(path))
    return path


def axe_problems(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (var/axe.min.js, `make browser`) on the page: WCAG 2.0-2.2 A/AA and best
    practice. The page's context must bypass CSP, since injecting axe is itself inline script."""
    if not AXE.exists():
        pytest.fail("No axe-core at var/axe.min.js: run `make browser` (make test does).")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]
