"""The console under test: a real app on a real SQLite file, real keys, a clock tests can move.

Key derivation is made cheap (scrypt at 16 KiB) so each test need not spend a second on it;
the parameters are stored beside each hash, so nothing else changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot import keys, origin, sealing, signing_keys
from bot.console import passwords
from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, CONFIG, STORE
from bot.console.config import ConsoleConfig
from bot.intake import addendum_signature, signed_referral
from bot.referral import Child, Concern, Reason, Referral, Reporter, Turn
from bot.store import StoredReferral

UTC = dt.timezone.utc
NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday, no bank holiday near
PASSWORD = "correct horse battery staple"
CHEAP = passwords.ScryptCost(n=2**4, r=8, p=1)
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET_RE = re.compile(r'id="secret">([A-Z2-7 ]+)<')


class Clock:
    """The console's idea of now; tests move it on."""

    def __init__(self, now: dt.datetime = NOON) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "DEFAULT_COST", CHEAP)
    passwords.dummy_hash.cache_clear()
    yield
    passwords.dummy_hash.cache_clear()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def unit_key(tmp_path: Path) -> sealing.UnitPrivateKey:
    keys.init_keys(tmp_path / "keys", b"test passphrase", cost=keys.ScryptCost(n=2**4, r=8, p=1))
    return keys.load_private_key(tmp_path / "keys" / keys.PRIVATE_KEY_FILE, b"test passphrase")


@pytest.fixture
def config(tmp_path: Path, unit_key: sealing.UnitPrivateKey, clock: Clock) -> ConsoleConfig:
    return ConsoleConfig(db_url=f"sqlite:///{tmp_path / 'fv.db'}", keys_dir=tmp_path / "keys",
                         private_key=unit_key, dev_http=True, clock=clock)


@pytest.fixture
def app(config: ConsoleConfig) -> web.Application:
    return init_app(config)


@pytest.fixture
async def client(aiohttp_client: Any, app: web.Application) -> TestClient:
    return await aiohttp_client(app)


# --- referrals in the queue -------------------------------------------------------------------

def make_referral(reference: str, *, priority: str = "AMBER", received_at: dt.datetime = NOON,
                  description: str = "He had a black eye and said mum's new boyfriend did it.",
                  status: str = "complete", **extra: Any) -> Referral:
    return Referral(
        reference=reference, received_at=received_at.isoformat(), channel="webchat", status=status,
        priority=priority,
        reasons=[Reason("R-INJURY", "A physical injury", "He had a black eye")],
        child=Child(name="Tommy Canary", age_text="6", age_years=6.0, area="Northtown"),
        concern=Concern(types=["physical"], description=description),
        reporter=Reporter(name="Gran", relationship="grandmother", contact="phone", safe_to_contact=False,
                          safe_times="after 6pm"),
        transcript=[Turn("bot", "What is worrying you?", received_at.isoformat()),
                    Turn("reporter", description, received_at.isoformat())],
        **extra,
    )


def intake_signer(app: web.Application) -> origin.Signer:
    """The intake's signing key from the test's keys directory (`keys init` made it)."""
    return origin.Signer(signing_keys.load_signing_key(app[CONFIG].keys_dir / signing_keys.SIGNING_KEY_FILE))


def queue_referral(app: web.Application, referral: Referral, *, deadline: dt.datetime,
                   emergency: bool = False) -> StoredReferral:
    """Queue a referral as the intake does: sealed to the unit's key and signed by the intake."""
    public = app[CONFIG].unit_keys.public_key()
    row = signed_referral(intake_signer(app), StoredReferral(
        reference=referral.reference, received_at=dt.datetime.fromisoformat(referral.received_at),
        channel=referral.channel, status=referral.status, priority=referral.priority, emergency=emergency,
        deadline=deadline, key_id=sealing.key_id(public), suite=sealing.suite_for(public),
        sealed=sealing.seal(referral.to_json().encode(), public, referral.reference),
    ))
    app[STORE].add_referral(row)
    return row


def add_addition(app: web.Application, reference: str, body: dict[str, Any], at: dt.datetime = NOON) -> None:
    """An addition as the intake writes it: sealed and signed (no escalation)."""
    sealed = sealing.Sealer(app[CONFIG].unit_keys.public_key()).seal(json.dumps(body).encode(), reference,
                                                                      "addendum")
    statement, signature = addendum_signature(intake_signer(app), reference, at, sealed)
    app[STORE].add_addendum(reference, at, sealed.key_id, sealed.suite, sealed.blob, origin=statement,
                            origin_sig=signature)


# --- officers and signing in ------------------------------------------------------------------

@dataclass
class SignedIn:
    username: str
    secret: str
    cookies: dict[str, str] = field(default_factory=dict)


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def post_form(client: TestClient, path: str, data: dict[str, str], *, page: str | None = None):
    """POST a form the way a browser would: with the token from the page it was on."""
    if page is None:
        page = await (await client.get("/")).text()
    return await client.post(path, data={"csrf_token": csrf_of(page), **data}, allow_redirects=False)


async def sign_in(client: TestClient, username: str, password: str = PASSWORD, secret: str | None = None,
                  clock: Clock | None = None) -> SignedIn:
    """Password, then the authenticator (enrolled on the way if ``secret`` is None)."""
    page = await (await client.get("/login")).text()
    reply = await client.post("/login", data={"csrf_token": csrf_of(page), "username": username, "password": password},
                              allow_redirects=False)
    assert reply.status == 303, await reply.text()
    step = reply.headers["Location"]
    page = await (await client.get(step)).text()
    if secret is None:
        assert step == "/login/enrol"
        secret = SECRET_RE.search(page).group(1).replace(" ", "")
    now = clock() if clock else dt.datetime.now(UTC)
    reply = await client.post(step, data={"csrf_token": csrf_of(page), "code": pyotp.TOTP(secret).at(now)},
                              allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"] == "/", await reply.text()
    if clock:
        clock.advance(seconds=31)  # each code is accepted once: the next sign-in needs a new one
    return SignedIn(username, secret)


@pytest.fixture
def officer(app: web.Application) -> str:
    app[ACCOUNTS].add("olive", PASSWORD, "officer")
    return "olive"


@pytest.fixture
def manager(app: web.Application) -> str:
    app[ACCOUNTS].add("morag", PASSWORD, "manager")
    return "morag"


@pytest.fixture
async def signed_in(client: TestClient, officer: str, clock: Clock) -> SignedIn:
    return await sign_in(client, officer, clock=clock)
