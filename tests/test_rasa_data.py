"""Rasa's own checks on the training data and the test stories, run by `make test`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT

MODEL = PROJECT_ROOT / "models" / "current.tar.gz"
ENV = {**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args], cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True, timeout=timeout
    )


def test_training_data_is_valid_without_warnings():
    done = rasa("data", "validate", "--fail-on-warnings")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.mark.e2e
def test_every_test_story_is_predicted_exactly(tmp_path):
    if not MODEL.exists():
        pytest.fail("No trained model at models/current.tar.gz: run `make model` (make test does).")
    done = rasa(
        "test", "core", "--model", str(MODEL), "--stories", "tests/test_stories.yml",
        "--fail-on-prediction-errors", "--out", str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    assert done.returncode == 0, (failed.read_text() if failed.exists() else "") + done.stderr[-3000:]
