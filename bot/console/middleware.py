"""What every request goes through: error pages, the login gate, CSRF, and security headers.

Order (outermost first): ``errors`` turns any refusal into a page and any bug into a plain 500
that says nothing about the referral; ``gate`` finds the session and refuses what the route does
not allow (deny by default, see ``routes``); ``csrf`` refuses a form without the right token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web

from bot.console import routes
from bot.console.appkeys import CONFIG, SESSIONS
from bot.console.http import CSRF_FIELD, CSRF_KEY, SESSION_KEY, render, to_login
from bot.console.sessions import csrf_token

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
MESSAGES = {
    400: "The console could not understand that request.",
    403: "You do not have access to that page.",
    404: "There is nothing here. Check the reference and try again.",
    405: "That page cannot be used that way.",
    413: "That is too much to send at once.",
}


@web.middleware
async def errors(request: web.Request, handler):  # type: ignore[no-untyped-def]
    try:
        return await handler(request)
    except web.HTTPException as refusal:
        if refusal.status < 400:
            raise
        message = refusal.text if refusal.text and not refusal.text.startswith(f"{refusal.status}:") else None
        return _error_page(request, refusal.status, message or MESSAGES.get(refusal.status, refusal.reason))
    except asyncio.CancelledError:
        raise
    except Exception as error:  # a bug: say so plainly, log no content (it could be a referral)
        route = request.match_info.route.name if request.match_info.route else None
        log.error("console error on route %s: %s", route, type(error).__name__)
        return _error_page(request, 500, "Something went wrong in the console. Nothing was changed by it.")


def _error_page(request: web.Request, status: int, message: str) -> web.Response:
    return render("error.html", request, {"status": status, "message": message}, status=status)


@web.middleware
async def gate(request: web.Request, handler):  # type: ignore[no-untyped-def]
    """Deny by default: only named public routes are reachable without a signed-in session."""
    match = request.match_info
    if match.http_exception is not None:
        raise match.http_exception  # 404 / 405: nothing to protect
    name = match.route.name
    if name is None:
        raise web.HTTPForbidden()
    config = request.app[CONFIG]
    if name in routes.PUBLIC:
        login_value = request.cookies.get(config.login_cookie)
        if login_value:
            request[CSRF_KEY] = csrf_token(login_value)
        return await handler(request)

    token = request.cookies.get(config.session_cookie)
    current = await asyncio.to_thread(request.app[SESSIONS].lookup, token)
    if current is None:
        raise to_login(config, clear=bool(token))
    request[SESSION_KEY] = current
    request[CSRF_KEY] = current.csrf

    step = {"mfa": "code", "enrol": "enrol"}.get(current.stage)
    if name in routes.ANY_SESSION:
        pass
    elif name in routes.SECOND_FACTOR:
        if step is None:
            raise web.HTTPSeeOther(str(request.app.router["queue"].url_for()))
        if not name.startswith(step):
            raise web.HTTPSeeOther(str(request.app.router[step].url_for()))
    elif step is not None:
        raise web.HTTPSeeOther(str(request.app.router[step].url_for()))  # finish signing in first
    elif name in routes.MANAGERS_ONLY and not current.officer.is_manager:
        raise web.HTTPForbidden(text="Only managers can see this page.")
    return await handler(request)


@web.middleware
async def csrf(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if request.method not in SAFE_METHODS:
        expected = request.get(CSRF_KEY)
        form = await request.post()
        given = form.get(CSRF_FIELD)
        if not expected or not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
            raise web.HTTPForbidden(text="This form has expired or did not come from the console. "
                                         "Go back, reload the page and try again.")
    return await handler(request)


MIDDLEWARES = [errors, gate, csrf]


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, errors and redirects included."""
    response.headers.setdefault("Content-Security-Policy", CSP)  # attachments set a stricter one
    for name, value in HEADERS.items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Server", None)
