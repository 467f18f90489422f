"""What a database writer can do with the sessions table: not sign in as an officer."""

from __future__ import annotations

import hashlib

from sqlalchemy import text

from bot.console.appkeys import ACCOUNTS, STORE
from tests.console.conftest import PASSWORD


async def test_a_session_row_written_into_the_database_signs_nobody_in(client, app):
    # Given someone who can write to the database but does not hold console.key
    app[ACCOUNTS].add("olive", PASSWORD, "officer")
    token = "a-token-of-my-own"
    with app[STORE].engine.begin() as connection:
        olive = connection.execute(text("SELECT id FROM console_officers")).scalar()
        for digest in (hashlib.sha256(token.encode()).hexdigest(), token):
            connection.execute(text(
                "INSERT INTO console_sessions (token_hash, officer_id, stage, created_at,"
                " last_seen_at, code_tries) VALUES (:digest, :olive, 'active', :at, :at, 0)"),
                {"digest": digest, "olive": olive, "at": "2026-03-10 12:00:00.000000"})
    # When they present the token whose digest they wrote
    client.session.cookie_jar.update_cookies({"fv_session": token},
                                             response_url=client.make_url("/"))
    reply = await client.get("/", allow_redirects=False)
    # Then the console does not know it
    assert reply.status == 303 and reply.headers["Location"] == "/login"


async def test_a_real_sessions_row_holds_neither_the_token_nor_its_plain_hash(
        client, app, signed_in):
    token = client.session.cookie_jar.filter_cookies(client.make_url("/"))["fv_session"].value
    with app[STORE].engine.connect() as connection:
        stored = set(connection.execute(text("SELECT token_hash FROM console_sessions")).scalars())
    assert stored and token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() not in stored
