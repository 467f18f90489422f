"""Guessing officers' passwords and codes, and locking officers out, against the real app.

Races are made on purpose: hundreds of requests at once over real HTTP, the server's database
work on many threads, on SQLite and on PostgreSQL. Different attackers are different client
addresses (the loopback network has them all), so the per-address rules are tested as a
council's network would meet them.
"""

from __future__ import annotations

import asyncio
import functools
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import aiohttp
import pyotp
import pytest
from aiohttp import test_utils, web
from aiohttp.test_utils import TestClient

from bot.console import lockout, sessions
from bot.console.app import LISTEN_BACKLOG, init_app
from bot.console.appkeys import ACCOUNTS, AUDIT, STORE
from bot.console.client_address import parse_trusted_proxies
from bot.console.views_auth import CODE_FAILED, SIGN_IN_FAILED
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - PostgreSQL fixtures
from tests.console.conftest import PASSWORD, Clock, csrf_of, sign_in

WRONG = "not the password at all"
BOTH_DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH_DATABASES)
def database(request: pytest.FixtureRequest, config: Any) -> str:
    return config.db_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture
async def many_threads() -> None:
    """The server's database work on 32 threads, not the default handful: more of it at once."""
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=32)
    loop.set_default_executor(executor)
    yield
    executor.shutdown(wait=True)


@pytest.fixture
def app(config: Any, database: str) -> web.Application:
    built = init_app(replace(config, db_url=database))
    built[ACCOUNTS].add("olive", PASSWORD, "officer")
    return built


@pytest.fixture
async def server(aiohttp_server: Any, app: web.Application, monkeypatch: Any) -> Any:
    # Listening as `familyvoice console` does: with aiohttp's default backlog (128), 400
    # connections at once overflow the accept queue and some are reset before they are read.
    listening = functools.partial(web.SockSite, backlog=LISTEN_BACKLOG)
    monkeypatch.setattr(test_utils, "SockSite", listening)
    return await aiohttp_server(app)


@pytest.fixture
def connect(aiohttp_client: Any, server: Any):
    async def from_address(address: str = "127.0.0.1") -> TestClient:
        connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=200)
        return await aiohttp_client(server, connector=connector)
    return from_address


def audited(app: web.Application, action: str, **detail: str) -> list[Any]:
    return [entry for entry in app[AUDIT].entries() if entry.action == action
            and all(entry.detail.get(k) == v for k, v in detail.items())]


def checked_codes(app: web.Application) -> int:
    """Wrong codes that were really compared with the authenticator's."""
    return sum(1 for entry in audited(app, "login_failed", step="code")
               if entry.detail.get("why") != "locked")


async def login_token(client: TestClient) -> str:
    return csrf_of(await (await client.get("/login")).text())


