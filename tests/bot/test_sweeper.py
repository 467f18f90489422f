"""Nothing lost: a report left unfinished is queued as incomplete, once, with her words; then
the conversation keeps no text, and is forgotten after the retention period.

Real store, real keys, real encrypted tracker tables (SQLite); only Rasa is absent: the
events are Rasa's own dictionaries (tests/bot/rasa_events.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bot.config import PROJECT_ROOT
from bot.intake import Intake
from bot.referral import Referral
from bot.retention import RetentionPolicy, slot_values
from bot.sealing import open_sealed
from bot.store import Store
from bot.sweeper import Sweeper
from bot.tracker_crypto import TrackerKey, create_tracker_key, load_tracker_key
from bot.tracker_db import EncryptedEventLog
from tests.bot.rasa_events import action, bot, restart, session_start, slot, turn, user

T = 1_700_000_000.0
HOUR = 3600.0
DESCRIPTION = "Her mum's new boyfriend shouts at her and I saw a bruise on her arm on Sunday"


@pytest.fixture
def unit_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


@pytest.fixture
def intake(tmp_path: Path, unit_key: X25519PrivateKey) -> Intake:
    store = Store(f"sqlite:///{tmp_path / 'familyvoice.db'}")
    store.create_all()
    return Intake(store, unit_key.public_key(), b"s" * 32)


@pytest.fixture
def log(tmp_path: Path) -> EncryptedEventLog:
    return EncryptedEventLog.from_url(f"sqlite:///{tmp_path / 'tracker.db'}", TrackerKey.generate())


@pytest.fixture
def sweeper(log: EncryptedEventLog, intake: Intake) -> Sweeper:
    return Sweeper(log, intake, RetentionPolicy())


def unfinished(channel: str = "webchat", at: float = T) -> list[dict]:
    """She named the child, said what worries her, then stopped answering."""
    return [
        *session_start(at),
        *turn("Her name is Amira", at + 1, {"child_name": "Amira"}, "How old is the child?", channel=channel),
        *turn("she is 2", at + 2, {"child_age": "2"}, "Which town?", channel=channel),
        *turn(DESCRIPTION, at + 3, {"concern_description": DESCRIPTION}, "When did this happen?", channel=channel),
    ]


def opened(intake: Intake, unit_key: X25519PrivateKey, reference: str) -> Referral:
    row = intake.store.get(reference)
    assert row is not None
    return Referral.from_json(open_sealed(row.sealed, unit_key, reference))


def test_a_report_left_unfinished_is_queued_as_incomplete_with_her_words(sweeper, log, intake, unit_key):
    log.append("webchat-gran", unfinished(), generation=None)

    assert sweeper.sweep(now=T + 2 * HOUR - 60).incomplete == []  # not idle long enough yet
    result = sweeper.sweep(now=T + 2 * HOUR + 60)

    assert len(result.incomplete) == 1 and result.compacted == 1
    [row] = intake.store.list_queue()
    assert row.status == "incomplete" and row.channel == "webchat"
    referral = opened(intake, unit_key, row.reference)
    assert referral.child.name == "Amira" and referral.concern.description == DESCRIPTION
    assert [t.text for t in referral.transcript if t.speaker == "reporter"] == ["Her name is Amira", "she is 2", DESCRIPTION]
    # Rated by the same rules as a finished report: a bruise and a new partner.
    assert row.priority in ("AMBER", "RED") and {r.rule for r in referral.reasons}
    # The conversation now holds the reference and no text, so what she says next is added.
    kept = log.load("webchat-gran").events
    assert slot_values(kept) == {"reference": row.reference, "submitted": True}
    assert not any(e.get("text") for e in kept)


def test_a_second_sweep_queues_nothing_twice(sweeper, log, intake):
    log.append("webchat-gran", unfinished(), generation=None)
    first = sweeper.sweep(now=T + 3 * HOUR)
    again = sweeper.sweep(now=T + 4 * HOUR)
    assert len(first.incomplete) == 1 and again.incomplete == [] and again.deleted == 0
    assert len(intake.store.list_queue()) == 1


def test_sms_reports_get_a_day(sweeper, log, intake):
    log.append("sms-3f9a", unfinished(channel="twilio_sms"), generation=None)
    assert sweeper.sweep(now=T + 3 * HOUR).incomplete == []
    assert len(sweeper.sweep(now=T + 25 * HOUR).incomplete) == 1
    assert intake.store.list_queue()[0].channel == "sms"


def test_a_report_the_sms_channel_already_closed_is_not_queued_again(sweeper, log, intake):
    # The SMS channel closes an idle report itself: "/restart" into the dialogue, whose
    # action_restart submits what was said (without the command) and then resets.
    said = unfinished(channel="twilio_sms")
    close = user("/restart", T + 10, intent="restart", channel="twilio_sms")
    by_channel = intake.submit(slot_values(said), said, channel="sms", conversation_id="sms-3f9a", status="incomplete")
    log.append("sms-3f9a", [*said, close, action("action_restart", T + 10.1), restart(T + 10.2)], generation=None)

    result = sweeper.sweep(now=T + 25 * HOUR)

    assert result.incomplete == [by_channel.reference]  # the same report, found by its key
    assert len(intake.store.list_queue()) == 1
    # The channel had reset the conversation: with every report in it sealed, it is forgotten.
    assert result.deleted == 1 and log.conversation_ids() == []


def test_messages_after_sealing_that_never_reached_the_report_are_added(sweeper, log, intake, unit_key):
    receipt = intake.submit({"child_name": "Amira"}, unfinished(), channel="webchat", conversation_id="webchat-gran")
    events = [
        *unfinished(),
        action("action_submit_referral", T + 4),
        slot("reference", receipt.reference, T + 4),
        slot("submitted", True, T + 4),
        user("He hit her again last night", T + 5),  # the addition failed: no "added" mark
        action("action_add_to_report", T + 5.1),
    ]
    log.append("webchat-gran", events, generation=None)

    result = sweeper.sweep(now=T + 3 * HOUR)

    assert result.additions == 1 and result.incomplete == []
    [addition] = intake.store.addenda(receipt.reference)
    body = json.loads(open_sealed(addition.sealed, unit_key, receipt.reference, purpose="addendum"))
    assert body["text"] == "He hit her again last night"
    assert not any(e.get("text") for e in log.load("webchat-gran").events)


def test_a_conversation_with_nothing_to_pass_on_is_just_deleted(sweeper, log, intake):
    log.append("webchat-hello", [*session_start(T), user("hello", T + 1, intent="greet"), bot("Hello. What is the child's name?", T + 1.1)], generation=None)
    result = sweeper.sweep(now=T + 3 * HOUR)
    assert result.deleted == 1 and result.incomplete == []
    assert intake.store.list_queue() == [] and log.conversation_ids() == []


def test_a_residue_is_kept_for_the_retention_period_then_deleted(log, intake):
    sweeper = Sweeper(log, intake, RetentionPolicy(retention=48 * HOUR))
    log.append("webchat-gran", unfinished(), generation=None)
    sweeper.sweep(now=T + 3 * HOUR)  # queued; the residue is stamped now
    generation = log.load("webchat-gran").generation

    untouched = sweeper.sweep(now=T + 40 * HOUR)
    assert (untouched.compacted, untouched.deleted) == (0, 0)
    assert log.load("webchat-gran").generation == generation

    assert sweeper.sweep(now=T + 3 * HOUR + 49 * HOUR).deleted == 1
    assert log.conversation_ids() == []
    assert len(intake.store.list_queue()) == 1  # the referral itself stays in the queue


def test_a_conversation_someone_else_is_sealing_is_left_alone(sweeper, log, intake):
    generation = log.append("webchat-gran", unfinished(), generation=None)
    log.claim("webchat-gran", generation=generation, lease=10 * HOUR, now=T + 2.5 * HOUR)
    result = sweeper.sweep(now=T + 3 * HOUR)
    assert result.skipped == 1 and result.incomplete == [] and intake.store.list_queue() == []


def test_familyvoice_purge_runs_one_sweep(tmp_path: Path):
    env = {
        **os.environ,
        "FAMILYVOICE_VAR_DIR": str(tmp_path),
        "FAMILYVOICE_IDLE_WEBCHAT_SECONDS": "60",
    }
    env.pop("FAMILYVOICE_TRACKER_KEY", None)
    env.pop("FAMILYVOICE_TRACKER_DB_URL", None)

    def familyvoice(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    made = familyvoice("keys", "init", "--dev")
    assert made.returncode == 0, made.stderr
    create_tracker_key(tmp_path / "keys")  # made by keys init already; this must not replace it
    log = EncryptedEventLog.from_url(f"sqlite:///{tmp_path / 'tracker.db'}", load_tracker_key(tmp_path / "keys", {}))
    old = time.time() - 600  # past the 60 s limit, well within the retention period
    log.append("webchat-gran", unfinished(at=old), generation=None)
    log.append("webchat-hello", [user("hello", old, intent="greet")], generation=None)

    purged = familyvoice("purge", "--json")

    assert purged.returncode == 0, purged.stderr
    summary = json.loads(purged.stdout)
    assert len(summary["incomplete"]) == 1 and summary["deleted"] == 1 and summary["compacted"] == 1
    listed = json.loads(familyvoice("referrals", "list", "--json").stdout)
    assert [(r["reference"], r["status"]) for r in listed] == [(summary["incomplete"][0], "incomplete")]
    assert log.conversation_ids() == ["webchat-gran"]  # only its residue
    # Its log lines name the conversation and the reference, never what she said.
    from bot import logs
    from bot.keys import load_intake_secret

    logs.use_tag_key(load_intake_secret(tmp_path / "keys" / "intake_secret.key"))
    assert summary["incomplete"][0] in purged.stderr and "webchat-gran" not in purged.stderr
    assert logs.conversation_tag("webchat-gran") in purged.stderr  # logged by its tag only
    assert "Amira" not in purged.stderr and "boyfriend" not in purged.stderr


def test_if_the_queue_fails_nothing_is_lost_and_she_is_not_locked_out(log, tmp_path, unit_key):
    # A queue database without its tables: every submission fails.
    broken = Intake(Store(f"sqlite:///{tmp_path / 'empty.db'}"), unit_key.public_key(), b"s" * 32)
    log.append("webchat-gran", unfinished(), generation=None)

    result = Sweeper(log, broken, RetentionPolicy()).sweep(now=T + 3 * HOUR)

    assert result.failed == 1 and result.incomplete == [] and result.deleted == 0
    kept = log.load("webchat-gran", now=T + 3 * HOUR)  # not left claimed: her next turn goes through
    assert kept.events == unfinished()
