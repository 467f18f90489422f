"""A referral's later history reaches case management through the outbox, and nothing else does.

Additions, escalations to emergency, officers' rating changes and decisions are written to the
outbox in the same transaction as the change, and the relay forwards them to a real local
receiver, sealed and signed. A row someone wrote or changed in the outbox with plain SQL is
parked, never forwarded as genuine.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os

import pytest
import structlog
from sqlalchemy import text

from bot import outbox
from bot.console import passwords
from bot.console.accounts import Accounts
from bot.console.audit import AuditLog
from bot.console.casework import Casework
from bot.console.consolekey import ConsoleKey
from bot.console.integrity import ConsoleRecords, Integrity
from bot.origin import NotFromIntake, Verifier
from bot.relay import check_origin
from bot.sealing import open_sealed
from tests.relay.test_relay import config, deliver_until, intake, receiver, submit, unit_key  # noqa: F401

UTC = dt.timezone.utc


@pytest.fixture
def console(intake, tmp_path, monkeypatch):
    """The officers' side on the same store: casework with forwarding on, one officer."""
    monkeypatch.setattr(passwords, "DEFAULT_COST", passwords.ScryptCost(n=2**4, r=8, p=1))
    key = ConsoleKey(os.urandom(32))
    engine = intake.store.engine
    audit = AuditLog(engine, key.audit_mac_key, tmp_path)
    records = ConsoleRecords(key)
    integrity = Integrity(Verifier.of(intake.signer.public_key), records)
    casework = Casework(engine, intake.public_key, audit, integrity=integrity, forward=True)
    officer = Accounts(engine, key, audit).add("olive", "correct horse battery staple", "officer")
    return casework, officer, records


def relay_config(receiver_url, intake, records):
    return config(
        receiver_url, intake, console=Verifier.of(records.signer.public_key, role="console")
    )


def bodies(receiver) -> dict[str, dict]:
    return {key: json.loads(body) for key, body in receiver.received}


async def test_additions_escalations_ratings_and_decisions_are_forwarded_signed(
    intake, console, receiver, unit_key
):
    casework, officer, records = console
    # Given a referral, an addition, an addition saying the child is in danger now, an
    # officer's re-rating and a decision
    reference = submit(intake)
    intake.add_to_report(reference, "His dad came back", at=dt.datetime.now(UTC))
    intake.add_to_report(reference, "He is hitting him right now", at=dt.datetime.now(UTC))
    casework.change_rating(reference, officer, "AMBER", "Police attended; child safe with gran.")
    casework.decide(reference, officer, "section_47", "Strategy discussion at 3pm.")
    pending = outbox.messages(intake.store.engine)
    assert len(pending) == 6  # referral, 2 additions, escalation, re-rating, decision

    # When the relay runs
    cfg = relay_config(receiver.url, intake, records)
    await deliver_until(intake, cfg, lambda: len(receiver.received) == 6)

    # Then the receiver has each, once, by its own idempotency key, and the outbox is done
    got = bodies(receiver)
    kinds = sorted(body["kind"] for body in got.values())
    assert kinds == ["addition", "addition", "decision", "rating", "rating", "referral"]
    assert all(message.status == outbox.SENT for message in outbox.messages(intake.store.engine))
    ratings = sorted(
        (b for b in got.values() if b["kind"] == "rating"), key=lambda b: b["revision"]
    )
    assert [(b["revision"], b["priority"], b["emergency"], b["by"]) for b in ratings] == [
        (1, "RED", True, "intake"),
        (2, "AMBER", True, "console"),
    ]
    assert f"rating-{reference}-1" in got and f"rating-{reference}-2" in got
    # And what was added is sealed on the wire; only the unit's key opens it
    additions = [b for b in got.values() if b["kind"] == "addition"]
    texts = {
        json.loads(
            open_sealed(
                base64.b64decode(b["sealed"]), unit_key, reference, "addendum", suite=b["suite"]
            )
        )["text"]
        for b in additions
    }
    assert texts == {"His dad came back", "He is hitting him right now"}
    assert not any(b"His dad" in body for _, body in receiver.received)
    decision = next(b for b in got.values() if b["kind"] == "decision")
    assert decision["decision"] == "section_47" and decision["officer"] == "olive"
    note = open_sealed(
        base64.b64decode(decision["sealed"]),
        unit_key,
        reference,
        "decision-note",
        suite=decision["suite"],
    )
    assert json.loads(note)["text"] == "Strategy discussion at 3pm."
    # And the receiver can check each came from our intake or our console, as the relay did
    for key, body in receiver.received:
        check_origin(body, cfg)


