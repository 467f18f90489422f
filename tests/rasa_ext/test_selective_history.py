"""Selective history: a listed action gets the current turn's events and otherwise exactly the
tracker state Rasa sends; every other action gets what stock Rasa sends."""

from __future__ import annotations

import json

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.config import PROJECT_ROOT
from rasa_ext import selective_history

STOCK = selective_history._stock_action_call_format  # Rasa's own, kept before install


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture
def tracker(domain: Domain) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("my grandson has bruises on his arms", intent={"name": "inform", "confidence": 0.9},
                    input_channel="twilio_sms"),
        ActionExecuted("report_form"), ActiveLoop("report_form"), SlotSet("concern_description", "my grandson has bruises on his arms"),
        BotUttered("How old is he?"), ActionExecuted("action_listen"),
        UserUttered("he is 6", intent={"name": "inform", "confidence": 0.8}, input_channel="twilio_sms"),
        ActionExecuted("report_form"),
    ]
    return DialogueStateTracker.from_events("+447700900123", events, domain.slots)


def endpoint(**kwargs) -> EndpointConfig:
    return EndpointConfig(url="http://127.0.0.1:5055/webhook", enable_selective_domain=True, **kwargs)


def test_a_listed_action_gets_the_current_turn_and_the_rest_as_rasa_sends_it(tracker, domain):
    action = RemoteAction("validate_report_form", endpoint(current_turn_only=["validate_report_form"]))
    stock = STOCK(action, tracker, domain)
    trimmed = selective_history._action_call_format(action, tracker, domain)
    assert [e["event"] for e in trimmed["tracker"]["events"]] == ["user", "action"]
    assert trimmed["tracker"]["events"][0]["text"] == "he is 6"
    assert trimmed["tracker"]["events"] == stock["tracker"]["events"][-2:]
    for call in (stock, trimmed):
        call["tracker"].pop("events")
    assert trimmed == stock  # slots, latest message, loop, channel...: all as Rasa sends them
    assert trimmed["tracker"]["slots"]["concern_description"] == "my grandson has bruises on his arms"
    assert trimmed["tracker"]["active_loop"]["name"] == "report_form"
    assert trimmed["tracker"]["active_loop"]["trigger_message"]["text"] == "my grandson has bruises on his arms"
    assert json.dumps(trimmed, sort_keys=True) == json.dumps(stock, sort_keys=True)  # the same bytes go out
    assert "domain" not in trimmed


@pytest.mark.parametrize("listed", [None, [], ["validate_report_form"]])
def test_any_other_action_gets_everything_as_in_stock_rasa(tracker, domain, listed):
    options = {} if listed is None else {"current_turn_only": listed}
    action = RemoteAction("action_submit_referral", endpoint(**options))  # reads every word she wrote
    call = selective_history._action_call_format(action, tracker, domain)
    assert call == STOCK(action, tracker, domain)
    assert [e["text"] for e in call["tracker"]["events"] if e["event"] == "user"] == [
        "my grandson has bruises on his arms", "he is 6"]


def test_without_a_user_message_nothing_is_left_out(domain):
    opening = DialogueStateTracker.from_events("c", [ActionExecuted("action_session_start"), SessionStarted()], domain.slots)
    action = RemoteAction("validate_report_form", endpoint(current_turn_only=["validate_report_form"]))
    assert selective_history._action_call_format(action, opening, domain) == STOCK(action, opening, domain)


def test_the_domain_is_still_sent_when_selective_domain_is_off(tracker, domain):
    action = RemoteAction("validate_report_form", EndpointConfig(url="http://x/webhook", current_turn_only=["validate_report_form"]))
    assert selective_history._action_call_format(action, tracker, domain)["domain"] == domain.as_dict()


def test_the_project_endpoints_list_only_the_form_validation(monkeypatch):
    from rasa.core.utils import AvailableEndpoints

    monkeypatch.setenv("FAMILYVOICE_ACTION_SECRET", "0" * 64)  # endpoints.yml interpolates it

    configured = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml")).action
    assert configured.kwargs[selective_history.CURRENT_TURN_ONLY] == ["validate_report_form"]
    assert configured.kwargs["enable_selective_domain"] is True
