"""A local stand-in for Twilio's REST API: a real aiohttp server on 127.0.0.1, in a thread.

Twilio's servers are the one part of the SMS channel outside this machine, so tests point the
channel's API base URL here. It serves just what FamilyVoice uses: MMS media (GET), deleting
media and messages (DELETE) and sending a message (POST Messages.json, then a signed status
callback to the StatusCallback it was given, as Twilio does), checks HTTP basic auth like
Twilio, records every request, and can be told to answer 429 (too many requests) or 500 a few
times first or to be slow, so retries and timeouts are tested for real. It holds the Message
resources it knows of (``messages``: her inbound ones, registered by the test's phone, and ours),
so a test can see which of them are still kept at "Twilio".
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "fake-twilio-auth-token-" + "9" * 9

# The smallest valid images of each kind, so content checks see the real magic bytes.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def new_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, str]
    authorized: bool
    at: float


@dataclass
class MediaItem:
    content_type: str
    data: bytes
    fail_first: int = 0  # answer 429 this many times before the photo
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    media: dict[tuple[str, str], MediaItem] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    send_fail_first: int = 0  # answer the next N sends with 429
    send_status: int = 201  # after those, answer with this
    base_url: str = ""
    # Message resources still held: SID -> {"to", "from", "status", "direction"}.
    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    delete_fail_first: int = 0  # answer the next N message DELETEs with 500
    # Where status callbacks really go: (the public base URL they name, the local one to call).
    callback_rewrite: tuple[str, str] | None = None

    def media_url(self, message_sid: str, media_sid: str) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}/Media/{media_sid}"

    def add_media(self, message_sid: str, item: MediaItem) -> str:
        media_sid = new_sid("ME")
        self.media[(message_sid, media_sid)] = item
        return self.media_url(message_sid, media_sid)

    def recorded(self, method: str, contains: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and contains in r.path]

    def wait_for(self, method: str, contains: str = "", count: int = 1, timeout: float = 15.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.recorded(method, contains)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.recorded(method, contains)

    # --- the server -------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == expected

    async def _record(self, request: web.Request) -> bool:
        form = dict(await request.post()) if request.method == "POST" else {}
        ok = self._authorized(request)
        self.requests.append(Recorded(request.method, request.path, {k: str(v) for k, v in form.items()}, ok, time.time()))
        return ok

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        return web.json_response({"code": 20000 + status, "message": message, "status": status}, status=status)

    async def get_media(self, request: web.Request) -> web.Response:
        if not await self._record(request):
            return self._error(401, "Authenticate")
        item = self.media.get((request.match_info["message"], request.match_info["media"]))
        if item is None:
            return self._error(404, "not found")
        if item.delay:
            await asyncio.sleep(item.delay)
        if item.fail_first > 0:
            item.fail_first -= 1
            return self._error(429, "Too Many Requests")
        return web.Response(body=item.data, content_type=item.content_type)

    async def delete_media(self, request: web.Request) -> web.Response:
        if not await self._record(request):
            return self._error(401, "Authenticate")
        key = (request.match_info["message"], request.match_info["media"])
        if self.media.pop(key, None) is None:
            return self._error(404, "not found")
        return web.Response(status=204)

    async def send(self, request: web.Request) -> web.Response:
        if not await self._record(request):
            return self._error(401, "Authenticate")
        if self.send_fail_first > 0:
            self.send_fail_first -= 1
            return self._error(429, "Too Many Requests")
        if self.send_status >= 400:
            return self._error(self.send_status, "failed")
        form = self.requests[-1].form
        sid = new_sid("SM")
        body: dict[str, Any] = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
        }
        self.messages[sid] = {
            "to": form.get("To", ""),
            "from": form.get("From", ""),
            "status": "queued",
            "direction": "outbound-api",
        }
        if form.get("StatusCallback"):
            asyncio.get_running_loop().create_task(self._report_status(form["StatusCallback"], sid))
        return web.json_response(body, status=201)

    async def delete_message(self, request: web.Request) -> web.Response:
        if not await self._record(request):
            return self._error(401, "Authenticate")
        if self.delete_fail_first > 0:
            self.delete_fail_first -= 1
            return self._error(500, "Internal Server Error")
        if self.messages.pop(request.match_info["message"], None) is None:
            return self._error(404, "not found")
        return web.Response(status=204)

    def callback_url(self, url: str) -> str:
        if self.callback_rewrite and url.startswith(self.callback_rewrite[0]):
            return self.callback_rewrite[1] + url[len(self.callback_rewrite[0]) :]
        return url

    def status_form(self, sid: str, status: str) -> dict[str, str]:
        message = self.messages.get(sid, {})
        return {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.account_sid,
            "To": message.get("to", ""),
            "From": message.get("from", ""),
            "ApiVersion": "2010-04-01",
        }

    async def _report_status(self, url: str, sid: str) -> None:
        from twilio.request_validator import RequestValidator  # noqa: PLC0415 - test helper

        for status in ("sent", "delivered"):
            form = self.status_form(sid, status)
            signature = RequestValidator(self.auth_token).compute_signature(url, form)
            async with ClientSession() as session:
                await session.post(
                    self.callback_url(url), data=form, headers={"X-Twilio-Signature": signature}
                )

    def app(self) -> web.Application:
        app = web.Application()
        base = "/2010-04-01/Accounts/{account}"
        app.router.add_get(base + "/Messages/{message}/Media/{media}", self.get_media)
        app.router.add_delete(base + "/Messages/{message}/Media/{media}.json", self.delete_media)
        app.router.add_post(base + "/Messages.json", self.send)
        app.router.add_delete(base + "/Messages/{message}.json", self.delete_message)
        return app


class FakeTwilioServer:
    """Runs a FakeTwilio on a free port in a background thread until ``stop()``."""

    def __init__(self) -> None:
        self.fake = FakeTwilio()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._runner: web.AppRunner | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.fake.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.fake.base_url = f"http://127.0.0.1:{port}"

    def start(self) -> FakeTwilio:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Twilio did not start")
        return self.fake

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
