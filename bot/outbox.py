"""The outbox: a referral and its later history, waiting to be forwarded to case management.

A row is written in the same transaction as what it reports (Store.add_referral,
Store.add_addendum, the console's casework), so nothing is stored without its forwarding, nor
forwarded without being stored. Four kinds of message, each a JSON object with ``kind``:

- ``referral``: a referral is filed (idempotency key ``referral-<reference>``);
- ``addition``: she adds something later (``addition-<reference>-<blob digest>``);
- ``rating``: the rating changes, because an addition says the child is in danger now or an
  officer re-rates (``rating-<reference>-<revision>``);
- ``decision``: an officer records a decision (``decision-<reference>-<case event id>``).

What is forwarded is SEALED (the case-management system opens it with the unit's private key,
like the console) and carries the statement its origin signed (``statement``, ``signature``:
the intake's Ed25519 key, bot/origin.py, or the console's, bot/console/integrity.py), so the
relay, and the receiver, can check it came from us and not from whoever can write to this table.
``revision`` orders a referral's rating changes; ``at`` orders the rest. The relay (bot/relay.py)
sends the rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import Column, Integer, LargeBinary, String, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.origin import REFERRAL_FIELDS, clear_value, digest
from bot.store import Base, UTCDateTime

PENDING, SENT, DEAD = "pending", "sent", "dead"


class OutboxRow(Base):
    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True)
    # The receiver de-duplicates on this: a resend after a crash carries the same key.
    idempotency_key = Column(String(64), nullable=False, unique=True)
    reference = Column(String(16), nullable=False, index=True)
    body = Column(LargeBinary, nullable=False)
    status = Column(String(8), nullable=False, default=PENDING, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, index=True)
    last_error = Column(String(120))  # a status code or exception class, never content
    created_at = Column(UTCDateTime, nullable=False)
    sent_at = Column(UTCDateTime)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    idempotency_key: str
    reference: str
    body: bytes
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: Optional[str]


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(bytes(data)).decode("ascii")


def _body(
    kind: str, fields: dict[str, Any], statement: bytes | None, signature: bytes | None
) -> bytes:
    values = {name: clear_value(value) for name, value in fields.items()}
    values.update(kind=kind, statement=_b64(statement), signature=_b64(signature))
    return json.dumps(values, sort_keys=True).encode()


def referral_body(row: Any) -> bytes:
    """What the case-management system receives for a stored referral (a StoredReferral)."""
    fields = {name: getattr(row, name) for name in REFERRAL_FIELDS}
    return _body("referral", {**fields, "sealed": _b64(row.sealed)}, row.origin, row.origin_sig)


def _row(key: str, reference: str, body: bytes, now: dt.datetime) -> OutboxRow:
    return OutboxRow(
        idempotency_key=key,
        reference=reference,
        body=body,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def new_row(row: Any, now: dt.datetime) -> OutboxRow:
    return _row(f"referral-{row.reference}", row.reference, referral_body(row), now)


def addition_row(addendum: Any, now: dt.datetime) -> OutboxRow:
    """Something she added (a StoredAddendum), sealed as stored."""
    fields = {
        "reference": addendum.reference,
        "received_at": addendum.received_at,
        "key_id": addendum.key_id,
        "suite": addendum.suite,
        "sealed": _b64(addendum.sealed),
    }
    body = _body("addition", fields, addendum.origin, addendum.origin_sig)
    key = f"addition-{addendum.reference}-{digest(addendum.sealed)[:32]}"
    return _row(key, addendum.reference, body, now)


def rating_row(change: Any, now: dt.datetime, signature: bytes | None = None) -> OutboxRow:
    """A new rating (a RatingChange). The intake's changes carry its signature as ``auth``; the
    console's carry a MAC there, so it passes its own signature for the receiver instead."""
    fields = {
        "reference": change.reference,
        "revision": change.revision,
        "at": change.at,
        "priority": change.priority,
        "emergency": change.emergency,
        "deadline": change.deadline,
        "by": change.by,
    }
    body = _body("rating", fields, change.statement, signature or change.auth)
    return _row(f"rating-{change.reference}-{change.revision}", change.reference, body, now)


def decision_row(
    event_id: int, fields: dict[str, Any], statement: bytes, signature: bytes, now: dt.datetime
) -> OutboxRow:
    """An officer's decision (``fields``: reference, at, officer, decision, key_id, suite, and the
    sealed note), signed by the console."""
    values = {**fields, "sealed": _b64(fields.get("sealed"))}
    reference = str(fields["reference"])
    return _row(
        f"decision-{reference}-{event_id}",
        reference,
        _body("decision", values, statement, signature),
        now,
    )


def write(connection: Connection, rows: list[OutboxRow]) -> None:
    """Insert outbox rows in the caller's transaction."""
    if rows:
        connection.execute(OutboxRow.__table__.insert(), [_values(row) for row in rows])


def _values(row: OutboxRow) -> dict[str, Any]:
    return {
        "idempotency_key": row.idempotency_key,
        "reference": row.reference,
        "body": row.body,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "created_at": row.created_at,
    }


def _message(found: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        found.id,
        found.idempotency_key,
        found.reference,
        bytes(found.body),
        found.status,
        found.attempts,
        found.next_attempt_at,
        found.last_error,
    )


def claim_due(
    engine: Engine, now: dt.datetime, *, lease: dt.timedelta, limit: int = 20
) -> list[OutboxMessage]:
    """Take due rows for sending. The lease moves their next attempt on, so another relay
    leaves them alone; if this relay dies mid-send they become due again when it runs out."""
    with Session(engine, future=True) as session, session.begin():
        query = (
            select(OutboxRow)
            .where(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
            .limit(limit)
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.execute(query).scalars())
        for found in rows:
            found.next_attempt_at = now + lease
        return [_message(found) for found in rows]


def mark_sent(engine: Engine, message_id: int, now: dt.datetime) -> None:
    with Session(engine, future=True) as session, session.begin():
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status=SENT, sent_at=now, last_error=None)
        )


def mark_failed(
    engine: Engine, message_id: int, error: str, retry_at: Optional[dt.datetime]
) -> None:
    """Count a failed attempt; with no retry time the message is parked as dead."""
    with Session(engine, future=True) as session, session.begin():
        found = session.get(OutboxRow, message_id)
        if found is None:
            return
        found.attempts += 1
        found.last_error = error[:120]
        if retry_at is None:
            found.status = DEAD
        else:
            found.next_attempt_at = retry_at


def messages(
    engine: Engine, *, status: Optional[str] = None, limit: int = 100
) -> list[OutboxMessage]:
    """For the console and the tests: the outbox, newest first (e.g. the dead ones)."""
    query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxRow.status == status)
    with Session(engine, future=True) as session:
        return [_message(found) for found in session.execute(query).scalars()]


def retry_dead(engine: Engine, reference: str, now: dt.datetime) -> int:
    """A manager's "try again" after the receiving system is fixed."""
    with Session(engine, future=True) as session, session.begin():
        result = session.execute(
            update(OutboxRow)
            .where(OutboxRow.reference == reference, OutboxRow.status == DEAD)
            .values(status=PENDING, attempts=0, next_attempt_at=now)
        )
        return int(result.rowcount or 0)
