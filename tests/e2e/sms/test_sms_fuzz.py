"""Fuzzing the SMS webhook with generated forms and headers against the real server: no 5xx,
and nothing stored from a request that was refused."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.sms.conftest import Phone, database_rows

pytestmark = pytest.mark.e2e

FIELDS = ["MessageSid", "SmsSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "Extra\u00e9"]
forms = st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=300), max_size=len(FIELDS))
signatures = st.one_of(st.none(), st.text(max_size=60).filter(lambda s: s.isascii() and "\n" not in s and "\r" not in s))


def stored(var_dir) -> tuple[int, int]:
    return (database_rows(var_dir, "SELECT COUNT(*) FROM referrals")[0][0], database_rows(var_dir, "SELECT COUNT(*) FROM sms_replies")[0][0])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=forms, signature=signatures, signed=st.booleans())
def test_generated_forms_never_get_a_5xx_and_refused_ones_store_nothing(sms_stack, sms_var_dir, fake_twilio, form, signature, signed):
    phone = Phone(sms_stack, fake_twilio, f"+4477009{uuid.uuid4().int % 100000:05d}")
    before = stored(sms_var_dir)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signed:
        headers["X-Twilio-Signature"] = phone.sign(form)
    elif signature is not None:
        headers["X-Twilio-Signature"] = signature
    sent = phone.post(urlencode(form).encode(), headers)
    assert sent.status < 500
    if sent.status >= 400:
        assert stored(sms_var_dir) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=3000))
def test_generated_raw_bodies_never_get_a_5xx(sms_stack, fake_twilio, raw):
    phone = Phone(sms_stack, fake_twilio, "+447700900123")
    sent = phone.post(raw, {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "bogus"})
    assert sent.status in (400, 403, 413)
