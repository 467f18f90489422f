"""The served NLU pipeline on messages it was never trained on, written as relatives write.

tests/nlu/heldout.yml is held out from training (checked here), and tests/nlu/accounts.yml lists
accounts of harm to a child dressed as something else. The accuracy that ``make bench`` prints
is measured the same way (bench/nlu.py): the model ``make model`` trained, served through the
same graph runner as ``rasa run``, rasa_ext.indicators_first included.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.nlu import HELDOUT, MODEL, Parser, examples, score
from bot import indicators
from bot.config import PROJECT_ROOT

ACCOUNTS = Path(__file__).with_name("accounts.yml")
# Where an account of harm to a child must never go.
ELSEWHERE = {"adult_at_risk", "chitchat", "insult", "greet", "goodbye"}
TARGET = 0.90


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def accounts_in_heldout() -> list[str]:
    """Held-out messages telling of harm to a child: openings, danger, answers with an indicator."""
    return [text for text, label in examples() if label in {"report_concern", "danger_now"}
            or (label == "inform" and indicators.find(text))]


def accounts_listed() -> list[str]:
    return yaml.safe_load(ACCOUNTS.read_text())["accounts"]


def test_no_held_out_message_is_in_the_training_data():
    trained = {_normal(text) for text, _ in examples(PROJECT_ROOT / "data" / "nlu")}
    overlap = [text for text, _ in examples() if _normal(text) in trained]
    assert overlap == []


def test_the_held_out_set_is_big_enough_and_covers_every_intent():
    labelled = examples()
    assert len(labelled) >= 300
    assert len({_normal(text) for text, _ in labelled}) == len(labelled)  # no message twice
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    counts = Counter(label for _, label in labelled)
    assert {intent: counts[intent] for intent in domain["intents"] if counts[intent] < 10} == {}


def test_the_lists_of_accounts_are_long_enough():
    assert len(accounts_listed()) >= 40
    assert len(accounts_in_heldout()) >= 60
    trained = {_normal(text) for text, _ in examples(PROJECT_ROOT / "data" / "nlu")}
    assert not {_normal(text) for text in accounts_listed()} & trained


@pytest.fixture(scope="module")
def parser() -> Parser:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make model` (make test does).")
    served = Parser(MODEL)
    yield served
    served.close()


@pytest.mark.e2e
def test_the_served_pipeline_reads_at_least_90_percent_of_held_out_messages_right(parser):
    result = score(parser.intent, examples(HELDOUT))
    misses = "\n".join(f"{label} -> {served}: {text}" for text, label, served in result.misses)
    assert result.exact_rate >= TARGET, f"{result.exact_rate:.1%} of {result.total}:\n{misses}"


@pytest.mark.e2e
@pytest.mark.parametrize("source", ["heldout", "listed"])
def test_no_account_of_harm_to_a_child_is_sent_to_adult_services_or_chit_chat(parser, source):
    texts = accounts_in_heldout() if source == "heldout" else accounts_listed()
    served = {text: parser.intent(text) for text in texts}
    sent_elsewhere = {text: intent for text, intent in served.items() if intent in ELSEWHERE}
    assert sent_elsewhere == {}
