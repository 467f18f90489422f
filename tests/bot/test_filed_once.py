"""A report is filed once per conversation, however many paths seal it at the same moment.

Every pair that can seal one conversation is raced on purpose, many times: the sweeper against
the SMS channel's close, submits on many threads (one action server), and submits from
separate processes (two workers, two action servers), on SQLite and on PostgreSQL. Each must
end with one referral, each caller holding its receipt, and nothing she sent lost.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import text

from bot.intake import Intake
from bot.referral import Attachment, Referral
from bot.retention import RetentionPolicy, slot_values
from bot.sealing import open_sealed
from bot.store import Store
from bot.sweeper import Sweeper
from bot.tracker_crypto import TrackerKey
from bot.tracker_db import EncryptedEventLog
from bot.transcript import without_followup_turns
from tests.bot.rasa_events import action, restart, session_start, turn, user
from tests.bot.test_transcript import coming_back, loop
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - PostgreSQL fixtures

T = 1_700_000_000.0
HOUR = 3600.0
SECRET = b"s" * 32
ROUNDS = 25
PHOTO = Attachment(filename="photo-1.jpg", content_type="image/jpeg", size=4, data_b64="/9j/2w==")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'familyvoice.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def unit_key() -> X25519PrivateKey:
    return X25519PrivateKey.generate()


def new_intake(url: str, public_key: X25519PublicKey) -> Intake:
    store = Store(url)
    store.create_all()
    return Intake(store, public_key, SECRET)


def abandoned(at: float = T, name: str = "Amira") -> list[dict[str, Any]]:
    """She named the child and said what worries her, by SMS, then stopped answering."""
    return [
        *session_start(at),
        *turn(f"Her name is {name}", at + 1, {"child_name": name}, "How old is she?",
              channel="twilio_sms"),
        *turn("He hits her", at + 2, {"concern_description": "He hits her"}, "When?",
              channel="twilio_sms"),
    ]


def referrals_of(store: Store) -> Counter[str]:
    """How many referrals each conversation key has."""
    with store.engine.connect() as connection:
        keys = connection.execute(text("SELECT conversation_key FROM referrals")).scalars()
        return Counter(keys)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls on threads released together; their results (or exceptions), in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def photos_in(intake: Intake, unit_key: X25519PrivateKey, reference: str) -> int:
    row = intake.store.get(reference)
    referral = Referral.from_json(open_sealed(row.sealed, unit_key, reference))
    added = [json.loads(open_sealed(a.sealed, unit_key, reference, purpose="addendum"))
             for a in intake.store.addenda(reference)]
    return len(referral.attachments) + sum(len(body.get("attachments", [])) for body in added)


def test_eight_submits_of_one_conversation_at_once_file_one_referral(url, unit_key):
    intakes = [new_intake(url, unit_key.public_key()) for _ in range(8)]
    for round_ in range(ROUNDS):
        events = abandoned(T + round_ * HOUR)
        receipts = at_once(*(
            lambda intake=intake: intake.submit(slot_values(events), events, channel="sms",
                                                conversation_id="sms-gran", status="incomplete")
            for intake in intakes))
        assert not [r for r in receipts if isinstance(r, Exception)], receipts
        assert len({receipt.reference for receipt in receipts}) == 1, round_
    counts = referrals_of(intakes[0].store)
    assert len(counts) == ROUNDS and set(counts.values()) == {1}


def test_the_sweeper_and_the_sms_close_racing_file_one_referral_with_her_photo(
        url, unit_key, tmp_path):
    intake = new_intake(url, unit_key.public_key())
    close = new_intake(url, unit_key.public_key())  # the action server's own
    log = EncryptedEventLog.from_url(f"sqlite:///{tmp_path / 'tracker.db'}", TrackerKey.generate())
    sweeper = Sweeper(log, intake, RetentionPolicy())
    for round_ in range(ROUNDS):
        conversation = f"sms-{round_:04d}"
        events = abandoned(T)
        log.append(conversation, events, generation=None)
        # The channel's idle close (action_restart, with the MMS photo she sent) and the
        # sweeper's pass reach the same abandoned report at the same moment
        swept, closed = at_once(
            lambda: sweeper.sweep(now=T + 25 * HOUR),
            lambda: close.submit(slot_values(events), events, channel="sms",
                                 conversation_id=conversation, status="incomplete",
                                 attachments=[PHOTO]))
        assert not isinstance(swept, Exception), swept
        assert not isinstance(closed, Exception), closed
        assert swept.failed == 0
        if swept.incomplete:  # it may also have found the conversation busy and left it
            assert swept.incomplete == [closed.reference], round_
        assert photos_in(intake, unit_key, closed.reference) == 1, round_
    counts = referrals_of(intake.store)
    assert len(counts) == ROUNDS and set(counts.values()) == {1}


def test_the_same_photo_submitted_again_is_not_added_twice(url, unit_key):
    intake = new_intake(url, unit_key.public_key())
    events = abandoned()
    first = intake.submit(slot_values(events), events, channel="sms", conversation_id="sms-1",
                          status="incomplete", attachments=[PHOTO])
    again = intake.submit(slot_values(events), events, channel="sms", conversation_id="sms-1",
                          status="incomplete", attachments=[PHOTO])
    assert again == first and photos_in(intake, unit_key, first.reference) == 1
    assert intake.store.addenda(first.reference) == []


# --- separate processes: two workers, two action servers ---------------------------------------

def _submit_in_a_process(url: str, public: bytes, conversations: list[str], barrier: Any,
                         out: Any) -> None:
    intake = Intake(Store(url), X25519PublicKey.from_public_bytes(public), SECRET)
    for conversation in conversations:
        events = abandoned()
        barrier.wait(timeout=60)
        receipt = intake.submit(slot_values(events), events, channel="sms",
                                conversation_id=conversation, status="incomplete")
        out.put((conversation, receipt.reference))
    intake.store.engine.dispose()


def test_four_processes_submitting_the_same_conversations_file_each_once(url, unit_key):
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    new_intake(url, unit_key.public_key())  # the tables
    public = unit_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    conversations = [f"sms-{n:03d}" for n in range(15)]
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(4), context.Queue()
    processes = [context.Process(target=_submit_in_a_process,
                                 args=(url, public, conversations, barrier, out))
                 for _ in range(4)]
    for process in processes:
        process.start()
    got: dict[str, set[str]] = {}
    deadline = time.monotonic() + 120
    received = 0
    while received < 4 * len(conversations) and time.monotonic() < deadline:
        conversation, reference = out.get(timeout=max(1.0, deadline - time.monotonic()))
        got.setdefault(conversation, set()).add(reference)
        received += 1
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert received == 4 * len(conversations)
    assert all(len(references) == 1 for references in got.values()), got  # each caller, one receipt
    store = Store(url)
    counts = referrals_of(store)
    store.engine.dispose()
    assert len(counts) == len(conversations) and set(counts.values()) == {1}


def test_a_report_begun_after_coming_back_to_an_earlier_one_is_filed_once(url, unit_key, tmp_path):
    """She first tried to add to an earlier report, gave up, then told us about another child.
    The SMS close leaves her follow-up out of what it seals; the sweeper, later, sees it all:
    both must name the report alike."""
    intake = new_intake(url, unit_key.public_key())
    log = EncryptedEventLog.from_url(f"sqlite:///{tmp_path / 'tracker.db'}", TrackerKey.generate())
    said = [*session_start(T), *coming_back(T + 1, "13572468"), loop(None, T + 5),
            *turn("My neighbour's boy Sam is left alone", T + 6, {"child_name": "Sam"}, "How old?",
                  channel="twilio_sms")]
    closed = intake.submit(slot_values(said), without_followup_turns(said), channel="sms",
                           conversation_id="sms-sam", status="incomplete")
    close = user("/restart", T + 90, intent="restart", channel="twilio_sms")
    log.append("sms-sam", [*said, close, action("action_restart", T + 90), restart(T + 90)],
               generation=None)

    swept = Sweeper(log, intake, RetentionPolicy()).sweep(now=T + 25 * HOUR)

    assert swept.incomplete == [closed.reference]
    assert set(referrals_of(intake.store).values()) == {1}


def test_a_database_that_already_holds_a_duplicate_keeps_both_and_claims_the_first(tmp_path):
    from alembic import command
    from alembic.config import Config

    from bot.config import PROJECT_ROOT

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, "0001")  # as deployed before the claim existed
    store = Store(url)
    with store.engine.begin() as connection:
        old = [("FV-OLD1", "k1"), ("FV-OLD2", "k1"), ("FV-OLD3", "k2")]
        for n, (reference, key) in enumerate(old):
            connection.execute(text(
                "INSERT INTO referrals (reference, received_at, channel, status, priority,"
                " priority_rank, emergency, deadline, key_id, suite, sealed, conversation_key)"
                " VALUES (:r, :t, 'sms', 'incomplete', 'GREEN', 1, 0, :t, 'k', 's', x'00', :key)"),
                {"r": reference, "t": f"2026-01-0{n + 1} 10:00:00.000000", "key": key})
    store.migrate()
    assert len(store.list_queue()) == 3  # nothing lost
    assert store.find_by_conversation_key("k1").reference == "FV-OLD1"
    assert store.find_by_conversation_key("k2").reference == "FV-OLD3"
