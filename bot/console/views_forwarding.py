"""Managers only: referrals the relay could not forward to the case-management system
(bot/relay.py parks them as dead after its last try), and "try again" once it is fixed."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot import outbox
from bot.console.appkeys import AUDIT, CONFIG, STORE
from bot.console.http import SESSION_KEY, render


async def forwarding_page(request: web.Request) -> web.Response:
    dead = await asyncio.to_thread(outbox.messages, request.app[STORE].engine, status=outbox.DEAD)
    return render("forwarding.html", request, {"dead": dead})


async def forwarding_retry(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    retried = await asyncio.to_thread(
        outbox.retry_dead, request.app[STORE].engine, reference, request.app[CONFIG].clock()
    )
    if not retried:
        raise web.HTTPNotFound(text=f"Nothing for {reference} is waiting to be forwarded again.")
    await asyncio.to_thread(
        request.app[AUDIT].append, request[SESSION_KEY].officer.username, "forwarding_retried", reference=reference
    )
    raise web.HTTPSeeOther(str(request.app.router["forwarding"].url_for()))
