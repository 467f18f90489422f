"""One referral: opened (and audited), its photos, and what officers do to it."""

from __future__ import annotations

import asyncio
from typing import Callable

from aiohttp import web

from bot.console import queue
from bot.console.appkeys import AUDIT, CASEWORK, CONFIG, INTEGRITY, STORE
from bot.console.casework import DECISIONS, CaseworkError
from bot.console.http import SESSION_KEY, render
from bot.console.opening import OpenedReferral, mark_additions_seen, open_referral
from bot.sealing import CannotOpen, SealingError
from bot.store import PRIORITY_RANK, UnknownReference


async def _open(request: web.Request) -> OpenedReferral:
    """Decrypt the referral named in the URL, writing the opening to the audit log first."""
    reference = request.match_info["reference"]
    store, audit = request.app[STORE], request.app[AUDIT]
    row = await asyncio.to_thread(store.get, reference)
    if row is None:
        raise web.HTTPNotFound(text=f"There is no referral {reference}.")
    await asyncio.to_thread(audit.append, request[SESSION_KEY].officer.username, "opened", reference=reference)
    try:
        return await asyncio.to_thread(open_referral, store, request.app[CONFIG].unit_keys, row,
                                       request.app[INTEGRITY])
    except (CannotOpen, SealingError):
        raise web.HTTPInternalServerError(
            text=f"Referral {reference} does not open with the unit's key: the record was altered, "
                 "or it was sealed to a key the console has not loaded. Tell the system administrator."
        ) from None


async def show(request: web.Request) -> web.Response:
    opened = await _open(request)
    casework = request.app[CASEWORK]
    reference = opened.row.reference
    now = request.app[CONFIG].clock()
    await asyncio.to_thread(mark_additions_seen, request.app[STORE], opened, now)
    history = await asyncio.to_thread(casework.history, reference, request.app[CONFIG].unit_keys)
    states = await asyncio.to_thread(casework.states, [reference])
    overdue, clock = queue.time_left(opened.row.deadline, now)
    return render("referral.html", request, {
        "r": opened,
        "d": opened.data,
        "history": history,
        "state": states.get(reference),
        "overdue": overdue,
        "clock": clock,
        "decisions": DECISIONS,
        "priorities": list(PRIORITY_RANK),
    })


async def attachment(request: web.Request) -> web.Response:
    opened = await _open(request)
    index = int(request.match_info["index"])
    if index >= len(opened.photos):
        raise web.HTTPNotFound(text="That referral has no such photo.")
    photo = opened.photos[index]
    await asyncio.to_thread(request.app[AUDIT].append, request[SESSION_KEY].officer.username,
                            "attachment_opened", reference=opened.row.reference, detail={"index": index})
    data, content_type, inline = photo.payload()
    disposition = "inline" if inline else "attachment"
    return web.Response(body=data, headers={
        "Content-Type": content_type,
        "Content-Disposition": f'{disposition}; filename="{photo.safe_filename}"',
        # Even if a browser tried to render it, it could run nothing and load nothing.
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
    })




async def _act(request: web.Request, action: Callable[..., None], *fields: str) -> web.StreamResponse:
    """Run a casework action from a form, then go back to the referral (303, so a reload does
    not repeat it). A form that cannot be done gets a 400 page saying why; nothing is changed."""
    reference = request.match_info["reference"]
    form = await request.post()
    values = [str(form.get(name) or "") for name in fields]
    try:
        await asyncio.to_thread(action, reference, request[SESSION_KEY].officer, *values)
    except UnknownReference:
        raise web.HTTPNotFound(text=f"There is no referral {reference}.") from None
    except CaseworkError as problem:
        raise web.HTTPBadRequest(text=f"Nothing was changed. {problem}") from None
    raise web.HTTPSeeOther(str(request.app.router["referral"].url_for(reference=reference)))


async def acknowledge(request: web.Request) -> web.StreamResponse:
    return await _act(request, request.app[CASEWORK].acknowledge)


async def change_rating(request: web.Request) -> web.StreamResponse:
    return await _act(request, request.app[CASEWORK].change_rating, "rating", "reason")


async def decide(request: web.Request) -> web.StreamResponse:
    return await _act(request, request.app[CASEWORK].decide, "decision", "note")


async def add_note(request: web.Request) -> web.StreamResponse:
    return await _act(request, request.app[CASEWORK].add_note, "text")


async def audit_trail(request: web.Request) -> web.Response:
    """Managers only (see routes.MANAGERS_ONLY): who did what to this referral, and when."""
    reference = request.match_info["reference"]
    store, audit = request.app[STORE], request.app[AUDIT]
    if await asyncio.to_thread(store.get, reference) is None:
        raise web.HTTPNotFound(text=f"There is no referral {reference}.")
    entries = await asyncio.to_thread(audit.entries, reference=reference)
    await asyncio.to_thread(audit.append, request[SESSION_KEY].officer.username, "audit_viewed", reference=reference)
    return render("audit.html", request, {"reference": reference, "entries": entries})
