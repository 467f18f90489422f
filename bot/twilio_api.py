"""Talking to Twilio: outbound messages, fetching MMS photos, deleting photos and messages.

Outbound calls go through the real ``twilio`` REST client (its aiohttp-based async client),
with the API base URL configurable so tests point it at a local fake Twilio server. Twilio
answers 429 when we send too fast and 5xx when it is having a bad day: both are retried with
exponential backoff. A call that still fails is reported to the caller, never raised into the
conversation: a referral never depends on a message reaching Twilio.

Photos are fetched with our credentials only from our own account's media URLs (checked
before anything is sent, so a crafted MediaUrl cannot borrow our credentials), without
following a redirect to another host with them, and are checked for type and size.

Nothing here logs a phone number, a message body or a URL holding a SID.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from dataclasses import dataclass
from typing import Awaitable, Callable, Mapping, TypeVar
from urllib.parse import urljoin, urlsplit

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)
# The twilio client logs every request URL (with SIDs) at INFO; ours says what matters.
logging.getLogger("twilio.async_http_client").setLevel(logging.WARNING)
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/gif": "gif",
}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MEDIA_SID = re.compile(r"^ME[0-9a-fA-F]{32}$")

T = TypeVar("T")


class MediaRefused(Exception):
    """A photo we will not keep: wrong type, too large, or not from our account."""


class MediaUnavailable(Exception):
    """A photo we could not fetch (Twilio down, or still failing after the retries)."""


class _Retryable(Exception):
    pass


@dataclass(frozen=True)
class Photo:
    media_sid: str
    content_type: str
    data: bytes

    @property
    def extension(self) -> str:
        return PHOTO_TYPES[self.content_type]


def looks_like(content_type: str, data: bytes) -> bool:
    """The bytes are what the content type says: a photo, not a script called photo.jpg."""
    if content_type == "image/jpeg":
        return data[:3] == b"\xff\xd8\xff"
    if content_type == "image/png":
        return data[:8] == b"\x89PNG\r\n\x1a\n"
    if content_type == "image/gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if content_type in ("image/heic", "image/heif"):
        return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"heif")
    return False


class TwilioApi:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        api_base_url: str = "https://api.twilio.com",
        attempts: int = 4,
        backoff: float = 0.5,
        timeout: float = 10.0,
    ) -> None:
        self.account_sid = account_sid
        self._auth = aiohttp.BasicAuth(account_sid, auth_token)
        self.api_base_url = api_base_url.rstrip("/")
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        # A session per request: this object may be made before the event loop it will run on.
        self._http = AsyncTwilioHttpClient(pool_connections=False, timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=self._http)
        # twilio 8 builds every URL from the domain's base_url; pointing it elsewhere is
        # how the tests (and a regional or proxied deployment) reach another Twilio.
        self.client.api.base_url = self.api_base_url

    async def close(self) -> None:
        await self._http.close()

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return await call()
            except TwilioRestException as error:
                if error.status not in RETRY_STATUSES or attempt == self.attempts:
                    raise
                status = error.status
            except _Retryable as error:
                if attempt == self.attempts:
                    raise MediaUnavailable(str(error)) from None
                status = str(error)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                if attempt == self.attempts:
                    raise
                status = type(error).__name__
            delay = self.backoff * 2 ** (attempt - 1) * (0.5 + random.random() / 2)
            logger.info("twilio.retry what=%s attempt=%d status=%s delay=%.2f", what, attempt, status, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def send_message(
        self, to: str, from_: str, body: str, status_callback: str | None = None
    ) -> str | None:
        """Send one SMS; its MessageSid, or None if Twilio would not take it after the retries.
        Twilio reports the message's progress to ``status_callback`` (so it can be deleted)."""
        extra = {"status_callback": status_callback} if status_callback else {}
        try:
            message = await self._retrying(
                "send",
                lambda: self.client.messages.create_async(to=to, from_=from_, body=body, **extra),
            )
        except (TwilioRestException, aiohttp.ClientError, asyncio.TimeoutError) as error:
            status = getattr(error, "status", type(error).__name__)
            logger.warning("twilio.send_failed status=%s", status)
            return None
        return message.sid

    def media_sid(self, url: str, message_sid: str) -> str:
        """The MediaSid of a MediaUrl, if it is a photo of this message in our account."""
        expected = f"{self.api_base_url}/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}/Media/"
        if not url.startswith(expected):
            raise MediaRefused("not a media URL of this account and message")
        sid = url[len(expected):]
        if not _MEDIA_SID.match(sid):
            raise MediaRefused("not a media URL of this account and message")
        return sid

    async def fetch_photo(self, url: str, message_sid: str, declared_type: str = "") -> Photo:
        """Fetch one MMS photo. Raises MediaRefused (keep nothing) or MediaUnavailable."""
        sid = self.media_sid(url, message_sid)
        declared = declared_type.split(";")[0].strip().lower()
        if declared and declared not in PHOTO_TYPES:
            raise MediaRefused("unsupported type")
        timeout = aiohttp.ClientTimeout(total=max(self.timeout, 30.0))
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                content_type, data = await self._retrying("fetch", lambda: self._get(session, url))
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                raise MediaUnavailable(type(error).__name__) from None
        if content_type not in PHOTO_TYPES or not looks_like(content_type, data):
            raise MediaRefused("unsupported type")
        return Photo(sid, content_type, data)

    async def _get(self, session: aiohttp.ClientSession, url: str) -> tuple[str, bytes]:
        origin = urlsplit(url)[:2]
        for _ in range(4):
            # Our credentials go only to Twilio's API host; Twilio redirects a media GET to
            # its file store, which needs none.
            auth = self._auth if urlsplit(url)[:2] == origin else None
            async with session.get(url, auth=auth, allow_redirects=False) as reply:
                if reply.status in (301, 302, 303, 307, 308) and "Location" in reply.headers:
                    url = urljoin(url, reply.headers["Location"])
                    continue
                if reply.status in RETRY_STATUSES:
                    raise _Retryable(str(reply.status))
                if reply.status != 200:
                    raise MediaUnavailable(str(reply.status))
                content_type = reply.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if content_type not in PHOTO_TYPES:
                    raise MediaRefused("unsupported type")
                if (reply.content_length or 0) > MAX_PHOTO_BYTES:
                    raise MediaRefused("too large")
                data = await reply.content.read(MAX_PHOTO_BYTES + 1)
                if len(data) > MAX_PHOTO_BYTES:
                    raise MediaRefused("too large")
                return content_type, data
        raise MediaUnavailable("too many redirects")

    async def delete_photo(self, message_sid: str, media_sid: str) -> bool:
        """Delete Twilio's copy of a photo we have sealed. True once it is gone."""
        media = self.client.api.v2010.accounts(self.account_sid).messages(message_sid).media(media_sid)
        return await self._delete(media.delete_async)

    async def delete_message(self, message_sid: str) -> bool:
        """Delete Twilio's copy of one message (its body, both numbers). True once it is gone;
        False to try again later (e.g. Twilio is still sending it)."""
        message = self.client.api.v2010.accounts(self.account_sid).messages(message_sid)
        return await self._delete(message.delete_async)

    async def _delete(self, call: Callable[[], Awaitable[bool]]) -> bool:
        try:
            await self._retrying("delete", call)
        except TwilioRestException as error:
            if error.status == 404:
                return True  # already gone
            logger.warning("twilio.delete_failed status=%s", error.status)
            return False
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("twilio.delete_failed status=%s", type(error).__name__)
            return False
        return True


def photo_urls(form: Mapping[str, str]) -> list[tuple[str, str]]:
    """(MediaUrlN, MediaContentTypeN) for each photo a webhook announces (at most 10)."""
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        return []
    found = []
    for index in range(max(0, min(count, 10))):
        url = form.get(f"MediaUrl{index}")
        if url:
            found.append((url, form.get(f"MediaContentType{index}", "")))
    return found
