"""Twilio's copies of her text messages, tracked until they are deleted there.

Twilio keeps every Message resource (the body, her number, the time) until it is deleted. Her
messages hold her words and the bot's hold her answers read back, so once what a conversation
said has been sealed into a referral, every message of it, inbound and outbound, is deleted at
Twilio, retried until Twilio says it is gone (the SMS channel's sweeper, bot/sms_flow.py).

Two tables, on the queue's database, nothing readable at rest:
- ``sms_messages``: one row per Message resource still to delete: a keyed hash of its SID (the
  key), the keyed sender id, when the turn it belongs to began, the SID itself AES-GCM encrypted
  under the SMS state key (bot/sms_state.py) with the key as associated data, whether Twilio is
  done with it (an outbound message cannot be deleted while it is being sent), and the retries.
- ``sms_seals``: per sender, the time up to which everything said has been sealed (or needs no
  keeping). Set by the action server when it seals and by the SMS channel when a turn leaves no
  report open; every message of a turn that began by then may go.

A message of a later turn waits for the next seal: at the latest the idle close of her
conversation, which seals what is left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Boolean, Column, Integer, LargeBinary, String
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.store import Base, UTCDateTime

# What Twilio is done with: received, or no longer being sent.
FINAL_STATUSES = frozenset(
    {"received", "delivered", "undelivered", "failed", "sent", "read", "canceled"}
)
FIRST_RETRY = dt.timedelta(seconds=30)
LAST_RETRY = dt.timedelta(hours=6)


class SmsMessageRow(Base):
    __tablename__ = "sms_messages"

    message_key = Column(String(64), primary_key=True)
    sender_id = Column(String(80), nullable=False, index=True)
    turn_at = Column(UTCDateTime, nullable=False)
    sid = Column(LargeBinary, nullable=False)  # encrypted
    outbound = Column(Boolean, nullable=False)
    final = Column(Boolean, nullable=False)
    tries = Column(Integer, nullable=False, default=0)
    next_try_at = Column(UTCDateTime, nullable=True)


class SmsSealRow(Base):
    __tablename__ = "sms_seals"

    sender_id = Column(String(80), primary_key=True)
    sealed_through = Column(UTCDateTime, nullable=False)


_messages, _seals = SmsMessageRow.__table__, SmsSealRow.__table__


@dataclass(frozen=True)
class TrackedMessage:
    message_key: str
    sid: str
    tries: int


def record(
    connection: Connection,
    *,
    key: str,
    sid_blob: bytes,
    sender_id: str,
    turn_at: dt.datetime,
    outbound: bool,
    final: bool,
) -> None:
    """Track a Message resource; a status callback for one already tracked only updates it."""
    values = dict(
        sender_id=sender_id, turn_at=turn_at, sid=sid_blob, outbound=outbound, final=final, tries=0
    )
    try:
        with connection.begin_nested():
            connection.execute(_messages.insert().values(message_key=key, **values))
    except IntegrityError:
        if final:
            connection.execute(
                update(_messages).where(_messages.c.message_key == key).values(final=True)
            )


def seal_through(connection: Connection, sender_id: str, at: dt.datetime) -> None:
    """Everything this sender said up to ``at`` is sealed (or needs no keeping)."""
    moved = connection.execute(
        update(_seals)
        .where(_seals.c.sender_id == sender_id, _seals.c.sealed_through < at)
        .values(sealed_through=at)
    ).rowcount
    if moved:
        return
    try:
        with connection.begin_nested():
            connection.execute(_seals.insert().values(sender_id=sender_id, sealed_through=at))
    except IntegrityError:
        pass  # a later mark is already there


def due(
    connection: Connection, now: dt.datetime, sender_id: str | None = None
) -> list[tuple[str, bytes, int]]:
    """(key, encrypted SID, tries) of every message that may be deleted at Twilio now."""
    query = (
        select(_messages.c.message_key, _messages.c.sid, _messages.c.tries)
        .join(_seals, _seals.c.sender_id == _messages.c.sender_id)
        .where(
            _messages.c.final.is_(True),
            _messages.c.turn_at <= _seals.c.sealed_through,
            or_(_messages.c.next_try_at.is_(None), _messages.c.next_try_at <= now),
        )
        .order_by(_messages.c.turn_at)
    )
    if sender_id is not None:
        query = query.where(_messages.c.sender_id == sender_id)
    return [(row.message_key, row.sid, row.tries) for row in connection.execute(query)]


def deleted(engine: Engine, key: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(_messages).where(_messages.c.message_key == key))


def retry_later(engine: Engine, key: str, tries: int, now: dt.datetime) -> None:
    wait = min(FIRST_RETRY * 2 ** min(tries, 16), LAST_RETRY)
    with engine.begin() as connection:
        connection.execute(
            update(_messages)
            .where(_messages.c.message_key == key)
            .values(tries=tries + 1, next_try_at=now + wait)
        )


def forget_seals(connection: Connection, cutoff: dt.datetime) -> int:
    """Marks older than ``cutoff`` of senders with nothing left to delete."""
    pending = (
        select(_messages.c.sender_id).where(_messages.c.sender_id == _seals.c.sender_id).exists()
    )
    return (
        connection.execute(
            delete(_seals).where(and_(_seals.c.sealed_through < cutoff, ~pending))
        ).rowcount
        or 0
    )
