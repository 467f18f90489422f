"""The outbox: referrals waiting to be forwarded to the unit's case-management system.

A row is written in the same transaction as the referral (see Store.add_referral), so a
referral is never stored without its forwarding, nor forwarded without being stored. What is
forwarded is the SEALED referral and its queue metadata: the case-management system opens it
with the unit's private key, like the console. The relay (bot/relay.py) sends the rows.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import Column, Integer, LargeBinary, String, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

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


def referral_body(row: Any) -> bytes:
    """What the case-management system receives for a stored referral (a StoredReferral)."""
    return json.dumps(
        {
            **row.queue_fields(),
            "key_id": row.key_id,
            "suite": row.suite,
            "sealed": base64.b64encode(row.sealed).decode("ascii"),
        },
        sort_keys=True,
    ).encode()


def new_row(row: Any, now: dt.datetime) -> OutboxRow:
    return OutboxRow(
        idempotency_key=f"referral-{row.reference}",
        reference=row.reference,
        body=referral_body(row),
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


def _message(found: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        found.id, found.idempotency_key, found.reference, bytes(found.body), found.status,
        found.attempts, found.next_attempt_at, found.last_error,
    )


def claim_due(engine: Engine, now: dt.datetime, *, lease: dt.timedelta, limit: int = 20) -> list[OutboxMessage]:
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
            update(OutboxRow).where(OutboxRow.id == message_id).values(status=SENT, sent_at=now, last_error=None)
        )


def mark_failed(engine: Engine, message_id: int, error: str, retry_at: Optional[dt.datetime]) -> None:
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


def messages(engine: Engine, *, status: Optional[str] = None, limit: int = 100) -> list[OutboxMessage]:
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
