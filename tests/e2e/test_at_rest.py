"""Safe at rest, nothing lost: the real stack (Rasa, actions, sweeper) on SQLite and PostgreSQL.

- Canary: a full web chat report full of unique strings (a child's name, a phone number, an
  address, a sentence). Then every file the stack wrote (SQLite databases with their -wal and
  -shm files, logs), and a pg_dump of the PostgreSQL schema, is searched for them: no plaintext,
  while the report is in progress, after it is sent, and after she adds to it.
- Abandonment: a report left idle past the web chat limit (seconds here) is queued as
  incomplete with what she said; if she comes back, what she says is added to it.
- Purge: `familyvoice purge` forgets conversations past the retention period.

The stack here is this module's own (short idle limit, sweeping every half second), so other
tests' conversations are never swept, and the files searched hold only these conversations.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bot import logs
from bot.config import PROJECT_ROOT
from bot.keys import load_intake_secret
from bot.launcher import Stack, start_stack
from bot.tracker_crypto import load_tracker_key
from bot.tracker_db import EncryptedEventLog
from tests.bot.test_store import POSTGRES_URL, postgres_admin  # noqa: F401 - fixture
from tests.e2e.conftest import MODEL, say, texts
from tests.e2e.test_webchat_report import REFERENCE, asked, asked_all, reply_for

pytestmark = pytest.mark.e2e

IDLE_SECONDS = 5.0  # the web chat idle limit in this module (2 hours in production)

CHILD = "Zephyrine"
CHILD_SURNAME = "Quarrington"
PHONE = "07700 900461"
ADDRESS = "Ravenscroft Mews"
SENTENCE = "the canary sang beneath the violet staircase and he threw a plate at her"
REPORTER = "Marigold Thistlewaite"
LATER = "Zephyrine whispered that the lantern keeper frightens her"
CANARIES = [CHILD, CHILD_SURNAME, PHONE, PHONE.replace(" ", ""), ADDRESS, "violet staircase", "Thistlewaite", "lantern keeper"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Environment naming the databases: none for SQLite (files in var/), a fresh schema for
    PostgreSQL holding both the queue and the tracker, dropped afterwards."""
    if request.param == "sqlite":
        yield {}
        return
    admin: Engine = request.getfixturevalue("postgres_admin")
    schema = f"fv_at_rest_{secrets.token_hex(4)}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    try:
        yield {"FAMILYVOICE_DB_URL": url, "FAMILYVOICE_TRACKER_DB_URL": url, "SCHEMA": schema}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="module")
def env(backend: dict[str, str]) -> dict[str, str]:
    return {
        **{k: v for k, v in backend.items() if k != "SCHEMA"},
        "FAMILYVOICE_IDLE_WEBCHAT_SECONDS": str(IDLE_SECONDS),
        "FAMILYVOICE_SWEEP_EVERY_SECONDS": "0.5",
    }


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("at-rest-var")


