"""``init_app()``: the console's aiohttp application, with everything it needs under typed keys."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any, AsyncIterator
from zoneinfo import ZoneInfo

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import web

from bot import invisible
from bot.console import middleware
from bot.console.accounts import Accounts
from bot import signing_keys
from bot.console.appkeys import (
    ACCOUNTS, AUDIT, CASEWORK, CONFIG, INTEGRITY, SESSIONS, SIGN_IN, STORE,
)
from bot.console.audit import CHECKPOINT_INTERVAL, open_audit_log
from bot.console.casework import Casework
from bot.console.config import ConsoleConfig, config_from_env
from bot.console.consolekey import load_console_key
from bot.console.integrity import ConsoleRecords, Integrity
from bot.console.opening import parse_when
from bot.console.routes import setup_routes
from bot.console.sessions import Sessions
from bot.console.signin import SignIn
from bot.origin import Verifier
from bot.store import Store

log = structlog.get_logger(__name__)
HERE = Path(__file__).resolve().parent
LONDON = ZoneInfo("Europe/London")
# Connections waiting to be accepted. aiohttp's default (128) resets the rest when a burst
# arrives faster than the event loop accepts, e.g. a morning's sign-ins behind one proxy.
LISTEN_BACKLOG = 1024


def when(value: Any) -> str:
    """A time as officers read it: London wall clock, e.g. "Tue 14 Mar 2026, 10:32"."""
    moment = parse_when(value)
    if moment is None:
        return "" if value is None else str(value)
    return moment.astimezone(LONDON).strftime("%a %d %b %Y, %H:%M")


def answer(value: Any) -> str:
    """An answer from the referral: unknown answers are shown as such, never as blank."""
    if value is None or isinstance(value, jinja2.Undefined) or value == "" or value == []:
        return "not known"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def init_app(config: ConsoleConfig | None = None) -> web.Application:
    """Build the console. Without ``config`` the private key is loaded from the environment."""
    config = config or config_from_env()
    store = Store(config.db_url)
    store.create_all()
    console_key = load_console_key(config.keys_dir, create=True)
    audit = open_audit_log(store.engine, console_key, config.keys_dir)

    app = web.Application(middlewares=middleware.MIDDLEWARES, client_max_size=256 * 1024)
    app[CONFIG] = config
    app[STORE] = store
    app[AUDIT] = audit
    app[ACCOUNTS] = Accounts(store.engine, console_key, audit, config.clock)
    app[SESSIONS] = Sessions(store.engine, console_key.session_key, config.clock, config.idle,
                             config.absolute)
    intake = Verifier(signing_keys.load_signing_public_keys(config.keys_dir))
    integrity = Integrity(intake, ConsoleRecords(console_key))
    signing_keys.write_console_signing_key(config.keys_dir, integrity.console.signer.public_key)
    app[INTEGRITY] = integrity
    app[CASEWORK] = Casework(store.engine, config.unit_keys.public_key(), audit, config.clock,
                             integrity=integrity, forward=config.forward)
    app[SIGN_IN] = SignIn(app[ACCOUNTS], app[SESSIONS], audit, config.clock)

    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # everything a reporter typed is shown; none of it may become markup
        undefined=jinja2.ChainableUndefined,  # a field missing from an older referral shows blank
        finalize=invisible.make_visible,  # no bidi control can reorder what an officer reads
    )
    env.filters.update(when=when, answer=answer)
    app.on_response_prepare.append(middleware.security_headers)
    setup_routes(app, HERE / "static")
    app.cleanup_ctx.append(_audit_watch)
    app.on_cleanup.append(_dispose)
    return app


async def _audit_watch(app: web.Application) -> AsyncIterator[None]:
    """At start and then every few minutes: does the audit chain still reach its head (the
    banner goes up within minutes of a truncation, even if nobody acts), and a signed
    checkpoint of it into the log."""

    async def watch() -> None:
        while True:
            try:
                await asyncio.to_thread(app[AUDIT].check)
            except Exception:  # noqa: BLE001 - e.g. the database restarting: again next round
                log.exception("audit.check_failed")
            await asyncio.sleep(CHECKPOINT_INTERVAL)

    task = asyncio.create_task(watch())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _dispose(app: web.Application) -> None:
    app[STORE].engine.dispose()
