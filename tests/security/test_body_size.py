"""A body larger than any webhook accepts is refused from its Content-Length, before the
server reads it: the same clear 413 as a message that is too long, at once."""

from __future__ import annotations

import json
import socket
import time

import pytest

from bot.inbound import TOO_LONG

pytestmark = pytest.mark.e2e

ANNOUNCED = 100_000_000  # what Sanic would otherwise wait for and read


def send_headers_only(
    port: int, path: str, content_type: str
) -> tuple[int, dict[str, str], bytes, float]:
    """Announce a huge body, send a few bytes of it, and wait for the answer."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {ANNOUNCED}\r\n\r\n".encode() + b"x" * 1024
        )
        received = b""
        while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(
            received
        ):
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return (
        int(lines[0].split()[1]),
        {k.lower(): v for k, v in headers.items()},
        rest,
        time.monotonic() - started,
    )


def _length(received: bytes) -> int:
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for line in head.split("\r\n"):
        if line.startswith("content-length:"):
            return int(line.split(":", 1)[1])
    return 0


def test_an_oversized_web_chat_body_gets_the_clear_413_unread(stack):
    status, headers, body, seconds = send_headers_only(
        stack.rasa_port, "/webhooks/webchat/webhook", "application/json"
    )
    assert status == 413 and seconds < 5
    assert json.loads(body) == {"error": TOO_LONG}
    assert headers.get("cache-control") == "no-store"


def test_an_oversized_sms_webhook_body_gets_the_413_unread(stack):
    status, _, body, seconds = send_headers_only(
        stack.rasa_port, "/webhooks/twilio_sms/webhook", "application/x-www-form-urlencoded"
    )
    assert status == 413 and seconds < 5
    assert body == b"Request too large."
