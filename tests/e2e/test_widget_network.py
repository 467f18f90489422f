"""The widget when the network or the server says no: the chat server is down, a message is
refused, a page on another site tries to use the chat; and the headers the widget's files,
pages and webhook are served with (CORS, CSP, caching)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from tests.e2e.council_site import Relay
from tests.e2e.widget_driver import (  # noqa: F401 - council is a fixture
    answer_with_mouse,
    axe_problems,
    council,
    demo_url,
    focused,
    messages,
    open_page,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.e2e

HER_WORDS = "My granddaughter Lily is frightened of her stepdad"


def fetch(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers, body) without following anything or raising on 4xx."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def chat_body(sender: str, message: str = "hello") -> bytes:
    return json.dumps({"sender": sender, "message": message}).encode()


def test_server_down_shows_the_error_keeps_her_words_and_retry_sends_them(stack, browser, council, artifacts):
    relay = Relay(f"http://127.0.0.1:{stack.rasa_port}")  # not started: connections are refused
    context = browser.new_context(bypass_csp=True)  # for axe; CSP is checked by the other tests
    page = open_page(context, council.url("/report", endpoint=relay.webhook)).page
    page.locator(".fv-input").fill(HER_WORDS)
    page.locator(".fv-send").click()
    wait_idle(page)

    error = page.locator(".fv-error")
    assert error.is_visible()
    assert "cannot reach FamilyVoice" in error.inner_text() and "call 999" in error.inner_text()
    assert page.locator(".fv-urgent").is_visible()  # the 999 advice is still there too
    assert page.locator(".fv-input").input_value() == HER_WORDS  # nothing she typed is lost
    assert messages(page) == []  # and nothing pretends to have been sent
    assert "fv-input" in focused(page)["cls"]
    screenshot(page, artifacts, "widget-server-down")
    assert axe_problems(page) == []

    relay.start()
    try:
        page.get_by_role("button", name="Try again").click()
        wait_idle(page)
        assert not error.is_visible()
        assert page.locator(".fv-input").input_value() == ""
        assert ("user", HER_WORDS) in messages(page)
        assert [who for who, _ in messages(page)].count("bot") >= 1
    finally:
        relay.stop()
        context.close()


def test_a_message_the_server_refuses_is_explained_and_kept(stack, browser):
    context = browser.new_context()
    page = open_page(context, demo_url(stack)).page
    too_long = "He said things to her. " * 300  # 6900 characters, over the 5000 limit
    page.locator(".fv-input").fill(too_long)
    page.locator(".fv-send").click()
    wait_idle(page)
    assert "too long" in page.locator(".fv-error").inner_text()
    assert page.locator(".fv-input").input_value() == too_long
    context.close()


def test_a_page_on_a_site_that_is_not_configured_cannot_use_the_chat(browser, council):
    context = browser.new_context()
    # Same server, but http://localhost:<port> is not the configured http://127.0.0.1:<port>.
    page = open_page(context, council.url("/report", host="localhost")).page
    answer_with_mouse(page, "hello")
    assert "cannot reach FamilyVoice" in page.locator(".fv-error").inner_text()
    assert messages(page) == []
    context.close()


def test_cors_answers_only_the_configured_council_origin(stack, council):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    status, headers, _ = fetch(stack.webchat_url, "OPTIONS", {"Origin": council.origin, **preflight})
    assert status in (200, 204)
    assert headers["Access-Control-Allow-Origin"] == council.origin
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    assert "Origin" in headers["Vary"]
    for stranger in (f"http://localhost:{council.port}", "https://evil.example", "null"):
        _, headers, _ = fetch(stack.webchat_url, "OPTIONS", {"Origin": stranger, **preflight})
        assert "Access-Control-Allow-Origin" not in headers, stranger

    post = {"Content-Type": "application/json"}
    status, headers, _ = fetch(stack.webchat_url, "POST", {"Origin": council.origin, **post}, chat_body(f"c-{uuid.uuid4().hex}"))
    assert status == 200 and headers["Access-Control-Allow-Origin"] == council.origin

    # A stranger's page is refused outright, not just unable to read the answer...
    stranger_sender = f"s-{uuid.uuid4().hex}"
    status, headers, body = fetch(stack.webchat_url, "POST", {"Origin": "https://evil.example", **post}, chat_body(stranger_sender))
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert "not allowed" in json.loads(body)["error"]
    # ...so no conversation was started for it.
    resume = stack.webchat_url.rsplit("/", 1)[0] + "/resume"
    assert json.loads(fetch(resume, "POST", post, chat_body(stranger_sender))[2]) == []

    # Servers and curl (no Origin) and the server's own pages (same origin) are unaffected.
    assert fetch(stack.webchat_url, "POST", post, chat_body(f"n-{uuid.uuid4().hex}"))[0] == 200
    own = f"http://127.0.0.1:{stack.rasa_port}"
    assert fetch(stack.webchat_url, "POST", {"Origin": own, **post}, chat_body(f"o-{uuid.uuid4().hex}"))[0] == 200


def test_the_widget_files_pages_and_replies_carry_the_right_headers(stack):
    base = f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat"
    for name, content_type in (("widget.js", "application/javascript"), ("widget.css", "text/css")):
        status, headers, body = fetch(f"{base}/{name}")
        assert status == 200 and headers["Content-Type"].startswith(content_type) and body
        assert "max-age=" in headers["Cache-Control"] and headers["X-Content-Type-Options"] == "nosniff"
        assert fetch(f"{base}/{name}", headers={"If-None-Match": headers["ETag"]})[0] == 304

    status, headers, _ = fetch(f"{base}/demo")
    csp = headers["Content-Security-Policy"]
    assert status == 200 and "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Cache-Control"] == "no-store"

    _, headers, _ = fetch(stack.webchat_url, "POST", {"Content-Type": "application/json"}, chat_body(f"h-{uuid.uuid4().hex}"))
    assert headers["Cache-Control"] == "no-store"  # her conversation is never cached


def test_the_cover_your_tracks_page_only_exits_to_a_web_address(stack):
    base = f"http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/cover-your-tracks"
    page = fetch(f"{base}?exit=https%3A%2F%2Fwww.bbc.co.uk%2Fnews")[2].decode()
    assert 'data-exit-url="https://www.bbc.co.uk/news"' in page
    page = fetch(f"{base}?exit=https%3A%2F%2Fexample.org%2Fnews")[2].decode()  # not a site we know
    assert 'data-exit-url="https://www.bbc.co.uk/weather"' in page
    page = fetch(f"{base}?exit=javascript%3Aalert(1)")[2].decode()
    assert 'data-exit-url="https://www.bbc.co.uk/weather"' in page
    page = fetch(f"{base}?exit=https%3A%2F%2Fx.org%2F%22%3E%3Cscript%3E")[2].decode()
    assert "<script>" not in page.replace('<script src="widget.js"', "")
