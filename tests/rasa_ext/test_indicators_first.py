"""The NLU step that lets the indicators decide before the classifier, on Rasa's own messages."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_ext.indicators_first import IndicatorsFirst


def classified(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]}, add_to_output=True)
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)
    return message


def test_an_account_read_as_an_adult_at_risk_is_served_as_her_account():
    message = classified(
        "My granddaughter Ellie is 2. On Saturday I saw bruises all down her legs",
        [("adult_at_risk", 0.7), ("inform", 0.2), ("report_concern", 0.1)],
    )
    [out] = IndicatorsFirst().process([message])
    assert out.get(INTENT) == {"name": "inform", "confidence": 1.0}
    ranking = out.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking] == ["inform", "adult_at_risk", "report_concern"]
    # What the tracker stores:
    assert out.as_dict(only_output_properties=True)["intent"]["name"] == "inform"


def test_danger_right_now_read_as_a_greeting_is_danger_now():
    message = classified("hello he is hitting her right now", [("greet", 0.9), ("inform", 0.1)])
    [out] = IndicatorsFirst().process([message])
    assert out.get(INTENT)["name"] == "danger_now"
    assert out.get(INTENT_RANKING_KEY)[0]["name"] == "danger_now"


def test_a_plain_greeting_and_a_plain_answer_are_left_as_classified():
    greeting = classified("hiya", [("greet", 0.8), ("inform", 0.2)])
    answer = classified("evenings", [("inform", 0.6), ("greet", 0.4)])
    before = [m.as_dict(only_output_properties=True) for m in (greeting, answer)]
    out = IndicatorsFirst().process([greeting, answer])
    assert [m.as_dict(only_output_properties=True) for m in out] == before


def test_a_message_with_no_text_or_no_intent_is_passed_through():
    empty = Message(data={TEXT: ""})
    [out] = IndicatorsFirst().process([empty])
    assert out.get(INTENT) is None
