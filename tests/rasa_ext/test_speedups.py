"""rasa_ext/speedups.py does what stock Rasa does: same verdicts on action server replies, same
event classes, same request bodies, same model outputs."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

from rasa_ext import speedups

STOCK_CHECK = RemoteAction._validate_action_result  # before anything installs the speedups

GOOD = {"events": [{"event": "slot", "name": "child_name", "value": "Tom"}], "responses": [{"text": "Hello"}]}
BAD = [
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}]},
    {"responses": ["not an object"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("validate_report_form", None)


def test_a_good_reply_passes_both_checks(action):
    assert STOCK_CHECK(action, GOOD) is True
    assert speedups._validate_action_result(action, GOOD) is True


@pytest.mark.parametrize("reply", BAD)
def test_a_bad_reply_is_refused_by_both_with_the_same_explanation(action, reply):
    with pytest.raises(ValidationError) as stock:
        STOCK_CHECK(action, reply)
    with pytest.raises(ValidationError) as ours:
        speedups._validate_action_result(action, reply)
    assert ours.value.message == stock.value.message


# --- each event checked against its own kind: same verdicts as Rasa's full check -------------



EVENT_NAMES = ["user", "bot", "slot", "action", "active_loop", "session_started", "restart", "form", "nonsense", ""]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
events = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENT_NAMES) | st.integers()},
    optional={
        "name": json_values, "value": json_values, "text": json_values, "timestamp": json_values,
        "metadata": json_values, "parse_data": json_values, "data": json_values,
    },
) | json_values
replies = st.fixed_dictionaries({}, optional={"events": st.lists(events, max_size=4) | json_values,
                                             "responses": st.lists(json_values, max_size=2) | json_values})


def verdict(check, action, reply) -> str:
    try:
        return "ok" if check(action, reply) else "false"
    except ValidationError as error:
        return "refused: " + error.message


@settings(max_examples=400, deadline=None)
@given(reply=replies)
def test_the_quick_check_gives_rasas_verdict_on_any_reply(reply):
    action = RemoteAction("validate_report_form", None)
    assert verdict(speedups._validate_action_result, action, reply) == verdict(STOCK_CHECK, action, reply)


def test_a_real_reply_passes_the_quick_check_without_the_full_one():
    reply = {"events": [
        {"event": "slot", "timestamp": None, "name": "child_name", "value": "Tom"},
        {"event": "active_loop", "name": "report_form"},
        {"event": "bot", "text": "How old is he?", "data": {"buttons": []}, "metadata": {}},
    ], "responses": [{"text": "How old is he?"}]}
    assert speedups._passes_quick_check(reply)
    assert not speedups._passes_quick_check({"events": [{"event": "slot", "name": 3}]})


# --- event types: looked up once, same answers -------------------------------------------------



@pytest.mark.parametrize("name", ["user", "bot", "slot", "action", "session_started", "active_loop", "restart", "rewind"])
def test_event_types_resolve_as_in_rasa(name):
    assert speedups._resolve_by_type(name) is speedups._stock_resolve_by_type(name)


def test_unknown_event_types_behave_as_in_rasa():
    assert speedups._resolve_by_type("topic") is None
    assert speedups._resolve_by_type("no-such-event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'no-such-event'"):
        speedups._resolve_by_type("no-such-event")


def test_an_event_class_defined_later_is_still_found():
    speedups._resolve_by_type("user")  # the cache is built

    class LateEvent(Event):  # e.g. a custom event imported after the server started
        type_name = "familyvoice_test_late_event"

        def __eq__(self, other):
            return isinstance(other, LateEvent)

        def __hash__(self):
            return 1

        def as_story_string(self):
            return None

    assert speedups._resolve_by_type("familyvoice_test_late_event") is LateEvent


# --- request bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    {"text": "Zoë said “ow” 👋 \u2028 / \\", "n": 1.5e-7, "big": 2**62, "none": None},
    {"lone": "\ud800 surrogate from odd input"},
    [float("nan")],
])
def test_request_bodies_are_the_same_json_as_rasas(value):
    body = speedups._dumps(value)
    assert json.loads(body) == json.loads(json.dumps(value)) or body == json.dumps(value)


def test_an_empty_domain_is_told_apart_from_ours_as_in_rasa():
    from rasa.shared.core.domain import Domain

    from bot.config import PROJECT_ROOT

    ours = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    for domain in (Domain.empty(), ours, Domain.from_dict({"intents": ["greet"]})):
        stock = speedups._stock_is_empty(domain)
        assert speedups._is_empty(domain) is stock
        assert speedups._is_empty(domain) is stock  # asked again: the kept answer
    assert speedups._is_empty(Domain.empty()) and not speedups._is_empty(ours)
