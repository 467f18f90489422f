"""Fuzzing the web chat webhook with generated bodies and headers, against the real server:
no 5xx, no crash, and nothing stored from a rejected request."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store import Store
from tests.e2e.conftest import say

pytestmark = pytest.mark.e2e

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
bodies = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"sender": st.one_of(st.text(max_size=200), st.integers(), st.none()), "message": json_values}
    ).map(lambda v: json.dumps(v).encode()),
)
content_types = st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "\u00e9/\u00e9"]
)


def raw_post(url: str, body: bytes, content_type: str) -> int:
    request = urllib.request.Request(url, data=body, method="POST")
    if content_type:
        request.add_header("Content-Type", content_type.encode("latin-1", "replace").decode("latin-1"))
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            reply.read()
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def queued(var_dir) -> int:
    store = Store(f"sqlite:///{var_dir / 'familyvoice.db'}")
    store.create_all()
    return len(store.list_queue(limit=100_000))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, content_type=content_types)
def test_generated_requests_never_get_a_5xx(stack, body, content_type):
    assert raw_post(stack.webchat_url, body, content_type) < 500


def test_rejected_requests_store_nothing_and_the_server_keeps_serving(stack, var_dir):
    before = queued(var_dir)
    for body in (b"\x00" * 70_000, b'{"sender": "z", "message": ""}', b"[1,2", "\ud800".encode("utf-8", "surrogatepass")):
        assert 400 <= raw_post(stack.webchat_url, body, "application/json") < 500
    assert queued(var_dir) == before
    assert say(stack, "after-fuzz", "hello")  # still answering
