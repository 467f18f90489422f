"""A council's web site for the widget tests: a real local HTTP server on another origin.

It embeds the widget the way a council would (one script tag), under a strict
Content-Security-Policy, and also serves the neutral "weather" page the quick exit goes to,
so no test traffic leaves the machine and the exit lands on the same origin, where the tests
can check that the widget's sessionStorage is empty.

`Relay` stands in for the chat server being down and coming back: until started its port is
held but refuses connections (a real "connection refused"); started, it passes requests on to Rasa.

The standard library's threaded HTTP server is enough for static pages and a relay, and runs
beside Playwright's sync API without an event loop.
"""

from __future__ import annotations

import html
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main>{body}</main></body></html>"""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _Server:
    """Bound at once to a port the system picks, so nothing else can take it; a bound socket
    that is not listening refuses connections, which is exactly a server that is down."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], listen: bool = True) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler, bind_and_activate=False)
        self.httpd.daemon_threads = True
        self.httpd.server_bind()
        self.port = int(self.httpd.server_address[1])
        self.thread: threading.Thread | None = None
        if listen:
            self.listen()

    def listen(self) -> None:
        self.httpd.server_activate()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread:
            self.httpd.shutdown()
        self.httpd.server_close()


class CouncilSite:
    """http://127.0.0.1:<port>/ (home), /report (the chat), /weather (where exit goes)."""

    def __init__(self, widget_js: str = "") -> None:
        self.widget_js = widget_js  # set once the chat server is up (widget_driver.council)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/":
                    self._page("Anytown Council", '<h1>Anytown Council</h1><p><a href="/report">Report a concern</a></p>')
                elif parts.path == "/report":
                    self._page("Report a concern about a child", site.report_body(query), site.csp(query))
                elif parts.path == "/weather":
                    time.sleep(float(query.get("delay", "0")))
                    self._page("Weather", "<h1>Weather</h1><p>Sunny intervals.</p>")
                else:
                    self.send_error(404)

            def _page(self, title: str, body: str, csp: str | None = None) -> None:
                data = PAGE.format(title=html.escape(title), body=body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                if csp:
                    self.send_header("Content-Security-Policy", csp)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = _Server(Handler)
        self.port = self._server.port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/", host: str = "127.0.0.1", **query: str) -> str:
        return f"http://{host}:{self.port}{path}" + (f"?{urlencode(query)}" if query else "")

    def weather(self, delay: float = 0.0) -> str:
        return self.url("/weather", **({"delay": str(delay)} if delay else {}))

    def csp(self, query: dict[str, str]) -> str:
        """Strict: nothing inline, scripts and styles only from us and the chat server."""
        chat = _origin(self.widget_js)
        endpoint = _origin(query["endpoint"]) if "endpoint" in query else chat
        return (
            f"default-src 'none'; script-src 'self' {chat}; style-src 'self' {chat}; "
            f"connect-src {chat} {endpoint}; img-src 'self'; base-uri 'none'; form-action 'none'"
        )

    def report_body(self, query: dict[str, str]) -> str:
        """The council's page with the one-line embed; data attributes from the query string."""
        attributes = {"src": self.widget_js, "data-title": query.get("title", "Tell us about a child")}
        for name in ("colour", "exit-url", "endpoint", "tracks-url"):
            key = "exit" if name == "exit-url" else name
            if key in query:
                attributes[f"data-{name}"] = query[key]
        tag = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attributes.items())
        return (
            "<h1>Report a concern about a child</h1>"
            "<p>If you are worried about a child, tell us.</p>"
            f"<script {tag} defer></script>"
            "<p>Other ways to contact us.</p>"
        )

    def stop(self) -> None:
        self._server.stop()


class Relay:
    """The chat server as the browser sees it on its own port: down (connections refused)
    until `start()`, then passing every request on to Rasa."""

    def __init__(self, target_origin: str) -> None:
        target = target_origin

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                passed = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(target + self.path, data=body, headers=passed, method=self.command)
                try:
                    with urllib.request.urlopen(request, timeout=60) as reply:
                        status, headers, data = reply.status, reply.headers, reply.read()
                except urllib.error.HTTPError as error:
                    status, headers, data = error.code, error.headers, error.read()
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = _relay  # noqa: N815
            do_OPTIONS = _relay  # noqa: N815

        self._server = _Server(Handler, listen=False)
        self.port = self._server.port

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/webchat/webhook"

    def start(self) -> None:
        self._server.listen()

    def stop(self) -> None:
        self._server.stop()
