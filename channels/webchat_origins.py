"""Which web pages may talk to the web chat webhook from a browser (CORS).

Only the councils' own pages may: their origins are configured (``FAMILYVOICE_WEBCHAT_ORIGINS``
and/or ``allowed_origins`` under the channel in credentials.yml). The server's own pages (the
demo) are same-origin and need no entry. Anything else gets no CORS headers, and a POST that
a browser marks as coming from another site is refused, so a stranger's page cannot push
messages into the service through its visitors' browsers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import urlsplit

ORIGINS_ENV = "FAMILYVOICE_WEBCHAT_ORIGINS"
# A browser may reuse a preflight answer this long (seconds) before asking again.
PREFLIGHT_MAX_AGE = 600
_DEFAULT_PORTS = {"http": 80, "https": 443}


class OriginConfigError(ValueError):
    """A configured origin is not of the form scheme://host[:port]."""


def normalise_origin(value: str) -> str:
    """``https://Council.gov.uk:443`` -> ``https://council.gov.uk``: the form browsers send."""
    parts = urlsplit(value.strip())
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise OriginConfigError(f"not an http(s) origin: {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise OriginConfigError(f"an origin has no path, query or user: {value!r}")
    try:
        port = parts.port
    except ValueError:
        raise OriginConfigError(f"bad port in origin: {value!r}") from None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def _split(configured: Iterable[str] | str | None) -> list[str]:
    if configured is None:
        return []
    if isinstance(configured, str):
        configured = configured.replace(",", " ").split()
    return [str(item) for item in configured if str(item).strip()]


@dataclass(frozen=True)
class OriginPolicy:
    allowed: frozenset[str]

    @classmethod
    def from_config(
        cls, configured: Iterable[str] | str | None = None, environ: Mapping[str, str] | None = None
    ) -> "OriginPolicy":
        """Union of the credentials.yml list and the environment variable; a bad entry is an
        error at start-up rather than a council whose chat silently does not work."""
        environ = os.environ if environ is None else environ
        entries = _split(configured) + _split(environ.get(ORIGINS_ENV))
        return cls(frozenset(normalise_origin(entry) for entry in entries))

    def is_configured(self, origin: str | None) -> bool:
        if not origin:
            return False
        try:
            return normalise_origin(origin) in self.allowed
        except OriginConfigError:  # "null" (sandboxed frames, file://) and other junk
            return False

    def permits(self, origin: str | None, host: str | None) -> bool:
        """May a request with this Origin header reach the dialogue?

        No Origin: not a cross-site browser request (curl, a server, an old same-origin GET).
        Same host as the request: the server's own pages.
        """
        if origin is None:
            return True
        if self.is_configured(origin):
            return True
        netloc = urlsplit(origin).netloc.lower()
        return bool(host) and netloc == host.lower()

    def cors_headers(self, origin: str | None, preflight: bool) -> dict[str, str]:
        """The headers that let a configured council page read our answer; none otherwise."""
        if not self.is_configured(origin):
            return {}
        headers = {"Access-Control-Allow-Origin": str(origin), "Vary": "Origin"}
        if preflight:
            headers.update(
                {
                    "Access-Control-Allow-Methods": "POST, OPTIONS",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE),
                }
            )
        return headers
