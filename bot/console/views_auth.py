"""Signing in (password, then the authenticator's code, enrolling it the first time) and out."""

from __future__ import annotations

import asyncio
import io
import secrets
from urllib.parse import parse_qs, urlsplit

import segno
from aiohttp import web

from bot.console.appkeys import ACCOUNTS, AUDIT, CONFIG, SESSIONS, SIGN_IN
from bot.console.http import (
    CSRF_KEY, SESSION_KEY, clear_cookie, client_of, render, set_cookie, to_login,
)
from bot.console.sessions import CurrentSession, csrf_token
from bot.console.signin import CodeOutcome, SourceThrottled

# One answer for an unknown user, a wrong password, a disabled or a locked account.
SIGN_IN_FAILED = ("That username and password did not work. After several failed tries, "
                  "signing in to the account is paused for a while.")
CODE_FAILED = "That code did not work. Type the 6 digits your authenticator shows now."
# Says nothing about any account: only that this address has failed too often.
THROTTLED = ("Too many sign-ins have failed from your network. Wait {minutes} minutes, then "
             "try again. If this keeps happening, tell your IT service desk.")


async def health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def _throttled_page(request: web.Request, throttled: SourceThrottled) -> web.Response:
    seconds = int(throttled.retry_after.total_seconds())
    response = _login_page(request, THROTTLED.format(minutes=max(1, seconds // 60)), status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


def _login_page(request: web.Request, message: str | None = None, status: int = 200) -> web.Response:
    config = request.app[CONFIG]
    new_value = None
    if CSRF_KEY not in request:
        new_value = secrets.token_urlsafe(32)
        request[CSRF_KEY] = csrf_token(new_value)
    response = render("login.html", request, {"message": message}, status=status)
    if new_value:
        set_cookie(response, config, config.login_cookie, new_value)
    return response


async def login_form(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    token = request.cookies.get(config.session_cookie)
    if token and await asyncio.to_thread(request.app[SESSIONS].lookup, token):
        raise web.HTTPSeeOther("/")  # already signed in (or half-way: the gate sends them on)
    return _login_page(request)


async def login_submit(request: web.Request) -> web.StreamResponse:
    config, sessions = request.app[CONFIG], request.app[SESSIONS]
    form = await request.post()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        officer = await asyncio.to_thread(request.app[SIGN_IN].password, username, password,
                                          client_of(request, config))
    except SourceThrottled as throttled:
        return _throttled_page(request, throttled)
    if officer is None:
        return _login_page(request, SIGN_IN_FAILED, status=401)
    old = request.cookies.get(config.session_cookie)
    if old:
        await asyncio.to_thread(sessions.end, old)  # never carry a session across a sign-in
    stage = "mfa" if officer.mfa_enrolled else "enrol"
    token = await asyncio.to_thread(sessions.create, officer.id, stage)
    redirect = web.HTTPSeeOther(str(request.app.router["code" if stage == "mfa" else "enrol"].url_for()))
    set_cookie(redirect, config, config.session_cookie, token)
    clear_cookie(redirect, config, config.login_cookie)
    raise redirect


async def _second_factor(request: web.Request, enrolling: bool, template: str, context: dict) -> web.StreamResponse:
    config = request.app[CONFIG]
    current: CurrentSession = request[SESSION_KEY]
    form = await request.post()
    try:
        result = await asyncio.to_thread(request.app[SIGN_IN].code, current,
                                         str(form.get("code") or ""), client_of(request, config),
                                         enrolling=enrolling)
    except SourceThrottled as throttled:
        return _throttled_page(request, throttled)
    if result.outcome is CodeOutcome.WRONG:
        return render(template, request, {**context, "message": CODE_FAILED}, status=401)
    if result.outcome in (CodeOutcome.START_AGAIN, CodeOutcome.REFUSED):  # the password again
        request.pop(SESSION_KEY, None)
        request.pop(CSRF_KEY, None)  # the sign-in form gets its own token and cookie
        response = _login_page(request, SIGN_IN_FAILED, status=401)
        if result.outcome is CodeOutcome.START_AGAIN:
            clear_cookie(response, config, config.session_cookie)
        return response
    redirect = web.HTTPSeeOther(str(request.app.router["queue"].url_for()))
    set_cookie(redirect, config, config.session_cookie, result.token)
    raise redirect


async def code_form(request: web.Request) -> web.Response:
    return render("code.html", request, {})


async def code_submit(request: web.Request) -> web.StreamResponse:
    return await _second_factor(request, False, "code.html", {})


async def _enrolment_uri(request: web.Request) -> str:
    accounts = request.app[ACCOUNTS]
    officer_id = request[SESSION_KEY].officer.id
    uri = await asyncio.to_thread(accounts.enrolment_uri, officer_id)
    return uri or await asyncio.to_thread(accounts.start_enrolment, officer_id)


def _enrol_context(uri: str) -> dict:
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    return {"secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)]}


async def enrol_form(request: web.Request) -> web.Response:
    return render("enrol.html", request, _enrol_context(await _enrolment_uri(request)))


async def enrol_qr(request: web.Request) -> web.Response:
    """The otpauth:// URI as a QR code (SVG drawn by segno: no native libraries needed)."""
    buffer = io.BytesIO()
    segno.make(await _enrolment_uri(request), error="m").save(buffer, kind="svg", scale=6, border=2,
                                                              title="Authenticator set-up code")
    return web.Response(body=buffer.getvalue(), content_type="image/svg+xml")


async def enrol_submit(request: web.Request) -> web.StreamResponse:
    uri = await _enrolment_uri(request)
    return await _second_factor(request, True, "enrol.html", _enrol_context(uri))


async def logout(request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    current: CurrentSession = request[SESSION_KEY]
    await asyncio.to_thread(request.app[SESSIONS].end, current.token)
    if current.stage == "active":
        await asyncio.to_thread(request.app[AUDIT].append, current.officer.username, "logout")
    raise to_login(config, clear=True)
