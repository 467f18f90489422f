"""How well, and how fast, the NLU pipeline tells what kind of turn a message is.

``make bench`` prints these rows for the served model (models/current.tar.gz): intent accuracy
on the held-out set (tests/nlu/heldout.yml, never trained on), and the parse time per message
through the same graph runner ``rasa run`` uses. ``python -m bench.nlu --config FILE`` trains a
candidate pipeline on data/ and measures it the same way, plus its training time and its
3-fold cross-validation figure, so candidates are compared on one machine state.

Two accuracies are printed, and they count different things:
- exact: the intent served equals the label;
- by reply: the intent served gets the same reply as the label. No rule, form or action tells
  ``inform``, ``report_concern`` and ``danger_now`` apart (the 999 advice comes from the
  indicators, not from the intent), nor ``affirm``, ``deny`` and ``dont_know`` (the form reads
  her words): each is an answer, or her account. Every other intent has a reply of its own.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

PROJECT = Path(__file__).resolve().parent.parent
HELDOUT = PROJECT / "tests" / "nlu" / "heldout.yml"
MODEL = PROJECT / "models" / "current.tar.gz"

# Intents the dialogue answers alike: each is taken as an answer or as her account.
ANSWER = frozenset({"inform", "report_concern", "danger_now", "affirm", "deny", "dont_know"})
_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


def reply_class(intent: str | None) -> str:
    """What the dialogue does with a turn of this intent (see the module docstring)."""
    return "answer" if intent in ANSWER else str(intent)


def examples(path: Path = HELDOUT) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file, read by Rasa's own reader."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


class Parser:
    """A trained model's NLU graph, run as ``rasa run`` runs it (rasa_ext.speedups' runner)."""

    def __init__(self, model: Path = MODEL) -> None:
        from rasa.engine import loader
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        from rasa_ext.speedups import SequentialGraphRunner

        self._dir = tempfile.mkdtemp(prefix="fv-nlu-model-")
        self._metadata, self._runner = loader.load_predict_graph_runner(
            Path(self._dir), model, LocalModelStorage, SequentialGraphRunner
        )

    def parse(self, text: str) -> dict[str, Any]:
        from rasa.core.channels.channel import UserMessage
        from rasa.shared.core.trackers import DialogueStateTracker

        tracker = DialogueStateTracker("bench-nlu", self._metadata.domain.slots)
        message = UserMessage(text, message_id="m", sender_id="bench-nlu")
        target = self._metadata.nlu_target
        inputs = {"__message__": [message], "__tracker__": tracker}
        result = self._runner.run(inputs=inputs, targets=[target])
        return result[target][0].as_dict(only_output_properties=True)

    def intent(self, text: str) -> str | None:
        return (self.parse(text).get("intent") or {}).get("name")

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


@dataclass
class Score:
    total: int = 0
    exact: int = 0
    by_reply: int = 0
    parse_ms: list[float] = field(default_factory=list)
    confusions: Counter = field(default_factory=Counter)  # (label, served) -> count
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (text, label, served)

    @property
    def exact_rate(self) -> float:
        return self.exact / self.total if self.total else float("nan")

    @property
    def by_reply_rate(self) -> float:
        return self.by_reply / self.total if self.total else float("nan")

    def parse_ms_at(self, q: int) -> float:
        if not self.parse_ms:
            return float("nan")
        if len(self.parse_ms) == 1:
            return self.parse_ms[0]
        return statistics.quantiles(self.parse_ms, n=100)[q - 1]


def score(classify: Callable[[str], str | None], labelled: Iterable[tuple[str, str]]) -> Score:
    result = Score()
    for text, label in labelled:
        began = time.perf_counter()
        served = classify(text)
        result.parse_ms.append((time.perf_counter() - began) * 1000)
        result.total += 1
        result.exact += served == label
        result.by_reply += reply_class(served) == reply_class(label)
        if served != label:
            result.confusions[(label, str(served))] += 1
            result.misses.append((text, label, str(served)))
    return result


def heldout(model: Path = MODEL) -> Score:
    parser = Parser(model)
    try:
        labelled = examples()
        for text, _ in labelled[:20]:  # first calls pay for lazy set-up, not for parsing
            parser.intent(text)
        return score(parser.intent, labelled)
    finally:
        parser.close()


def _rasa(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=PROJECT, check=True,
                   capture_output=True, env={**os.environ, **_ENV})


def train(config: Path, out: Path) -> tuple[Path, float]:
    """Train the NLU part of a model with ``config`` on data/; the model and the seconds it took."""
    began = time.perf_counter()
    _rasa("train", "nlu", "--config", str(config), "--nlu", "data/nlu", "--domain", "domain.yml",
          "--out", str(out), "--fixed-model-name", "candidate")
    return out / "candidate.tar.gz", time.perf_counter() - began


def cross_validation(config: Path, folds: int = 3) -> float:
    with tempfile.TemporaryDirectory(prefix="fv-nlu-cv-") as out:
        _rasa("test", "nlu", "--nlu", "data/nlu", "--config", str(config), "--cross-validation",
              "--folds", str(folds), "--out", out)
        return float(json.loads((Path(out) / "intent_report.json").read_text())["accuracy"])


def _quiet() -> None:
    """No log lines between the benchmark's rows: the served steps log each decision at INFO."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def rows(model: Path = MODEL) -> str:
    """The lines ``make bench`` prints for the served model."""
    _quiet()
    held = heldout(model)
    return (
        f"Intent accuracy on the held-out set ({held.total} messages, tests/nlu/heldout.yml, "
        f"never trained on): exact {held.exact_rate:.1%}, by reply {held.by_reply_rate:.1%}; "
        f"parse p50 {held.parse_ms_at(50):.1f} ms, p95 {held.parse_ms_at(95):.1f} ms per message"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, help="train this pipeline (else: the served one)")
    parser.add_argument("--cv", action="store_true", help="also 3-fold cross-validation")
    parser.add_argument("--misses", action="store_true", help="list every message read wrongly")
    args = parser.parse_args()
    _quiet()
    with tempfile.TemporaryDirectory(prefix="fv-nlu-train-") as out:
        model, seconds = (train(args.config, Path(out)) if args.config else (MODEL, None))
        held = heldout(model)
    print(f"model: {args.config or MODEL}")
    if seconds is not None:
        print(f"training (NLU only): {seconds:.1f} s")
    print(f"held-out: {held.total} messages, exact {held.exact_rate:.1%}, "
          f"by reply {held.by_reply_rate:.1%}")
    print(f"parse per message: p50 {held.parse_ms_at(50):.2f} ms, "
          f"p95 {held.parse_ms_at(95):.2f} ms, "
          f"mean {statistics.fmean(held.parse_ms):.2f} ms")
    if args.cv:
        figure = cross_validation(args.config or PROJECT / "config.yml")
        print(f"3-fold cross-validation on data/nlu: {figure:.1%}")
    confused = held.confusions.most_common(12)
    print("most confused (label -> served):", ", ".join(f"{a}->{b} {n}" for (a, b), n in confused))
    if args.misses:
        for text, label, served in held.misses:
            print(f"  {label:>20} -> {served:<20} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
