"""The queue page: most urgent first, the SLA clock, flags, filters, pages, and speed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import insert, text

from bot import origin
from bot.console import queue
from bot.console.appkeys import CASEWORK, STORE
from bot.store import PRIORITY_RANK, ReferralRow, Store
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - the PostgreSQL fixtures
from tests.console.conftest import NOON, make_referral, queue_referral

ROW = re.compile(r'<tr class="([^"]*)" data-priority="(\w+)">\s*<th scope="row"><a href="/referrals/([\w-]+)">')


def shown(html: str) -> list[tuple[str, str, str]]:
    """(reference, rating, row classes) for each row of the queue, top to bottom."""
    return [(ref, priority, classes) for classes, priority, ref in ROW.findall(html)]


def add(app, reference: str, priority: str, deadline_hours: float, **kwargs) -> None:
    emergency = kwargs.pop("emergency", False)
    queue_referral(app, make_referral(reference, priority=priority, **kwargs),
                   deadline=NOON + dt.timedelta(hours=deadline_hours), emergency=emergency)


async def test_red_then_amber_then_green_each_by_deadline(client, app, signed_in):
    add(app, "FV-GRN1-AAAA", "GREEN", 2)
    add(app, "FV-RED2-AAAA", "RED", 3)
    add(app, "FV-AMB1-AAAA", "AMBER", 1)
    add(app, "FV-RED1-AAAA", "RED", 2)
    add(app, "FV-AMB2-AAAA", "AMBER", 30)
    add(app, "FV-GRN0-AAAA", "GREEN", -5)  # overdue, but GREEN: still below every RED and AMBER
    rows = shown(await (await client.get("/")).text())
    assert [r[0] for r in rows] == ["FV-RED1-AAAA", "FV-RED2-AAAA", "FV-AMB1-AAAA", "FV-AMB2-AAAA",
                                    "FV-GRN0-AAAA", "FV-GRN1-AAAA"]


async def test_the_clock_shows_time_left_and_highlights_overdue(client, app, signed_in, clock):
    add(app, "FV-LATE-AAAA", "RED", -1.5)
    add(app, "FV-SOON-AAAA", "RED", 3)
    html = await (await client.get("/")).text()
    rows = dict((ref, classes) for ref, _, classes in shown(html))
    assert "overdue" in rows["FV-LATE-AAAA"] and "overdue" not in rows["FV-SOON-AAAA"]
    assert "overdue by 1 h 30 min" in html or "overdue by 1 h 29 min" in html  # the clock moved 31 s at sign-in
    assert "2 h 59 min left" in html or "3 h 00 min left" in html


async def test_emergency_and_incomplete_referrals_are_flagged(client, app, signed_in):
    add(app, "FV-EMER-AAAA", "RED", 0, emergency=True)
    add(app, "FV-HALF-AAAA", "AMBER", 5, status="incomplete")
    add(app, "FV-FULL-AAAA", "AMBER", 6)
    html = await (await client.get("/")).text()
    row = {ref: html[html.index(f'/referrals/{ref}"'):][:900] for ref, _, _ in shown(html)}
    assert "EMERGENCY" in row["FV-EMER-AAAA"] and "emergency" in dict((r, c) for r, _, c in shown(html))["FV-EMER-AAAA"]
    assert "INCOMPLETE" in row["FV-HALF-AAAA"]
    assert "INCOMPLETE" not in row["FV-FULL-AAAA"] and "EMERGENCY" not in row["FV-FULL-AAAA"]


async def test_filters_by_rating_status_and_decision(client, app, signed_in):
    add(app, "FV-RED1-AAAA", "RED", 1)
    add(app, "FV-AMB1-AAAA", "AMBER", 1, status="incomplete")
    add(app, "FV-GRN1-AAAA", "GREEN", 1)
    from bot.console.accounts import Officer

    olive = Officer(1, "olive", "officer", True, True, None)
    app[CASEWORK].decide("FV-GRN1-AAAA", olive, "early_help", "Early help offered via the school.")

    async def refs(query: str) -> list[str]:
        return [r[0] for r in shown(await (await client.get("/" + query)).text())]

    assert await refs("") == ["FV-RED1-AAAA", "FV-AMB1-AAAA"]  # awaiting a decision
    assert await refs("?rating=RED") == ["FV-RED1-AAAA"]
    assert await refs("?status=incomplete") == ["FV-AMB1-AAAA"]
    assert await refs("?stage=decided") == ["FV-GRN1-AAAA"]
    assert await refs("?stage=all&rating=GREEN") == ["FV-GRN1-AAAA"]
    assert len(await refs("?stage=all")) == 3


@pytest.mark.parametrize("query", ["?rating=PURPLE", "?status=maybe", "?stage=everything", "?after=1~2~3~4",
                                   "?after=%3Cscript%3E", "?after=9~123456789012~1"])
async def test_a_bad_filter_or_page_link_is_a_clear_400(client, signed_in, query):
    reply = await client.get("/" + query)
    assert reply.status == 400
    assert "That filter does not work" in await reply.text()


async def test_pages_of_fifty_follow_on_without_overlap(client, app, signed_in):
    for n in range(120):
        add(app, f"FV-{n:04d}-AAAA", ("RED", "AMBER", "GREEN")[n % 3], n % 17)
    seen, url, pages = [], "/", 0
    while url:
        html = await (await client.get(url)).text()
        seen += shown(html)
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert pages == 3 and len(seen) == 120 and len({r[0] for r in seen}) == 120
    ranks = [PRIORITY_RANK[p] for _, p, _ in seen]
    assert ranks == sorted(ranks, reverse=True)


# --- 100,000 referrals -------------------------------------------------------------------------

def fill(store: Store, count: int = 100_000, signer: origin.Signer | None = None) -> None:
    """Rows straight into the table (sealing 100,000 referrals would only test HPKE's speed);
    with ``signer``, each signed as the intake signs, so the queue's checks pass as for real."""
    rows = []
    for n in range(count):
        priority = ("RED", "AMBER", "AMBER", "GREEN", "GREEN", "GREEN")[n % 6]
        rows.append(dict(reference=f"FV-{n:05d}-BULK", received_at=NOON - dt.timedelta(minutes=n), channel="webchat",
                         status="incomplete" if n % 10 == 0 else "complete", priority=priority,
                         priority_rank=PRIORITY_RANK[priority], emergency=False,
                         deadline=NOON + dt.timedelta(minutes=(n * 7919) % 20000 - 10000),
                         key_id="k", suite="s", sealed=b"\x00" * 600))
        if signer is not None:
            fields = {name: rows[-1][name] for name in origin.REFERRAL_FIELDS}
            statement, signature = signer.sign("referral", fields, blob=rows[-1]["sealed"])
            rows[-1].update(origin=statement, origin_sig=signature)
    with store.engine.begin() as connection:
        connection.execute(insert(ReferralRow), rows)
        if store.engine.dialect.name == "sqlite":
            connection.execute(text("ANALYZE"))


def plan(store: Store, filters: queue.Filters) -> str:
    """The database's plan for a page of the queue (a second page, so the keyset clause is in)."""
    query = queue.page_query(filters, after="2~1773144000000000~5")
    dialect = type(store.engine.dialect)(paramstyle="named")
    compiled = query.compile(dialect=dialect)
    prefix = "EXPLAIN QUERY PLAN " if store.engine.dialect.name == "sqlite" else "EXPLAIN "
    statement = text(prefix + str(compiled)).bindparams(**compiled.params)
    with store.engine.connect() as connection:
        return "\n".join(" ".join(str(c) for c in row) for row in connection.execute(statement))


async def test_the_queue_pages_100000_referrals_by_its_index(client, app, signed_in):
    fill(app[STORE])
    for filters in (queue.Filters(), queue.Filters(priority="GREEN"), queue.Filters(stage="all")):
        explained = plan(app[STORE], filters)
        assert "ix_referrals_queue" in explained, explained
        assert "TEMP B-TREE" not in explained, explained  # no sort of the whole table
    # How fast is measured by `make bench` (bench/queue_page.py), not asserted here.
    for path in ("/", "/?rating=GREEN", "/?status=incomplete"):
        reply = await client.get(path)
        assert reply.status == 200 and len(shown(await reply.text())) == 50


@pytest.mark.postgres
def test_postgresql_walks_the_queue_index_too(postgres_url):
    store = Store(postgres_url)
    store.create_all()
    fill(store)
    with store.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    for filters in (queue.Filters(), queue.Filters(priority="AMBER")):
        explained = plan(store, filters)
        assert "ix_referrals_queue" in explained, explained
    page = queue.page(store.engine, queue.Filters())
    assert len(page.rows) == 50
    store.engine.dispose()
