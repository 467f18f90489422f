"""What views and middleware share about a request: where the session and CSRF token are
kept on it, who is asking, and how the console's cookies are set and cleared."""

from __future__ import annotations

from typing import Any, Mapping

import aiohttp_jinja2
from aiohttp import web

from bot.console.client_address import client_address
from bot.console.config import ConsoleConfig

SESSION_KEY = "fv.session"  # the CurrentSession, on the request
CSRF_KEY = "fv.csrf"  # the token this request's forms must carry
CSRF_FIELD = "csrf_token"


def client_of(request: web.Request, config: ConsoleConfig) -> str:
    """The client address failed sign-ins are counted against (proxies: see client_address)."""
    return client_address(request.remote, request.headers.getall("X-Forwarded-For", []),
                          config.trusted_proxies)


def set_cookie(response: web.StreamResponse, config: ConsoleConfig, name: str, value: str) -> None:
    # No Max-Age: the browser forgets it when closed; the server enforces the real limits.
    response.set_cookie(name, value, path="/", secure=not config.dev_http, httponly=True, samesite="Strict")


def clear_cookie(response: web.StreamResponse, config: ConsoleConfig, name: str) -> None:
    # A __Host- cookie can only be replaced by one with the same attributes, Secure included.
    response.set_cookie(name, "", path="/", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT",
                        secure=not config.dev_http, httponly=True, samesite="Strict")


def to_login(config: ConsoleConfig, *, clear: bool) -> web.HTTPSeeOther:
    redirect = web.HTTPSeeOther("/login")
    if clear:
        clear_cookie(redirect, config, config.session_cookie)
    return redirect


def render(template: str, request: web.Request, context: Mapping[str, Any] | None = None,
           status: int = 200) -> web.Response:
    """Render a page with what every page needs: the session, its CSRF token and the clock.
    Read at render time (not by a context-processor middleware) so pages rendered by the error
    middleware or after a view set the token get them too."""
    from bot.console.appkeys import AUDIT, CONFIG

    full = {"current": request.get(SESSION_KEY), "csrf": request.get(CSRF_KEY, ""),
            "now": request.app[CONFIG].clock(), "audit_alarm": request.app[AUDIT].alarm,
            **(context or {})}
    return aiohttp_jinja2.render_template(template, request, full, status=status)
