"""The queue: what is most urgent first, with the clock running on each referral."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.console import queue
from bot.console.appkeys import CASEWORK, CONFIG, INTEGRITY, STORE
from bot.console.casework import DECISIONS
from bot.console.http import render


async def queue_page(request: web.Request) -> web.Response:
    try:
        filters = queue.Filters.parse(dict(request.query))
        after = request.query.get("after") or None
        page = await asyncio.to_thread(queue.page, request.app[STORE].engine, filters, after)
    except queue.BadFilter as bad:
        raise web.HTTPBadRequest(text=f"That filter does not work: {bad}.") from None
    references = [row.reference for row in page.rows]
    states = await asyncio.to_thread(request.app[CASEWORK].states, references)
    new = await asyncio.to_thread(queue.unseen_additions, request.app[STORE].engine, references)
    integrity = request.app[INTEGRITY]
    checks = await asyncio.to_thread(integrity.referrals, request.app[STORE], references)
    now = request.app[CONFIG].clock()
    rows = []
    for row in page.rows:
        state = states.get(row.reference)
        overdue, clock = queue.time_left(row.deadline, now)
        if state is not None and state.decision:
            overdue, clock = False, "decided"
        rows.append({"row": row, "state": state, "overdue": overdue, "clock": clock,
                     "new": new.get(row.reference, 0), "check": checks.get(row.reference)})
    next_url = None
    if page.next_cursor:
        next_url = request.app.router["queue"].url_for().with_query({**filters.as_query(), "after": page.next_cursor})
    return render("queue.html", request, {
        "rows": rows,
        "filters": filters,
        "stages": queue.STAGES,
        "first_page": after is None,
        "first_url": request.app.router["queue"].url_for().with_query(filters.as_query()),
        "next_url": next_url,
        "decisions": DECISIONS,
    })