def test_each_change_and_its_outbox_row_are_one_transaction(intake, console):
    casework, officer, _ = console
    reference = submit(intake)
    # A re-rating that cannot be done writes neither a rating change nor an outbox row
    from bot.console.casework import CaseworkError

    with pytest.raises(CaseworkError):
        casework.change_rating(reference, officer, "AMBER", "already AMBER")
    assert [m.idempotency_key for m in outbox.messages(intake.store.engine)] == [
        f"referral-{reference}"
    ]
    assert intake.store.get(reference).revision == 0


@pytest.mark.parametrize(
    "tamper", ["downgrade", "swap blob", "inserted", "console rating as intake"]
)
async def test_an_outbox_row_changed_with_sql_is_parked_and_never_sent(
    intake, console, receiver, tamper
):
    casework, officer, records = console
    reference = submit(intake)
    casework.change_rating(reference, officer, "RED", "Bruising seen by the school nurse.")
    engine = intake.store.engine
    with engine.begin() as connection:
        rows = {
            key: (i, json.loads(body))
            for i, key, body in connection.execute(
                text("SELECT id, idempotency_key, body FROM outbox")
            )
        }
        message_id, body = rows[f"referral-{reference}"]
        if tamper == "downgrade":
            body["priority"] = "GREEN"
        elif tamper == "swap blob":
            body["sealed"] = base64.b64encode(b"\x00" * 200).decode()
        elif tamper == "console rating as intake":
            message_id, body = rows[f"rating-{reference}-1"]
            body["by"] = "intake"
        if tamper == "inserted":
            forged = {**body, "reference": "FV-FAKE-0001", "signature": None}
            connection.execute(
                text(
                    "INSERT INTO outbox (idempotency_key, reference, body, status, attempts, next_attempt_at,"
                    " created_at) VALUES ('referral-FV-FAKE-0001', 'FV-FAKE-0001', :body, 'pending', 0, :now, :now)"
                ),
                {
                    "body": json.dumps(forged).encode(),
                    "now": dt.datetime.now(UTC).replace(tzinfo=None),
                },
            )
        else:
            connection.execute(
                text("UPDATE outbox SET body = :body WHERE id = :id"),
                {"body": json.dumps(body).encode(), "id": message_id},
            )

    cfg = relay_config(receiver.url, intake, records)
    with structlog.testing.capture_logs() as logged:
        await deliver_until(intake, cfg, lambda: not outbox.messages(engine, status=outbox.PENDING))

    dead = outbox.messages(engine, status=outbox.DEAD)
    assert len(dead) == 1 and dead[0].last_error.startswith("not from our intake or console")
    sent_keys = {key for key, _ in receiver.received}
    assert dead[0].idempotency_key not in sent_keys
    assert len(sent_keys) == 2 - (tamper != "inserted")  # everything genuine still went
    assert [e for e in logged if e["event"] == "relay.not_genuine" and e["log_level"] == "error"]


def test_a_message_without_a_signature_is_not_genuine(intake, console):
    _, _, records = console
    cfg = config("http://127.0.0.1:9/", intake)
    with pytest.raises(NotFromIntake):
        check_origin(
            json.dumps(
                {"kind": "referral", "reference": "FV-X", "statement": None, "signature": None}
            ).encode(),
            cfg,
        )
    with pytest.raises(NotFromIntake):
        check_origin(b"not json", cfg)
