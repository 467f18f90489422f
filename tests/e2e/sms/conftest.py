"""The running system with the SMS channel pointed at a local fake Twilio.

Its own stack (not the shared web chat one): the SMS channel needs Twilio settings in its
environment, and these tests age conversations by editing the store. Requests are signed
with the twilio library's RequestValidator for the configured PUBLIC URL, which is not the
address the test connects to, as behind a real proxy.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

from bot.keys import load_intake_secret
from bot.launcher import Stack, start_stack
from bot.sms_inbound import WEBHOOK_PATH
from bot.sms_state import SmsKeys
from tests.e2e.conftest import MODEL, familyvoice
from tests.fake_twilio import FakeTwilio, FakeTwilioServer, new_sid

PUBLIC_BASE_URL = "https://familyvoice.council.example"
OUR_NUMBER = "+447700900999"
REPLY_DEADLINE = 6.0


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    server = FakeTwilioServer()
    yield server.start()
    server.stop()


@pytest.fixture(scope="session")
def sms_var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sms-var")


@pytest.fixture(scope="session")
def sms_stack(sms_var_dir: Path, fake_twilio: FakeTwilio) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model at models/current.tar.gz: run `make model` (make test does).")
    made = familyvoice(sms_var_dir, "keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    env = {
        "FAMILYVOICE_TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "FAMILYVOICE_TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "FAMILYVOICE_TWILIO_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FAMILYVOICE_TWILIO_API_BASE_URL": fake_twilio.base_url,
        "FAMILYVOICE_TWILIO_REPLY_DEADLINE": str(REPLY_DEADLINE),
        "FAMILYVOICE_TWILIO_RETRY_BACKOFF": "0.05",
        "FAMILYVOICE_TWILIO_SWEEP_INTERVAL": "0.5",
    }
    running = start_stack(model=MODEL, var_dir=sms_var_dir, env=env)
    # Twilio calls the public URL; here that is our server on its local port.
    fake_twilio.callback_rewrite = (PUBLIC_BASE_URL, f"http://127.0.0.1:{running.rasa_port}")
    yield running
    running.stop()


@dataclass
class Sent:
    status: int
    messages: list[str]
    body: str
    seconds: float
    sids: list[str] = field(default_factory=list)  # the Message resources the replies became


@dataclass
class Phone:
    """A reporter's phone, as Twilio would relay it: every request signed for the public URL."""

    stack: Stack
    twilio: FakeTwilio
    number: str
    timings: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.stack.rasa_port}{WEBHOOK_PATH}"

    def form(self, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "MessageSid": sid or new_sid("SM"),
            "SmsSid": sid or "",
            "AccountSid": self.twilio.account_sid,
            "From": self.number,
            "To": OUR_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
            **extra,
        }

    def sign(self, form: dict[str, str], url: str | None = None, token: str | None = None) -> str:
        return RequestValidator(token or self.twilio.auth_token).compute_signature(url or PUBLIC_BASE_URL + WEBHOOK_PATH, form)

    def post(self, raw: bytes, headers: dict[str, str]) -> Sent:
        request = urllib.request.Request(self.url, data=raw, method="POST", headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                status, body = reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        seconds = time.perf_counter() - started
        messages, sids = [], []
        if status == 200:
            root = ElementTree.fromstring(body)
            assert root.tag == "Response", body
            messages = [m.text or "" for m in root.findall("Message")]
            sids = [self.deliver(m.get("action")) for m in root.findall("Message")]
        return Sent(status, messages, body, seconds, sids)

    def deliver(self, action: str | None) -> str:
        """What Twilio does with a TwiML <Message>: a Message resource, sent, then delivered,
        each reported to the message's action URL, signed."""
        sid = new_sid("SM")
        self.twilio.messages[sid] = {
            "to": self.number,
            "from": OUR_NUMBER,
            "status": "delivered",
            "direction": "outbound-reply",
        }
        if action:
            for status in ("sent", "delivered"):
                form = self.twilio.status_form(sid, status)
                request = urllib.request.Request(
                    self.twilio.callback_url(action),
                    data=urlencode(form).encode(),
                    method="POST",
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": self.sign(form, url=action),
                    },
                )
                with urllib.request.urlopen(request, timeout=30) as reply:
                    assert reply.status in (200, 204), reply.status
        return sid

    def send_form(self, form: dict[str, str], signature: str | None = None) -> Sent:
        if form.get("MessageSid"):  # her message, as Twilio holds it
            self.twilio.messages[form["MessageSid"]] = {
                "to": form.get("To", ""),
                "from": form.get("From", ""),
                "status": "received",
                "direction": "inbound",
            }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature or self.sign(form)}
        return self.post(urlencode(form).encode(), headers)

    def send(self, body: str, sid: str | None = None, **extra: str) -> Sent:
        form = self.form(body, sid, **extra)
        form["SmsSid"] = form["MessageSid"]
        sent = self.send_form(form)
        assert sent.status == 200, (sent.status, sent.body)
        self.timings.append(sent.seconds)
        return sent


def text_of(sent: Sent) -> str:
    return "\n".join(sent.messages)


def database_rows(var_dir: Path, query: str) -> list[tuple]:
    # closing(): sqlite3's own context manager commits but leaves the connection open.
    with closing(sqlite3.connect(var_dir / "familyvoice.db", timeout=10)) as connection:
        return connection.execute(query).fetchall()


def age_conversations(var_dir: Path, number: str, hours: float) -> None:
    """Make her SMS conversation look ``hours`` older, as if she had not written since."""
    sender_id = SmsKeys(load_intake_secret(var_dir / "keys" / "intake_secret.key")).sender_id(number)
    with closing(sqlite3.connect(var_dir / "familyvoice.db", timeout=10)) as connection, connection:
        changed = connection.execute(
            "UPDATE sms_senders SET last_seen = datetime(last_seen, ?) WHERE sender_id = ?",
            (f"-{int(hours * 3600)} seconds", sender_id),
        ).rowcount
    assert changed == 1