async def post_password(client: TestClient, username: str, password: str, token: str,
                        headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
    reply = await client.post("/login", data={"csrf_token": token, "username": username,
                                              "password": password},
                              allow_redirects=False, headers=headers)
    await reply.read()
    return reply


async def status_of(client: TestClient, username: str, password: str) -> int:
    """One sign-in with a fresh form, as a browser would: the status it gets."""
    return (await post_password(client, username, password, await login_token(client))).status


def forwarded(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def half_signed_in(client: TestClient, username: str = "olive") -> str:
    """Past the password: the code page's token."""
    reply = await post_password(client, username, PASSWORD, await login_token(client))
    assert reply.status == 303 and reply.headers["Location"] == "/login/code", reply.status
    return csrf_of(await (await client.get("/login/code")).text())


async def post_code(client: TestClient, code: str, token: str) -> aiohttp.ClientResponse:
    reply = await client.post("/login/code", data={"csrf_token": token, "code": code},
                              allow_redirects=False)
    await reply.read()
    return reply


async def enrolled(connect: Any, clock: Clock, address: str = "127.0.0.1") -> str:
    """Olive has set up her authenticator and signed in from ``address``, then out."""
    client = await connect(address)
    secret = (await sign_in(client, "olive", clock=clock)).secret
    await client.post("/logout", data={"csrf_token": csrf_of(await (await client.get("/")).text())})
    return secret


# --- the password step ---------------------------------------------------------------------------

@pytest.mark.usefixtures("many_threads")
async def test_four_hundred_guesses_at_once_from_forty_addresses_get_five_checked(app, connect):
    # Given an attacker with 40 addresses, none of which olive signs in from
    clients = [await connect(f"127.0.1.{n}") for n in range(1, 41)]
    tokens = [await login_token(client) for client in clients]

    # When he sends 400 wrong passwords at the same moment
    replies = await asyncio.gather(*(
        post_password(clients[n % 40], "olive", f"{WRONG} {n}", tokens[n % 40])
        for n in range(400)))

    # Then every one gets the same refusal, no error, and only five were tried at all
    assert {reply.status for reply in replies} == {401}
    assert len(audited(app, "login_failed", why="password")) == lockout.LOCK_AFTER
    assert len(audited(app, "login_failed", why="locked")) == 400 - lockout.LOCK_AFTER
    # and the account is locked from anywhere she has not signed in from: even the right password
    stranger = await connect("127.0.2.1")
    assert await status_of(stranger, "olive", PASSWORD) == 401


@pytest.mark.usefixtures("many_threads")
async def test_one_address_gets_twenty_tries_then_nothing_is_checked(app, connect):
    attacker = await connect("127.0.3.1")
    token = await login_token(attacker)
    replies = await asyncio.gather(*(
        post_password(attacker, f"user{n}", WRONG, token) for n in range(300)))
    statuses = [reply.status for reply in replies]
    assert statuses.count(401) == lockout.SOURCE_TRIES
    assert statuses.count(429) == 300 - lockout.SOURCE_TRIES
    throttled = next(reply for reply in replies if reply.status == 429)
    assert int(throttled.headers["Retry-After"]) == int(lockout.SOURCE_WINDOW.total_seconds())
    assert len(audited(app, "login_failed")) == lockout.SOURCE_TRIES
    assert len(audited(app, "source_throttled")) == 1
    # The address cannot sign in even with the right password; nobody else is affected.
    assert (await post_password(attacker, "olive", PASSWORD, token)).status == 429
    elsewhere = await connect("127.0.3.2")
    assert await status_of(elsewhere, "olive", PASSWORD) == 303


async def test_an_attacker_elsewhere_cannot_lock_an_officer_out_where_she_works(
        app, connect, clock):
    # Given olive works at one address, where she has signed in before
    secret = await enrolled(connect, clock, "127.0.4.1")
    # When attackers at five other addresses send a hundred wrong passwords for her
    attackers = [await connect(f"127.0.4.{n}") for n in range(2, 7)]
    tokens = [await login_token(client) for client in attackers]
    replies = await asyncio.gather(*(post_password(attackers[n % 5], "olive", WRONG, tokens[n % 5])
                                     for n in range(100)))
    assert {reply.status for reply in replies} <= {401, 429}
    assert audited(app, "locked_out")
    # Then at her desk she signs in as usual, password and code
    desk = await connect("127.0.4.1")
    clock.advance(seconds=31)
    await sign_in(desk, "olive", secret=secret, clock=clock)
    assert (await desk.get("/", allow_redirects=False)).status == 200


async def test_past_forty_six_failures_the_lock_still_holds_and_the_answer_stays_the_same(
        app, connect, clock):
    client = await connect()
    token = await login_token(client)
    for failure in range(1, 61):
        reply = await post_password(client, "olive", WRONG, token)
        assert reply.status == 401 and SIGN_IN_FAILED in await reply.text(), failure
        clock.advance(hours=2)  # past any lock: every one of these is checked
    assert len(audited(app, "login_failed", why="password")) == 60
    longest = int(lockout.LONGEST_LOCK.total_seconds())
    assert audited(app, "locked_out")[-1].detail["seconds"] == longest
    # Locked for the longest time after the last failure, then the right password works
    assert (await post_password(client, "olive", WRONG, token)).status == 401
    assert (await post_password(client, "olive", PASSWORD, token)).status == 401
    clock.advance(minutes=61)
    assert (await post_password(client, "olive", PASSWORD, token)).status == 303


def test_the_back_off_doubles_to_an_hour_and_never_overflows():
    assert lockout.lock_for(lockout.LOCK_AFTER - 1) is None
    assert lockout.lock_for(lockout.LOCK_AFTER).total_seconds() == 60
    assert lockout.lock_for(lockout.LOCK_AFTER + 1).total_seconds() == 120
    for failures in (46, 1_000, 10**9):
        assert lockout.lock_for(failures) == lockout.LONGEST_LOCK


async def test_unknown_user_wrong_password_disabled_and_locked_get_one_answer(app, connect, clock):
    app[ACCOUNTS].add("dora", PASSWORD, "officer")
    app[ACCOUNTS].add("lola", PASSWORD, "officer")
    app[ACCOUNTS].disable("dora")
    locker = await connect("127.0.5.9")
    token = await login_token(locker)
    for _ in range(lockout.LOCK_AFTER):
        await post_password(locker, "lola", WRONG, token)
    answers = set()
    for address, username, password in (
            ("127.0.5.1", "nobody", PASSWORD), ("127.0.5.2", "olive", WRONG),
            ("127.0.5.3", "dora", PASSWORD), ("127.0.5.4", "lola", PASSWORD)):
        client = await connect(address)
        reply = await post_password(client, username, password, await login_token(client))
        answers.add((reply.status, re.sub(r'value="[^"]+"', "", await reply.text())))
    assert len(answers) == 1 and next(iter(answers))[0] == 401
    # the last reason audited for each
    whys = {entry.actor: entry.detail["why"] for entry in audited(app, "login_failed")}
    assert whys == {"unknown": "unknown", "olive": "password", "dora": "disabled", "lola": "locked"}


# --- the code step -------------------------------------------------------------------------------

@pytest.mark.usefixtures("many_threads")
async def test_four_hundred_codes_at_once_in_one_session_get_three_checked(app, connect, clock):
    await enrolled(connect, clock)
    client = await connect()
    token = await half_signed_in(client)
    replies = await asyncio.gather(*(post_code(client, f"{n:06d}", token) for n in range(400)))
    # refused, throttled, or (once the session has ended) sent back to sign in: never in
    assert {(reply.status, reply.headers.get("Location")) for reply in replies} <= {
        (401, None), (429, None), (303, "/login")}
    assert checked_codes(app) == sessions.CODE_TRIES
    # and that half-signed-in session is over: the password again
    reply = await client.get("/login/code", allow_redirects=False)
    assert reply.status == 303 and reply.headers["Location"] == "/login"


ROUNDS = 8


@pytest.mark.usefixtures("many_threads")
async def test_one_right_code_sent_at_once_many_times_signs_in_once(app, connect, clock):
    secret = await enrolled(connect, clock)
    for round_ in range(ROUNDS):
        clock.advance(seconds=31)  # a new code each round, from a new address (losers count)
        client = await connect(f"127.0.9.{round_ + 1}")
        token = await half_signed_in(client)
        code = pyotp.TOTP(secret).at(clock())
        replies = await asyncio.gather(*(post_code(client, code, token) for _ in range(20)))
        answers = [(reply.status, reply.headers.get("Location")) for reply in replies]
        assert answers.count((303, "/")) == 1, round_
        assert set(answers) <= {(303, "/"), (401, None), (303, "/login")}, round_  # no error either
    assert len(audited(app, "login")) == 1 + ROUNDS  # the enrolment's, and one a round


@pytest.mark.usefixtures("many_threads")
async def test_one_code_in_two_half_signed_in_sessions_at_once_signs_in_once(app, connect, clock):
    secret = await enrolled(connect, clock)
    for round_ in range(ROUNDS):
        clock.advance(seconds=31)
        address = f"127.0.10.{round_ + 1}"
        first, second = await connect(address), await connect(address)
        tokens = [await half_signed_in(first), await half_signed_in(second)]
        code = pyotp.TOTP(secret).at(clock())
        replies = await asyncio.gather(post_code(first, code, tokens[0]),
                                       post_code(second, code, tokens[1]))
        assert sorted((reply.status, reply.headers.get("Location")) for reply in replies) == [
            (303, "/"), (401, None)], round_


async def test_the_code_step_refuses_a_locked_account(app, connect, clock):
    # Given someone who has her password is half-way in, from an address she never used
    secret = await enrolled(connect, clock, "127.0.6.1")
    clock.advance(seconds=31)
    intruder = await connect("127.0.6.2")
    token = await half_signed_in(intruder)
    # When the account gets locked meanwhile (five failures from another stranger)
    other = await connect("127.0.6.3")
    other_token = await login_token(other)
    for _ in range(lockout.LOCK_AFTER):
        await post_password(other, "olive", WRONG, other_token)
    # Then even the right code does not let them in
    reply = await post_code(intruder, pyotp.TOTP(secret).at(clock()), token)
    assert reply.status == 401 and SIGN_IN_FAILED in await reply.text()
    assert len(audited(app, "login")) == 1  # only the enrolment
    assert audited(app, "login_failed", step="code", why="locked")


async def test_three_wrong_codes_end_the_half_signed_in_session(app, connect, clock):
    await enrolled(connect, clock)
    client = await connect()
    token = await half_signed_in(client)
    for _ in range(sessions.CODE_TRIES - 1):
        reply = await post_code(client, "000000", token)
        assert reply.status == 401 and CODE_FAILED in await reply.text()
    reply = await post_code(client, "000000", token)
    assert reply.status == 401 and SIGN_IN_FAILED in await reply.text()
    assert (await client.get("/login/code", allow_redirects=False)).headers["Location"] == "/login"


# --- who the client is, behind a proxy ---------------------------------------------------------

async def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(config, aiohttp_client):
    trusting = init_app(replace(config, trusted_proxies=parse_trusted_proxies("127.0.0.1")))
    proxied = await aiohttp_client(trusting)
    token = await login_token(proxied)
    behind = {"X-Forwarded-For": "203.0.113.5"}
    for n in range(lockout.SOURCE_TRIES):
        await post_password(proxied, f"user{n}", WRONG, token, headers=behind)
    assert (await post_password(proxied, "x", WRONG, token, headers=behind)).status == 429
    # A forged address to the left of what our proxy appended changes nothing
    forged = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
    assert (await post_password(proxied, "x", WRONG, token, headers=forged)).status == 429
    # Another client behind the same proxy is counted on its own
    assert (await post_password(proxied, "x", WRONG, token, forwarded("203.0.113.6"))).status == 401

    trusting[STORE].engine.dispose()


async def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_throttle(app, connect):
    client = await connect("127.0.7.1")
    token = await login_token(client)
    for n in range(lockout.SOURCE_TRIES):
        await post_password(client, f"user{n}", WRONG, token, forwarded(f"203.0.113.{n}"))
    reply = await post_password(client, "x", WRONG, token, forwarded("192.0.2.99"))
    assert reply.status == 429


async def test_an_administrator_can_unlock_an_account(app, connect):
    client = await connect("127.0.8.1")
    token = await login_token(client)
    for _ in range(lockout.LOCK_AFTER):
        await post_password(client, "olive", WRONG, token)
    assert (await post_password(client, "olive", PASSWORD, token)).status == 401
    app[ACCOUNTS].unlock("olive")  # familyvoice officers unlock olive
    assert (await post_password(client, "olive", PASSWORD, token)).status == 303
    assert audited(app, "officer_unlocked")
