"""The widget's files and the server's own pages (the demo council page, "cover your tracks").

The widget is plain files read once at start: no build step, no template engine. The pages
are sent with a strict Content-Security-Policy (no inline script or style at all), which is
also how the tests prove the widget works on a council site that has one.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"

# Files a council page loads from us. Short cache with revalidation: the embed snippet has no
# version in its URL, so a fix must reach every council within minutes, not a year.
ASSET_TYPES = {
    "widget.js": "application/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}
ASSET_CACHE = "public, max-age=300, must-revalidate"

PAGE_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
# Sent with every page: nothing cached on the device, no referrer leaking where she was.
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str


def _load(name: str, content_type: str) -> Asset:
    body = (STATIC_DIR / name).read_bytes()
    return Asset(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


ASSETS = {name: _load(name, content_type) for name, content_type in ASSET_TYPES.items()}


def asset_response(request: Request, name: str) -> HTTPResponse:
    """A widget file with its type and caching headers; 304 when the browser's copy is current."""
    asset = ASSETS[name]
    headers = {
        "Cache-Control": ASSET_CACHE,
        "ETag": asset.etag,
        "X-Content-Type-Options": "nosniff",
        # Council pages on other sites load these; a page with COEP needs this to allow it.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if asset.etag in (request.headers.get("if-none-match") or ""):
        return response.empty(status=304, headers=headers)
    return response.raw(asset.body, content_type=asset.content_type, headers=headers)


# Sites the quick exit may go to when a page of ours is told one in its query string, besides
# the default and the councils' own sites: e.g. "https://www.google.co.uk https://www.gov.uk".
EXIT_URLS_ENV = "FAMILYVOICE_EXIT_URLS"


def exit_origins(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Where a quick exit may lead: the default's site, and those in FAMILYVOICE_EXIT_URLS."""
    env = os.environ if environ is None else environ
    configured = re.split(r"[\s,]+", env.get(EXIT_URLS_ENV, "").strip())
    return frozenset(filter(None, (_origin(url) for url in [DEFAULT_EXIT_URL, *configured] if url)))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        return None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.hostname.lower()}" + (
        f":{port}" if port and port != default_port else ""
    )


def safe_exit_url(candidate: str | None, allowed: frozenset[str] = frozenset()) -> str:
    """The exit to go to, if it is on a site we know (``allowed``, the councils' own origins,
    or :func:`exit_origins`); otherwise the default. A link anyone can craft must not turn
    "Exit this page" into a way to send her to their site (or to a javascript: URL)."""
    if candidate:
        origin = _origin(candidate)
        if origin is not None and (origin in allowed or origin in exit_origins()):
            return candidate
    return DEFAULT_EXIT_URL


def page_response(name: str, exit_url: str = DEFAULT_EXIT_URL) -> HTTPResponse:
    """One of our HTML pages. ``{{exit_url}}`` is the only substitution, escaped for HTML."""
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    text = text.replace("{{exit_url}}", html.escape(exit_url, quote=True))
    return response.html(text, headers=PAGE_HEADERS)
