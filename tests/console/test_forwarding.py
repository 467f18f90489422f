"""Managers see referrals the relay could not forward, and can have them tried again."""

from __future__ import annotations

from bot import outbox, sealing
from bot.console.appkeys import CONFIG, STORE
from bot.store import StoredReferral
from tests.console.conftest import NOON, csrf_of, sign_in

REFERENCE = "FV-DEAD-0001"


def parked(app) -> None:
    public = app[CONFIG].private_key.public_key()
    app[STORE].add_referral(StoredReferral(
        reference=REFERENCE, received_at=NOON, channel="sms", status="complete", priority="AMBER", emergency=False,
        deadline=NOON, key_id=sealing.key_id(public), suite=sealing.SUITE_NAME, sealed=b"sealed",
    ), forward=True)
    [message] = outbox.messages(app[STORE].engine)
    for _ in range(3):
        outbox.mark_failed(app[STORE].engine, message.id, "HTTP 503", None)


async def test_a_manager_sees_what_was_not_forwarded_and_tries_again(client, app, manager, clock):
    parked(app)
    await sign_in(client, manager, clock=clock)
    page = await (await client.get("/forwarding")).text()
    assert REFERENCE in page and "HTTP 503" in page
    reply = await client.post(f"/forwarding/{REFERENCE}/retry", data={"csrf_token": csrf_of(page)}, allow_redirects=False)
    assert reply.status == 303
    [message] = outbox.messages(app[STORE].engine)
    assert message.status == outbox.PENDING and message.attempts == 0
    assert REFERENCE not in await (await client.get("/forwarding")).text()
    trail = await (await client.get(f"/referrals/{REFERENCE}/audit")).text()
    assert "asked for forwarding to be tried again" in trail


async def test_try_again_needs_the_csrf_token(client, app, manager, clock):
    parked(app)
    await sign_in(client, manager, clock=clock)
    reply = await client.post(f"/forwarding/{REFERENCE}/retry", data={}, allow_redirects=False)
    assert reply.status == 403
    assert outbox.messages(app[STORE].engine)[0].status == outbox.DEAD


async def test_an_officer_cannot_see_forwarding(client, app, signed_in):
    assert (await client.get("/forwarding", allow_redirects=False)).status == 403
