""" "Exit this page" must lead somewhere safe: a link anyone can craft to our own pages cannot
turn it into a redirect to their site. Checked in Chromium, as the widget tests are."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from channels.webchat_pages import DEFAULT_EXIT_URL

pytestmark = pytest.mark.e2e

ATTACKER = "https://familyvoice-help.example/login"


def exit_from(browser, stack, exit_url: str) -> tuple[str, list[str]]:
    """Open the cover-your-tracks page with ``?exit=``, press Exit; where she lands, and which
    outside sites were asked for (answered here: no test traffic leaves the machine)."""
    context = browser.new_context()
    page = context.new_page()
    asked: list[str] = []

    def outside(route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Weather</h1>")

    page.route("https://**/*", outside)
    page.goto(
        f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/cover-your-tracks"
        f"?exit={quote(exit_url, safe='')}"
    )
    page.locator(".fv-exit").click(no_wait_after=True)
    page.locator("h1", has_text="Weather").wait_for(timeout=15_000)
    landed = page.url
    context.close()
    return landed, asked


def test_a_crafted_link_cannot_make_exit_go_to_an_attackers_site(browser, stack):
    landed, asked = exit_from(browser, stack, ATTACKER)
    assert landed == DEFAULT_EXIT_URL
    assert not any("familyvoice-help.example" in url for url in asked)


def test_a_councils_own_site_is_still_an_exit(browser, stack, council_site):
    landed, _ = exit_from(browser, stack, council_site.weather())
    assert landed.startswith(council_site.url("/weather"))
