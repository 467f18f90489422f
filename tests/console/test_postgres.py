"""The console on PostgreSQL (production's database): sign in, open, re-rate, decide, verify.

Skipped when the local PostgreSQL server is missing, and fails then if CI=true (as the store's
tests do)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, AUDIT, STORE
from bot.console.audit_verify import verify
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - the PostgreSQL fixtures
from tests.console.conftest import NOON, PASSWORD, make_referral, post_form, queue_referral, sign_in

pytestmark = pytest.mark.postgres


async def test_the_whole_console_works_on_postgresql(config, postgres_url, aiohttp_client, clock):
    app = init_app(replace(config, db_url=postgres_url))
    client = await aiohttp_client(app)
    app[ACCOUNTS].add("olive", PASSWORD, "officer")
    await sign_in(client, "olive", clock=clock)
    queue_referral(app, make_referral("FV-PGPG-AAAA", priority="GREEN"), deadline=NOON)
    page = await (await client.get("/referrals/FV-PGPG-AAAA")).text()
    assert "He had a black eye" in page
    reply = await post_form(client, "/referrals/FV-PGPG-AAAA/rating", {"rating": "AMBER", "reason": "Seen twice."}, page=page)
    assert reply.status == 303 and app[STORE].get("FV-PGPG-AAAA").priority == "AMBER"
    reply = await post_form(client, "/referrals/FV-PGPG-AAAA/decision", {"decision": "early_help", "note": "Family hub."},
                            page=page)
    assert reply.status == 303
    assert "FV-PGPG-AAAA" in await (await client.get("/?stage=decided")).text()
    result = verify(app[AUDIT])
    assert result.ok and result.entries >= 5, result.problems
    app[STORE].engine.dispose()
