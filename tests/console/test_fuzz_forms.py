"""Fuzzing the console's forms (hypothesis): generated fields on every POST route, signed in
and not, with and without a valid CSRF token: never a 5xx, and a rejected form changes
nothing in the audit log or the queue."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.console.appkeys import STORE
from tests.console.conftest import NOON, csrf_of, make_referral, queue_referral, sign_in

REFERENCE = "FV-7K3M-Q9XD"
POSTS = ["/login", "/login/code", "/login/enrol", "/logout"] + [
    f"/referrals/{REFERENCE}/{action}" for action in ("acknowledge", "rating", "decision", "notes")
]
FIELD_NAMES = ["username", "password", "code", "priority", "reason", "decision", "note", "csrf_token", "x\u00e9"]
forms = st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=2000), max_size=6)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def audit_rows(app) -> int:
    with app[STORE].engine.connect() as connection:
        return connection.exec_driver_sql("SELECT COUNT(*) FROM console_audit").scalar()


@FUZZ
@given(path=st.sampled_from(POSTS), form=forms)
async def test_anonymous_generated_forms_never_get_a_5xx(client, path, form):
    reply = await client.post(path, data=form, allow_redirects=False)
    assert reply.status < 500, await reply.text()


@FUZZ
@given(path=st.sampled_from(POSTS[4:]), form=forms, with_token=st.booleans())
async def test_signed_in_generated_forms_never_get_a_5xx(app, client, officer, clock, path, form, with_token):
    if app[STORE].get(REFERENCE) is None:
        queue_referral(app, make_referral(REFERENCE), deadline=NOON)
    if not client.session.cookie_jar.filter_cookies(client.make_url("/")):
        await sign_in(client, officer, clock=clock)
    form = dict(form)
    if with_token:
        form["csrf_token"] = csrf_of(await (await client.get(f"/referrals/{REFERENCE}")).text())
    before_rows, before = audit_rows(app), app[STORE].get(REFERENCE)
    reply = await client.post(path, data=form, allow_redirects=False)
    assert reply.status < 500, await reply.text()
    if reply.status >= 400:
        assert audit_rows(app) == before_rows
        assert app[STORE].get(REFERENCE).priority == before.priority
