"""Stock Rasa as the baseline: the `rasa init` starter bot, trained once and cached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("FAMILYVOICE_CACHE", Path.home() / ".cache" / "familyvoice"))

# The starter bot's own conversation (its stories): what a user of the baseline says.
STOCK_SCRIPT = ["hello", "I am feeling sad", "yes", "great", "goodbye"]


def stock_project() -> Path:
    """`rasa init` (which also trains it with Rasa's default pipeline), once per Rasa version."""
    import rasa

    project = CACHE / f"stock-rasa-{rasa.__version__}"
    if not list((project / "models").glob("*.tar.gz")):
        project.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    return project


def start_stock(port: int, log: Path) -> subprocess.Popen:
    project = stock_project()
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--model", str(model), "--port", str(port),
             "--interface", "127.0.0.1", "--credentials", str(project / "credentials.yml")],
            cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
