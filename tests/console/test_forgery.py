"""A database writer cannot pass a forgery off as a referral: on SQLite and on PostgreSQL.

Each test files a real referral through the intake (sealed to the unit's key, signed with the
intake's key from `keys init`), then changes the database with plain SQL, as someone holding
only the database's credentials (and the unit's public key, which every intake host has)
would, and looks at what an officer sees: the queue and the referral page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlalchemy import text

from bot import sealing, signing_keys
from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, CASEWORK, CONFIG, STORE
from bot.intake import Intake
from bot.store import Store
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - the PostgreSQL fixtures
from tests.console.conftest import NOON, PASSWORD, sign_in

EVENTS = [
    {
        "event": "user",
        "text": "He said he wants to die and has a rope",
        "timestamp": NOON.timestamp(),
    }
]
FORGED = "Nothing to worry about, the family is fine."


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'forgery.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def console(db_url, config, aiohttp_client, clock):
    app = init_app(replace(config, db_url=db_url))
    client = await aiohttp_client(app)
    officer = app[ACCOUNTS].add("olive", PASSWORD, "officer")
    await sign_in(client, "olive", clock=clock)
    yield app, client, officer
    app[STORE].engine.dispose()


def intake_of(app) -> Intake:
    keys_dir = app[CONFIG].keys_dir
    store = Store(app[CONFIG].db_url)
    signing_key = signing_keys.load_signing_key(keys_dir / signing_keys.SIGNING_KEY_FILE)
    return Intake(store, app[CONFIG].unit_keys.public_key(), b"i" * 32, signing_key=signing_key)


def file_referral(app, answers: dict | None = None) -> str:
    answers = answers or {
        "concern_description": "He has a bruise on his cheek and mum's boyfriend did it"
    }
    return (
        intake_of(app)
        .submit(answers, EVENTS, channel="webchat", conversation_id="c1", now=NOON)
        .reference
    )


def sql(app, query: str, **values) -> None:
    with app[STORE].engine.begin() as connection:
        assert connection.execute(text(query), values).rowcount >= 1


async def queue_row(client, reference: str) -> str:
    html = await (await client.get("/?stage=all")).text()
    start = html.index(f">{reference}</a>")
    return html[start : html.index("</tr>", start)]


async def page(client, reference: str) -> str:
    reply = await client.get(f"/referrals/{reference}")
    assert reply.status == 200
    return await reply.text()


async def test_a_genuine_referral_is_shown_as_normal(console):
    app, client, officer = console
    reference = file_referral(app)
    assert "NOT VERIFIED" not in await queue_row(client, reference)
    html = await page(client, reference)
    assert "NOT VERIFIED" not in html and "ALTERED" not in html and "bruise on his cheek" in html


async def test_a_replaced_blob_is_not_from_our_intake(console):
    # Given a referral filed by the intake
    app, client, officer = console
    reference = file_referral(app)
    # When a database writer seals her own text to the unit's public key and swaps it in
    public = app[CONFIG].unit_keys.public_key()
    forged = {"reference": reference, "concern": {"description": FORGED}, "transcript": []}
    blob = sealing.seal(json.dumps(forged).encode(), public, reference)
    sql(app, "UPDATE referrals SET sealed = :blob WHERE reference = :ref", blob=blob, ref=reference)
    # Then the queue and the page say it is not from our intake, and the forgery is not shown
    assert "NOT VERIFIED" in await queue_row(client, reference)
    html = await page(client, reference)
    assert "NOT VERIFIED" in html and "what is sealed is not what our intake sealed" in html
    assert FORGED not in html and "Do not act on it" in html


async def test_a_downgraded_rating_is_caught_and_the_real_one_shown(console):
    # Given a referral the rules rated RED
    app, client, officer = console
    reference = file_referral(app)
    assert app[STORE].get(reference).priority == "RED"
    # When a database writer downgrades it to GREEN, deadline and all
    sql(
        app,
        "UPDATE referrals SET priority = 'GREEN', priority_rank = 1, deadline = :late WHERE reference = :ref",
        late=NOON + dt.timedelta(days=3),
        ref=reference,
    )
    # Then it is flagged in the queue and on its page, saying what it really was
    row = await queue_row(client, reference)
    assert "NOT VERIFIED" in row and "our intake or an officer rated it RED" in row
    html = await page(client, reference)
    assert "rated it RED" in html and "an officer changed it" not in html


async def test_an_inserted_addition_is_not_shown_as_hers(console):
    # Given a referral filed by the intake and one genuine addition
    app, client, officer = console
    reference = file_referral(app)
    intake_of(app).add_to_report(
        reference, "He came back last night", at=NOON + dt.timedelta(hours=1)
    )
    # When a database writer inserts an addition of her own, sealed to the unit's key, with the
    # genuine addition's signature copied onto it
    public = app[CONFIG].unit_keys.public_key()
    body = json.dumps({"at": NOON.isoformat(), "text": FORGED, "danger_now": False}).encode()
    blob = sealing.seal(body, public, reference, purpose="addendum")
    sql(
        app,
        "INSERT INTO addenda (reference, received_at, key_id, suite, sealed, origin, origin_sig)"
        " SELECT reference, received_at, key_id, suite, :blob, origin, origin_sig FROM addenda"
        " WHERE reference = :ref",
        blob=blob,
        ref=reference,
    )
    # Then the page lists it as not verified, unopened, and still shows hers
    html = await page(client, reference)
    assert "He came back last night" in html and FORGED not in html
    assert (
        html.count("NOT VERIFIED") == 1 and "what is sealed is not what our intake sealed" in html
    )


async def test_an_escalation_forged_in_the_rating_history_is_not_trusted(console):
    app, client, officer = console
    reference = file_referral(app, {"concern_description": "She is often late for school"})
    assert app[STORE].get(reference).priority == "GREEN"
    # A database writer copies the referral's row into a rating change that says GREEN, to
    # make a later downgrade look recorded; the signature is the referral's, not a rating's
    sql(
        app,
        "INSERT INTO rating_changes (reference, revision, at, by, statement, auth)"
        " SELECT reference, 1, received_at, 'intake', origin, origin_sig FROM referrals WHERE reference = :ref",
        ref=reference,
    )
    sql(app, "UPDATE referrals SET revision = 1 WHERE reference = :ref", ref=reference)
    assert "NOT VERIFIED" in await queue_row(client, reference)


async def test_an_escalation_by_the_intake_is_trusted_and_reaches_the_top(console):
    app, client, officer = console
    reference = file_referral(app, {"concern_description": "She is often late for school"})
    assert intake_of(app).add_to_report(
        reference, "He is hitting her right now", at=NOON + dt.timedelta(hours=2)
    )
    row = app[STORE].get(reference)
    assert row.priority == "RED" and row.emergency and row.revision == 1
    assert "NOT VERIFIED" not in await queue_row(client, reference)
    # Undoing it with plain SQL (back to the filed rating) is caught
    sql(
        app,
        "UPDATE referrals SET priority = 'GREEN', priority_rank = 1, emergency = :no, revision = 0"
        " WHERE reference = :ref",
        no=False,
        ref=reference,
    )
    assert "rated it RED EMERGENCY" in await queue_row(client, reference)


async def test_an_edited_decision_and_an_undone_rerating_are_shown_as_altered(console):
    # Given an officer re-rated a referral and decided on it
    app, client, officer = console
    reference = file_referral(app)
    app[CASEWORK].change_rating(reference, officer, "AMBER", "Seen by the school nurse, no injury.")
    app[CASEWORK].decide(reference, officer, "section_47", "Strategy discussion today.")
    assert "ALTERED" not in await page(client, reference)
    assert "NOT VERIFIED" not in await queue_row(client, reference)
    # When a database writer edits the decision to "no further action"
    sql(
        app,
        "UPDATE console_case_events SET decision = 'no_further_action' WHERE reference = :ref"
        " AND kind = 'decision'",
        ref=reference,
    )
    # Then the queue and the case history say a case event was altered
    assert "ALTERED" in await queue_row(client, reference)
    html = await page(client, reference)
    assert "ALTERED" in html and "Altered outside the console" in html
    # And putting the referral back to the intake's rating, as if the officer never re-rated it,
    # is caught too
    sql(
        app,
        "UPDATE referrals SET priority = 'RED', priority_rank = 3, revision = 0 WHERE reference = :ref",
        ref=reference,
    )
    assert "our intake or an officer rated it AMBER" in await queue_row(client, reference)


async def test_a_downgrade_signed_with_a_stolen_intake_key_is_not_trusted(console):
    # Given a RED referral, and someone holding the intake's signing key and the database
    app, client, officer = console
    reference = file_referral(app)
    signer = intake_of(app).signer
    fields = {
        "reference": reference,
        "revision": 1,
        "at": NOON,
        "priority": "GREEN",
        "emergency": False,
        "deadline": NOON + dt.timedelta(days=3),
        "cause": "addition:0",
    }
    statement, signature = signer.sign("rating", fields, blob=None)
    sql(
        app,
        "INSERT INTO rating_changes (reference, revision, at, by, statement, auth)"
        " VALUES (:ref, 1, :at, 'intake', :signed, :auth)",
        ref=reference,
        at=NOON,
        signed=statement,
        auth=signature,
    )
    sql(
        app,
        "UPDATE referrals SET priority = 'GREEN', priority_rank = 1, deadline = :late, revision = 1"
        " WHERE reference = :ref",
        late=NOON + dt.timedelta(days=3),
        ref=reference,
    )
    # Then the downgrade is not trusted: the intake only ever raises a referral to an emergency
    assert "only ever raises a referral to an emergency" in await queue_row(client, reference)