def familyvoice(var_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "FAMILYVOICE_VAR_DIR": str(var_dir)}
    full.pop("FAMILYVOICE_KEY_PASSPHRASE", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=PROJECT_ROOT, env=full, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def stack(var_dir: Path, env: dict[str, str]) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model at models/current.tar.gz: run `make model` (make test does).")
    made = familyvoice(var_dir, env, "keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    running = start_stack(model=MODEL, var_dir=var_dir, env=env)
    yield running
    running.stop()


def show(var_dir: Path, env: dict[str, str], reference: str) -> dict:
    shown = familyvoice(var_dir, env, "referrals", "show", reference, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def queue(var_dir: Path, env: dict[str, str]) -> list[dict]:
    listed = familyvoice(var_dir, env, "referrals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def tracker(var_dir: Path, env: dict[str, str]) -> EncryptedEventLog:
    """The tracker store as the sweeper reads it (with the tracker key)."""
    url = env.get("FAMILYVOICE_TRACKER_DB_URL") or f"sqlite:///{var_dir / 'tracker.db'}"
    return EncryptedEventLog.from_url(url, load_tracker_key(var_dir / "keys", {}))


def plaintext_hits(var_dir: Path, backend: dict[str, str]) -> list[str]:
    """Every canary found in any file under var/ or in the PostgreSQL schema, as it is
    stored (raw bytes in files; pg_dump writes bytea as hex, so look for that too)."""
    hits = []
    places: dict[str, bytes] = {str(p.relative_to(var_dir)): p.read_bytes() for p in var_dir.rglob("*") if p.is_file()}
    if "SCHEMA" in backend:
        url = make_url(POSTGRES_URL)
        dump = subprocess.run(
            ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
             "-d", url.database or "test", "--schema", backend["SCHEMA"]],
            capture_output=True, timeout=60, check=True,
        )
        places["pg_dump"] = dump.stdout
        assert b"tracker_events" in dump.stdout and b"referrals" in dump.stdout  # the dump is not empty
    for where, content in places.items():
        lowered = content.lower()
        for canary in CANARIES:
            as_hex = {form.encode().hex().encode() for form in (canary, canary.lower(), canary.upper())}
            if canary.lower().encode() in lowered or any(h in lowered for h in as_hex):
                hits.append(f"{canary!r} in {where}")
    return hits


def test_the_canary_search_itself_finds_plaintext_raw_or_hex(tmp_path):
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "x.log").write_text(f'{{"event": "oops", "name": "{CHILD.upper()}"}}')
    (tmp_path / "dump.sql").write_text("\\x" + PHONE.encode().hex())  # how pg_dump writes bytea
    assert sorted(plaintext_hits(tmp_path, {})) == sorted([f"{CHILD!r} in log/x.log", f"{PHONE!r} in dump.sql"])


CANARY_ANSWERS = {
    "child_name": f"{CHILD} {CHILD_SURNAME}",
    "child_age": "she is 3",
    "child_area": f"{ADDRESS}, Leeds",
    "child_school": "Little Acorns nursery",
    "child_where_now": "At home",
    "concern_description": f"On Sunday {SENTENCE}",
    "concern_more": "No",
    "concern_when": "Last Sunday",
    "source": "I saw it myself",
    "injuries_seen": "No",
    "child_said": "She said she was scared",
    "poc_description": "her mum's new boyfriend",
    "poc_relationship": "mum's boyfriend",
    "poc_lives_with_child": "Yes",
    "household": "her mum and the boyfriend",
    "reported_before": "No",
    "reporter_relationship": "Grandparent",
    "reporter_name": REPORTER,
    "safe_to_contact": "Yes",
    "contact_method": f"ring me on {PHONE}",
    "safe_times": "weekday mornings",
    "parent_aware": "No",
}


def test_canary_no_plaintext_at_rest_in_databases_or_logs(stack, var_dir, env, backend):
    sender = f"canary-{uuid.uuid4().hex[:8]}"
    conversation = f"webchat-{sender}"
    replies = say(stack, sender, "Hello")
    said = 1
    for _ in range(40):
        slots = asked_all(replies)
        if "confirm" in slots:
            break
        assert slots and all(s in CANARY_ANSWERS for s in slots), texts(replies)
        replies = say(stack, sender, reply_for(slots, dict(CANARY_ANSWERS)))
        said += 1
    else:
        raise AssertionError("the read-back never came")

    # In progress: the whole conversation is in the tracker store, and none of it is readable.
    in_progress = tracker(var_dir, env).load(conversation)
    assert sum(e["event"] == "user" for e in in_progress.events) == said
    assert any(CHILD in (e.get("text") or "") for e in in_progress.events)  # it IS stored, encrypted
    assert plaintext_hits(var_dir, backend) == []

    replies = say(stack, sender, "Yes, send it")
    found = REFERENCE.search(texts(replies))
    assert found, texts(replies)
    reference = found.group(0)

    # Sent: the officer reads every canary (so they really were said and kept)...
    referral = show(var_dir, env, reference)
    sealed = json.dumps(referral, ensure_ascii=False)
    for canary in (CHILD, PHONE, ADDRESS, SENTENCE, REPORTER):
        assert canary in sealed
    # ...and the conversation keeps the reference alone.
    kept = tracker(var_dir, env).load(conversation, all_sessions=True).events
    assert not any(e.get("text") for e in kept) and len(kept) == 5
    assert plaintext_hits(var_dir, backend) == []

    # She adds something: it reaches the same report, and leaves no text behind either.
    added = say(stack, sender, LATER)
    assert f"added this to your report {reference}" in texts(added)
    assert [a["text"] for a in show(var_dir, env, reference)["additions"]] == [LATER]
    assert plaintext_hits(var_dir, backend) == []

    # The logs are there, structured, and name the conversation and the reference.
    logged = [json.loads(line) for f in (var_dir / "log").glob("*.log") for line in f.read_text().splitlines() if line.startswith("{")]
    assert {"rasa", "actions", "sweeper"} <= {line.get("process") for line in logged}
    logs.use_tag_key(load_intake_secret(var_dir / "keys" / "intake_secret.key"))
    tag = logs.conversation_tag(conversation)  # a web chat id is a credential: never logged
    assert any(line.get("reference") == reference and line.get("conversation") == tag
               for line in logged)
    assert not any(conversation in json.dumps(line) for line in logged)


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout:.0f} s")


def test_a_report_left_idle_becomes_an_incomplete_referral(stack, var_dir, env, backend):
    sender = f"idle-{uuid.uuid4().hex[:8]}"
    description = "His dad drinks every night and leaves him alone in the flat"
    say(stack, sender, "Hello")
    assert asked(say(stack, sender, description)) == "concern_more"
    assert asked(say(stack, sender, "No")) == "child_name"
    asked_next = say(stack, sender, "His name is Bartholomew, he is 4")
    assert asked(asked_next) == "child_area"
    say(stack, sender, "Wakefield, don't know")
    before = {r["reference"] for r in queue(var_dir, env)}

    # She stops. Past the idle limit, the sweeper (a process of the stack) queues what she said.
    def queued_incomplete():
        return [r for r in queue(var_dir, env) if r["reference"] not in before and r["status"] == "incomplete"]

    [row] = wait_for(queued_incomplete, IDLE_SECONDS + 30, "an incomplete referral")
    referral = show(var_dir, env, row["reference"])
    assert referral["status"] == "incomplete" and referral["channel"] == "webchat"
    assert referral["child"]["name"] == "Bartholomew" and referral["child"]["age_years"] == 4.0
    assert referral["concern"]["description"] == description
    said = [t["text"] for t in referral["transcript"] if t["speaker"] == "reporter"]
    assert said == ["Hello", description, "No", "His name is Bartholomew, he is 4", "Wakefield, don't know"]
    # Rated by the same rules as a finished report: a parent drinking with a child under 5.
    assert referral["priority"] in ("AMBER", "RED") and referral["reasons"]
    assert plaintext_hits(var_dir, backend) == []

    # She comes back: what she says is added to that report, not lost and not a new report.
    later = say(stack, sender, "I forgot to say his mum is in hospital")
    assert f"added this to your report {row['reference']}" in texts(later)
    assert [a["text"] for a in show(var_dir, env, row["reference"])["additions"]] == ["I forgot to say his mum is in hospital"]
    assert len([r for r in queue(var_dir, env) if r["reference"] not in before]) == 1  # queued once


def test_familyvoice_purge_forgets_conversations_past_the_retention_period(stack, var_dir, env):
    sender = f"purge-{uuid.uuid4().hex[:8]}"
    conversation = f"webchat-{sender}"
    before = {r["reference"] for r in queue(var_dir, env)}
    say(stack, sender, "Hello")
    say(stack, sender, "Her name is Ottilie")
    # Idle: the stack's sweeper queues it and keeps its reference (for 7 days by default).
    wait_for(lambda: [r for r in queue(var_dir, env) if r["reference"] not in before], IDLE_SECONDS + 30, "a referral")
    assert conversation in tracker(var_dir, env).conversation_ids()
    time.sleep(1.1)

    purged = familyvoice(var_dir, {**env, "FAMILYVOICE_TRACKER_RETENTION_SECONDS": "1"}, "purge", "--json")

    assert purged.returncode == 0, purged.stderr
    assert json.loads(purged.stdout)["deleted"] >= 1
    assert conversation not in tracker(var_dir, env).conversation_ids()
    assert len([r for r in queue(var_dir, env) if r["reference"] not in before]) == 1  # the referral stays
    # Forgotten: a new message starts a new report, with the introduction.
    again = say(stack, sender, "Hello")
    assert "This is FamilyVoice" in texts(again)
