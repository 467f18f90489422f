"""Who can reach what: deny by default, CSRF, sessions, lock-out, headers.

Given / When / Then, as a duty officer (or an attacker) would notice it.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.console import routes
from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, AUDIT
from bot.console.views_auth import SIGN_IN_FAILED
from tests.console.conftest import (
    NOON, PASSWORD, Clock, csrf_of, make_referral, queue_referral, sign_in,
)

REFERENCE = "FV-AAAA-BBBB"


def every_route(app: web.Application) -> list[tuple[str, str, str]]:
    """(method, path, name) for every route in the router, path parameters filled in."""
    found = []
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or (info.get("prefix", "") + "/console.css")
        path = re.sub(r"\{reference\}", REFERENCE, path)
        path = re.sub(r"\{index\}", "0", path)
        assert "{" not in path, path
        found.append((route.method, path, route.name or route.resource.name))
    return found


def session_cookie(client: TestClient) -> str | None:
    found = client.session.cookie_jar.filter_cookies(client.make_url("/")).get("fv_session")
    return found.value if found else None


def plant(client: TestClient, value: str) -> None:
    client.session.cookie_jar.update_cookies({"fv_session": value}, response_url=client.make_url("/"))


async def test_every_route_but_the_public_ones_sends_a_stranger_to_sign_in(client, app):
    # Given nobody is signed in, and a referral exists
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    checked = 0
    for method, path, name in every_route(app):
        if name in routes.PUBLIC:
            continue
        # When a stranger asks for the page (or posts to it)
        reply = await client.request(method, path, allow_redirects=False, data={"csrf_token": "x"})
        # Then they are sent to the sign-in page and see nothing else
        assert reply.status == 303, (method, path, reply.status)
        assert reply.headers["Location"] == "/login", (method, path)
        assert REFERENCE not in await reply.text()
        checked += 1
    assert checked >= 14  # every route, not just a few


async def test_public_routes_are_only_the_listed_ones(app):
    names = {name for _, _, name in every_route(app)}
    assert routes.PUBLIC <= names
    assert {n for n in names if n in routes.PUBLIC} == {"login", "login_submit", "static", "health"}


async def test_an_unnamed_route_is_refused_even_to_a_signed_in_officer(config, aiohttp_client, clock):
    app = init_app(config)
    app.router.add_get("/forgotten", lambda request: web.Response(text="secret stuff"))
    client = await aiohttp_client(app)
    app[ACCOUNTS].add("olive", PASSWORD, "officer")
    await sign_in(client, "olive", clock=clock)
    reply = await client.get("/forgotten", allow_redirects=False)
    assert reply.status == 403 and "secret stuff" not in await reply.text()


async def test_every_form_without_its_csrf_token_is_refused(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    posts = [(path, name) for method, path, name in every_route(app) if method == "POST"]
    assert {"acknowledge", "change_rating", "decide", "add_note", "logout"} <= {n for _, n in posts}
    for path, name in posts:
        if name in routes.PUBLIC or name in routes.SECOND_FACTOR:
            continue
        # When a form arrives without the token, or with another one
        for data in ({"rating": "RED", "reason": "x", "decision": "police", "note": "x", "text": "x"},
                     {"csrf_token": "0" * 64, "rating": "RED", "reason": "x"}):
            reply = await client.post(path, data=data, allow_redirects=False)
            # Then it is refused and nothing happens
            assert reply.status == 403, (path, reply.status)
    assert [e.action for e in app[AUDIT].entries()].count("rating_changed") == 0
    assert (await client.get("/")).url.path == "/"  # still signed in: logout was refused too


async def test_the_sign_in_form_needs_its_token_too(client, officer):
    await client.get("/login")
    reply = await client.post("/login", data={"username": officer, "password": PASSWORD}, allow_redirects=False)
    assert reply.status == 403


async def test_signing_in_issues_a_new_session_id_at_each_step(client, officer, clock):
    # Given a session cookie planted before sign-in
    plant(client, "planted-by-an-attacker")
    page = await (await client.get("/login")).text()
    reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": officer, "password": PASSWORD},
                              allow_redirects=False)
    after_password = session_cookie(client)
    assert after_password and after_password != "planted-by-an-attacker"
    page = await (await client.get("/login/enrol")).text()
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    reply = await client.post("/login/enrol", data={"csrf_token": csrf_of(page), "code": pyotp.TOTP(secret).at(clock())},
                              allow_redirects=False)
    assert reply.status == 303
    signed_in_id = session_cookie(client)
    # Then the id changed at the password and again at the code, and the old ones are dead
    assert signed_in_id not in (after_password, "planted-by-an-attacker")
    plant(client, after_password)
    reply = await client.get("/", allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"] == "/login"


async def test_a_half_signed_in_session_reaches_only_the_code_page(client, app, officer, clock):
    await sign_in(client, officer, clock=clock)  # enrols the authenticator
    page = await (await client.get("/")).text()
    await client.post("/logout", data={"csrf_token": csrf_of(page)})
    page = await (await client.get("/login")).text()
    await client.post("/login", data={"csrf_token": csrf_of(page), "username": officer, "password": PASSWORD},
                      allow_redirects=False)
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    for path in ("/", f"/referrals/{REFERENCE}", "/login/enrol"):
        reply = await client.get(path, allow_redirects=False)
        assert reply.status == 303 and reply.headers["Location"] == "/login/code", path


async def test_disabling_an_account_ends_its_session_at_once(client, app, signed_in):
    assert (await client.get("/", allow_redirects=False)).status == 200
    app[ACCOUNTS].disable(signed_in.username)  # familyvoice officers disable olive
    reply = await client.get("/", allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"] == "/login"
    # and the account cannot sign in again: the same answer as a wrong password
    page = await (await client.get("/login")).text()
    reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": "olive", "password": PASSWORD})
    assert reply.status == 401 and SIGN_IN_FAILED in await reply.text()


async def test_resetting_the_authenticator_ends_the_session_and_asks_to_enrol_again(client, app, signed_in, clock):
    app[ACCOUNTS].reset_mfa(signed_in.username)
    assert (await client.get("/", allow_redirects=False)).status == 303
    again = await sign_in(client, signed_in.username, clock=clock)  # enrols a new one
    assert again.secret != signed_in.secret


async def test_signing_out_kills_the_session_server_side(client, signed_in):
    old = session_cookie(client)
    page = await (await client.get("/")).text()
    reply = await client.post("/logout", data={"csrf_token": csrf_of(page)}, allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"] == "/login"
    plant(client, old)  # a copy of the cookie is useless
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_sessions_end_after_30_idle_minutes_and_after_12_hours(client, signed_in, clock):
    clock.advance(minutes=29)
    assert (await client.get("/", allow_redirects=False)).status == 200
    clock.advance(minutes=31)
    assert (await client.get("/", allow_redirects=False)).status == 303  # idle too long

    await sign_in(client, signed_in.username, secret=signed_in.secret, clock=clock)
    for _ in range(24):  # busy all day: a request every 29 minutes for 11.6 hours
        clock.advance(minutes=29)
        assert (await client.get("/", allow_redirects=False)).status == 200
    clock.advance(minutes=29)
    assert (await client.get("/", allow_redirects=False)).status == 303  # 12 hours are up


async def test_an_officer_cannot_reach_manager_pages(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    for name in routes.MANAGERS_ONLY:
        resource = app.router[name]
        takes_reference = "{reference" in resource.canonical
        path = str(resource.url_for(reference=REFERENCE) if takes_reference else resource.url_for())
        for method in {route.method for route in resource}:
            reply = await client.request(method, path, allow_redirects=False)
            assert reply.status == 403, (method, path)
    page = await (await client.get(f"/referrals/{REFERENCE}")).text()
    assert "Audit trail" not in page


async def test_a_manager_can_read_a_referrals_audit_trail(client, app, manager, clock):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    await sign_in(client, manager, clock=clock)
    await client.get(f"/referrals/{REFERENCE}")
    page = await (await client.get(f"/referrals/{REFERENCE}/audit")).text()
    assert "opened the referral" in page and manager in page


async def test_unknown_user_and_wrong_password_get_the_same_answer(client, officer):
    answers = []
    for username, password in (("nobody", PASSWORD), (officer, "wrong password, sorry")):
        page = await (await client.get("/login")).text()
        reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": username, "password": password})
        body = re.sub(r'value="[^"]+"', "", await reply.text())  # the CSRF token differs, nothing else
        answers.append((reply.status, body))
    assert answers[0] == answers[1]
    assert answers[0][0] == 401 and SIGN_IN_FAILED in answers[0][1]


async def _try(client: TestClient, username: str, password: str) -> int:
    page = await (await client.get("/login")).text()
    reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": username, "password": password},
                              allow_redirects=False)
    return reply.status


async def test_lock_out_after_five_failures_with_back_off(client, app, officer, clock: Clock):
    for _ in range(5):
        assert await _try(client, officer, "not the password at all") == 401
    # Locked: even the right password is refused, with the same answer
    assert await _try(client, officer, PASSWORD) == 401
    clock.advance(seconds=59)
    assert await _try(client, officer, PASSWORD) == 401
    clock.advance(seconds=2)  # one minute is up
    assert await _try(client, officer, "still not the password") == 401  # sixth failure: two minutes
    clock.advance(seconds=90)
    assert await _try(client, officer, PASSWORD) == 401
    clock.advance(seconds=31)
    assert await _try(client, officer, PASSWORD) == 303
    actions = [e.action for e in app[AUDIT].entries()]
    assert actions.count("locked_out") == 2 and actions.count("login_failed") >= 6


async def test_wrong_codes_count_towards_the_lock_out(client, app, officer, clock):
    await sign_in(client, officer, clock=clock)
    page = await (await client.get("/")).text()
    await client.post("/logout", data={"csrf_token": csrf_of(page)})
    for attempt in range(5):
        page = await (await client.get("/login")).text()
        await client.post("/login", data={"csrf_token": csrf_of(page), "username": officer, "password": PASSWORD})
        page = await (await client.get("/login/code")).text()
        reply = await client.post("/login/code", data={"csrf_token": csrf_of(page), "code": "000000"})
        assert reply.status == 401
    # Then the account is locked: the right code later is no use without a new sign-in, which fails
    assert await _try(client, officer, PASSWORD) == 401


async def test_a_code_is_accepted_only_once(client, officer, clock):
    signed = await sign_in(client, officer, clock=clock)
    clock.advance(seconds=-31)  # the same 30-second window as the enrolment code
    page = await (await client.get("/")).text()
    await client.post("/logout", data={"csrf_token": csrf_of(page)})
    page = await (await client.get("/login")).text()
    await client.post("/login", data={"csrf_token": csrf_of(page), "username": officer, "password": PASSWORD})
    page = await (await client.get("/login/code")).text()
    reply = await client.post("/login/code", data={"csrf_token": csrf_of(page), "code": pyotp.TOTP(signed.secret).at(clock())},
                              allow_redirects=False)
    assert reply.status == 401


async def test_security_headers_on_every_page_redirect_and_error(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    for path in ("/", f"/referrals/{REFERENCE}", "/login", "/nothing-here", "/static/console.css", "/?rating=PURPLE"):
        reply = await client.get(path, allow_redirects=False)
        headers = reply.headers
        assert "default-src 'none'" in headers["Content-Security-Policy"], path
        assert "script-src" not in headers["Content-Security-Policy"]  # no script at all
        assert headers["Strict-Transport-Security"].startswith("max-age="), path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["Cache-Control"] == "no-store", path
        assert headers["X-Frame-Options"] == "DENY", path


async def test_pages_have_no_inline_script_or_style(client, app, signed_in):
    queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    for path in ("/", f"/referrals/{REFERENCE}", "/login"):
        html = await (await client.get(path)).text()
        assert "<script" not in html and "style=" not in html and "<style" not in html, path


@pytest.fixture
def production_config(config):
    from dataclasses import replace

    return replace(config, dev_http=False)


async def test_in_production_the_cookies_are_host_only_secure_httponly_and_strict(production_config, aiohttp_client):
    app = init_app(production_config)
    app[ACCOUNTS].add("olive", PASSWORD, "officer")
    client = await aiohttp_client(app)
    reply = await client.get("/login")
    login_cookie = reply.headers["Set-Cookie"]
    page = await reply.text()
    token = re.search(r"__Host-fv_login=([^;]+)", login_cookie).group(1)
    reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": "olive", "password": PASSWORD},
                              headers={"Cookie": f"__Host-fv_login={token}"}, allow_redirects=False)
    assert reply.status == 303
    cookies = reply.headers.getall("Set-Cookie")
    session = next(c for c in cookies if c.startswith("__Host-fv_session="))
    for attribute in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in session, session
    assert "Domain" not in session
