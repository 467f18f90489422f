"""The widget meets WCAG 2.2 AA in a real browser: axe-core finds nothing serious, every control
has a name, text stays readable in any council colour, it reflows at 320 px and 200% zoom
without hiding what has focus, and it stops moving when the user asks for reduced motion."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.widget_driver import (  # noqa: F401 - council is a fixture
    answer_with_mouse,
    axe_problems,
    choices,
    council,
    demo_url,
    focused,
    open_page,
    screenshot,
)

pytestmark = pytest.mark.e2e


def to_the_first_choices(page) -> None:
    """Two turns in, in danger right now: the bot offers buttons ("Where is the child now?")."""
    for line in ("he is hitting her right now", "No"):
        answer_with_mouse(page, line)
    assert "At home" in choices(page)


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (320, 640)])
def test_axe_finds_nothing_serious_on_the_demo_page(stack, browser, artifacts, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = open_page(context, demo_url(stack)).page
    assert axe_problems(page) == []  # the empty chat
    to_the_first_choices(page)
    screenshot(page, artifacts, f"widget-{width}px")
    assert axe_problems(page) == []  # messages, choices and the typing area
    context.close()


@pytest.mark.parametrize("colour", ["#ffdd00", "#00703c", "#d4351c", "#777777", "#ffffff", "#000000"])
def test_any_council_colour_keeps_text_readable(browser, council, colour):
    context = browser.new_context(bypass_csp=True)
    page = open_page(context, council.url("/report", colour=colour)).page
    answer_with_mouse(page, "hello")
    for selector in (".fv-title", ".fv-send", ".fv-msg-user"):
        style = page.locator(selector).first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }"
        )
        text, background = style
        if selector == ".fv-title":  # the title sits on the header's background
            background = page.locator(".fv-header").evaluate("e => getComputedStyle(e).backgroundColor")
        assert contrast(text, background) >= 4.5, (selector, colour, text, background)
    assert axe_problems(page) == []
    context.close()


def test_every_control_has_a_name_and_replies_land_in_a_live_region(stack, browser):
    context = browser.new_context()
    page = open_page(context, demo_url(stack)).page
    assert page.get_by_role("button", name="Exit this page").is_visible()
    assert page.get_by_role("link", name="How to cover your tracks").is_visible()
    assert page.get_by_role("textbox", name="Your message").is_visible()
    assert page.get_by_role("button", name="Send").is_visible()
    log = page.get_by_role("log", name="Conversation")
    assert log.get_attribute("aria-live") == "polite"
    to_the_first_choices(page)
    # Screen readers read the log's new entries: the question, introduced as the bot's words.
    assert "FamilyVoice said: Where is the child now?" in log.inner_text().replace("\n", " ")
    assert page.get_by_role("group", name="Choose an answer, or type your own").get_by_role(
        "button", name="At home"
    ).is_visible()
    context.close()


def no_sideways_scrolling(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " Math.max(...[...document.querySelectorAll('.fv-widget *')].map(e => e.getBoundingClientRect().right))]"
    )
    scroll_width, client_width, rightmost = widths
    assert scroll_width <= client_width and rightmost <= client_width, widths


def test_320_px_wide_reflows_without_sideways_scrolling(stack, browser, artifacts):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = open_page(context, demo_url(stack)).page
    to_the_first_choices(page)
    no_sideways_scrolling(page)
    screenshot(page, artifacts, "widget-320px-top")
    screenshot(page, artifacts, "widget-320px-bottom", bottom=True)
    context.close()


def test_200_percent_zoom_keeps_every_control_reachable_and_unobscured(stack, browser, artifacts):
    # A 1280 x 720 window at 200% zoom lays out as 640 x 360 CSS pixels.
    context = browser.new_context(viewport={"width": 640, "height": 360}, device_scale_factor=2)
    page = open_page(context, demo_url(stack)).page
    to_the_first_choices(page)
    no_sideways_scrolling(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    reached = set()
    for _ in range(30):
        page.keyboard.press("Tab")
        where = focused(page)
        if not page.evaluate("() => !!document.activeElement.closest('.fv-widget')"):
            continue
        # WCAG 2.4.11: the sticky header must not cover what has focus.
        visible = page.evaluate(
            """() => { const a = document.activeElement, r = a.getBoundingClientRect();
                const x = r.left + Math.min(r.width / 2, 20), y = r.top + Math.min(r.height / 2, 10);
                const hit = document.elementFromPoint(x, y);
                return y >= 0 && y <= innerHeight && !!hit && (hit === a || a.contains(hit)); }"""
        )
        assert visible, f"focused {where} is hidden"
        if "fv-choice" in where["cls"] and "fv-choice" not in reached:
            page.screenshot(path=str(artifacts / "widget-zoom-200-focus-on-a-choice.png"))
        reached.add(where["cls"].split()[0] if where["cls"] else where["tag"])
    assert {"fv-exit", "fv-tracks", "fv-log", "fv-choice", "fv-input", "fv-send"} <= reached, reached
    context.close()


@pytest.mark.parametrize(("preference", "animation"), [("reduce", "none"), ("no-preference", "fv-dots")])
def test_the_typing_dots_move_only_when_motion_is_welcome(browser, council, preference, animation):
    # A server that takes the connection and never answers: she is left waiting, dots showing.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/webhooks/webchat/webhook"
        context = browser.new_context(reduced_motion=preference)
        page = open_page(context, council.url("/report", endpoint=endpoint)).page
        page.locator(".fv-input").fill("hello")
        page.locator(".fv-send").click()
        assert page.locator(".fv-typing").inner_text().startswith("FamilyVoice is typing")
        dots = page.locator(".fv-typing .fv-dots")
        assert dots.evaluate("e => getComputedStyle(e, '::after').animationName") == animation
        context.close()
