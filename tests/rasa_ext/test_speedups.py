"""The cached reply check accepts and refuses exactly what Rasa's own check does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_ext import speedups

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
    assert RemoteAction._validate_action_result(action, GOOD) is True
    assert speedups._validate_action_result(action, GOOD) is True


@pytest.mark.parametrize("reply", BAD)
def test_a_bad_reply_is_refused_by_both_with_the_same_explanation(action, reply):
    with pytest.raises(ValidationError) as stock:
        RemoteAction._validate_action_result(action, reply)
    with pytest.raises(ValidationError) as ours:
        speedups._validate_action_result(action, reply)
    assert ours.value.message == stock.value.message
