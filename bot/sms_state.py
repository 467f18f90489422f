"""What the SMS channel remembers between messages, with nothing readable at rest.

Three tables, on the same database as the queue (``bot.store.Base``):
- ``sms_replies``: one row per Twilio MessageSid we answered, so a retried webhook gets the
  same reply and does not advance the conversation twice. Keyed by a keyed hash of the
  MessageSid; the reply itself is AES-GCM encrypted (it may quote her words).
- ``sms_senders``: per phone, keyed by the same keyed hash that names the Rasa conversation:
  opted out or not, when she last wrote, whether a report is open, and (encrypted) the options
  last offered and the last reply.
- ``sms_media``: photos she sent, AES-GCM encrypted until they are sealed into a referral
  (then the plaintext is dropped) and until Twilio's copy is deleted (then the row goes).
- ``sms_messages`` and ``sms_seals`` (bot/sms_messages.py): Twilio's copies of her messages,
  tracked until they are deleted there.

How long: a reply is kept for retries for about 8 days; after that only the keyed hash of its
MessageSid stays, with nothing else, because a captured signed webhook stays valid for as long
as the account's auth token does: a replay of it is answered with nothing and changes nothing.
A sender's row goes once she has no report open and has not written for the retention period
(FAMILYVOICE_TWILIO_SENDER_RETENTION, 7 days); an opt-out is remembered until she sends
START, but its row keeps nothing but the flag.

Keys: derived with HKDF from the intake secret (``bot.keys``), one per purpose, so the intake
hosts need no new secret and nothing here is readable from a stolen database. Phone numbers
are never stored: only ``sender_id()``, an HMAC of the number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from typing import Any, Optional

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Boolean, Column, Integer, LargeBinary, String
from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import sms_messages
from bot.sms_messages import TrackedMessage
from bot.store import Base, Store, UTCDateTime

SENDER_PREFIX = "sms-"
_NONCE = 12


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class SmsKeys:
    """The SMS channel's keys, derived from the intake secret (never stored)."""

    def __init__(self, intake_secret: bytes) -> None:
        self._hash_key = self._derive(intake_secret, b"familyvoice/sms/hmac/v1")
        self._aead = AESGCM(self._derive(intake_secret, b"familyvoice/sms/aes-256-gcm/v1"))

    @staticmethod
    def _derive(secret: bytes, info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)

    def keyed_hash(self, purpose: str, value: str) -> str:
        return hmac.new(self._hash_key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()

    def sender_id(self, phone_number: str) -> str:
        """The Rasa conversation id for a phone number: the number cannot be read back from it."""
        return SENDER_PREFIX + self.keyed_hash("sender", phone_number)

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        # The context (the row's key) is bound as associated data: a blob copied to another
        # row does not open.
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())
        except InvalidTag:
            raise ValueError("an SMS state blob did not open (wrong intake secret or tampered row)") from None


class SmsReplyRow(Base):
    __tablename__ = "sms_replies"

    message_key = Column(String(64), primary_key=True)
    sender_id = Column(String(80), nullable=False, index=True)
    received_at = Column(UTCDateTime, nullable=False, index=True)
    reply = Column(LargeBinary, nullable=True)  # None while the first delivery is being answered


class SmsSenderRow(Base):
    __tablename__ = "sms_senders"

    sender_id = Column(String(80), primary_key=True)
    opted_out = Column(Boolean, nullable=False, default=False)
    report_open = Column(Boolean, nullable=False, default=False)
    last_seen = Column(UTCDateTime, nullable=False, index=True)
    state = Column(LargeBinary, nullable=True)


# What every webhook runs (earlier reply?, read the sender, finish), built once: building the
# statements and their cache keys per call was a measurable part of a worker's time.
_replies, _senders = SmsReplyRow.__table__, SmsSenderRow.__table__
_ANSWER = _replies.insert()
_REPLY_FOR = select(_replies.c.reply, _replies.c.received_at).where(
    _replies.c.message_key == bindparam("key_")
)
_ANSWER_UNANSWERED = update(_replies).where(  # SET from the parameters
    _replies.c.message_key == bindparam("key_"), _replies.c.reply.is_(None)
)
_READ_SENDER = select(_senders).where(_senders.c.sender_id == bindparam("sender_"))
_SAVE_SENDER = update(_senders).where(_senders.c.sender_id == bindparam("sender_"))  # SET from the parameters
_NEW_SENDER = _senders.insert()


class SmsMediaRow(Base):
    __tablename__ = "sms_media"

    id = Column(String(32), primary_key=True)
    sender_id = Column(String(80), nullable=False, index=True)
    received_at = Column(UTCDateTime, nullable=False)
    status = Column(String(16), nullable=False)  # held -> sealed -> (row deleted)
    content_type = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    data = Column(LargeBinary, nullable=True)  # the photo, encrypted; dropped once sealed
    source = Column(LargeBinary, nullable=False)  # where Twilio keeps it, encrypted


@dataclass
class Sender:
    sender_id: str
    opted_out: bool = False
    report_open: bool = False
    last_seen: Optional[dt.datetime] = None
    options: list[dict[str, str]] = field(default_factory=list)
    last_reply: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HeldPhoto:
    id: str
    content_type: str
    size: int
    data: bytes
    received_at: dt.datetime


@dataclass(frozen=True)
class SealedPhoto:
    id: str
    message_sid: str
    media_sid: str


class SmsState:
    def __init__(self, store: Store, keys: SmsKeys) -> None:
        self.store = store
        self.keys = keys

    def _session(self) -> Session:
        return Session(self.store.engine, future=True)

    # --- retries ------------------------------------------------------------------------

    # Every webhook looks for an earlier reply, reads the sender and finishes: Core statements,
    # and only one commit, holding both the reply and the sender (profiled: ORM round trips
    # and extra commits, each an fsync on SQLite that stalls the worker, were a large part of
    # the SMS server's time under load). Nothing is written before the turn is answered, so a
    # turn that fails leaves nothing behind and Twilio's retry is answered afresh.

    def answered(self, message_sid: str) -> Optional[list[str]]:
        """The reply already given to this MessageSid (Twilio retries a webhook whose answer
        it did not get), or None if it has not been answered."""
        earlier = self.earlier_reply(message_sid)
        return None if earlier is None else earlier[0]

    def earlier_reply(self, message_sid: str) -> Optional[tuple[list[str], dt.datetime]]:
        """That reply, and when its turn began (its messages go with that turn's words)."""
        key = self.keys.keyed_hash("message", message_sid)
        with self.store.engine.connect() as connection:
            row = connection.execute(_REPLY_FOR, {"key_": key}).first()
        # (A row without a reply was claimed by an earlier version and never answered.)
        if row is None or row.reply is None:
            return None
        if row.reply == b"":
            # Answered long ago, reply forgotten: a replay gets nothing and changes nothing.
            return [], row.received_at
        return json.loads(self.keys.decrypt(row.reply, key)), row.received_at

    def finish(
        self,
        message_sid: str,
        sender_id: str,
        reply: list[str],
        sender: Sender,
        now: dt.datetime | None = None,
        turn_at: dt.datetime | None = None,
    ) -> Optional[list[str]]:
        """The turn is answered: keep the reply for retries and the sender's state, together.

        Returns None, or the reply another worker gave the same message meanwhile (a retry that
        reached it while this one was being answered): then that one is kept and sent, and
        nothing of this turn's SMS state is written over it."""
        key = self.keys.keyed_hash("message", message_sid)
        blob = self.keys.encrypt(json.dumps(reply).encode(), key)
        turn_at = turn_at or now or _now()
        row = {"message_key": key, "sender_id": sender_id, "received_at": turn_at, "reply": blob}
        try:
            with self.store.engine.begin() as connection:
                connection.execute(_ANSWER, row)
                self._save_sender(connection, sender)
                self._track_inbound(connection, message_sid, sender, turn_at)
            return None
        except IntegrityError:
            pass
        with self.store.engine.begin() as connection:
            # An unanswered row left by an earlier version: ours is the answer.
            if connection.execute(_ANSWER_UNANSWERED, {"key_": key, "reply": blob}).rowcount == 1:
                self._save_sender(connection, sender)
                self._track_inbound(connection, message_sid, sender, turn_at)
                return None
        return self.answered(message_sid)

    def forget_replies_before(self, cutoff: dt.datetime) -> int:
        """Drop replies kept for retries, and which sender they were from; keep the keyed hash of
        each MessageSid, so a replayed webhook is still known (see the module docstring)."""
        with self.store.engine.begin() as connection:
            return (
                connection.execute(
                    update(_replies)
                    .where(
                        _replies.c.received_at < cutoff,
                        or_(_replies.c.reply.is_(None), _replies.c.reply != b""),
                    )
                    .values(reply=b"", sender_id="")
                ).rowcount
                or 0
            )

    # --- Twilio's copies of her messages (bot/sms_messages.py) --------------------------

    def _track_inbound(
        self, connection: Connection, message_sid: str, sender: Sender, turn_at: dt.datetime
    ) -> None:
        key = self.keys.keyed_hash("twilio-message", message_sid)
        sms_messages.record(
            connection,
            key=key,
            sid_blob=self.keys.encrypt(message_sid.encode(), key),
            sender_id=sender.sender_id,
            turn_at=turn_at,
            outbound=False,
            final=True,
        )
        if not sender.report_open:
            sms_messages.seal_through(connection, sender.sender_id, turn_at)  # nothing open to keep

    def track_outbound(
        self, message_sid: str, sender_id: str, turn_at: dt.datetime, final: bool
    ) -> None:
        """A message we sent her (a TwiML reply's status callback, or a REST send)."""
        key = self.keys.keyed_hash("twilio-message", message_sid)
        with self.store.engine.begin() as connection:
            sms_messages.record(
                connection,
                key=key,
                sid_blob=self.keys.encrypt(message_sid.encode(), key),
                sender_id=sender_id,
                turn_at=turn_at,
                outbound=True,
                final=final,
            )

    def mark_sealed_through(self, sender_id: str, at: dt.datetime | None = None) -> None:
        """What this sender said up to ``at`` (now) is sealed: Twilio's copies may go."""
        with self.store.engine.begin() as connection:
            sms_messages.seal_through(connection, sender_id, at or _now())

    def messages_to_delete(
        self, sender_id: str | None = None, now: dt.datetime | None = None
    ) -> list[TrackedMessage]:
        with self.store.engine.connect() as connection:
            rows = sms_messages.due(connection, now or _now(), sender_id)
        return [
            TrackedMessage(key, self.keys.decrypt(blob, key).decode(), tries)
            for key, blob, tries in rows
        ]

    def message_deleted(self, message: TrackedMessage) -> None:
        sms_messages.deleted(self.store.engine, message.message_key)

    def message_not_deleted(self, message: TrackedMessage, now: dt.datetime | None = None) -> None:
        sms_messages.retry_later(
            self.store.engine, message.message_key, message.tries, now or _now()
        )

    def expire_senders(self, cutoff: dt.datetime) -> int:
        """Forget senders with no report open who have not written since ``cutoff``; of one who
        opted out, keep only that (STOP must hold until she sends START)."""
        quiet = and_(_senders.c.report_open.is_(False), _senders.c.last_seen < cutoff)
        with self.store.engine.begin() as connection:
            connection.execute(
                update(_senders).where(quiet, _senders.c.opted_out.is_(True)).values(state=None)
            )
            gone = (
                connection.execute(
                    delete(_senders).where(quiet, _senders.c.opted_out.is_(False))
                ).rowcount
                or 0
            )
            sms_messages.forget_seals(connection, cutoff)
        return gone

    # --- senders ------------------------------------------------------------------------

    def sender(self, sender_id: str) -> Sender:
        with self.store.engine.connect() as connection:
            row = connection.execute(_READ_SENDER, {"sender_": sender_id}).first()
        if row is None:
            return Sender(sender_id)
        state = json.loads(self.keys.decrypt(row.state, sender_id)) if row.state else {}
        return Sender(
            sender_id=sender_id,
            opted_out=bool(row.opted_out),
            report_open=bool(row.report_open),
            last_seen=row.last_seen,
            options=list(state.get("options") or []),
            last_reply=list(state.get("last_reply") or []),
        )

    def save_sender(self, sender: Sender) -> None:
        with self.store.engine.begin() as connection:
            self._save_sender(connection, sender)

    def _save_sender(self, connection: Connection, sender: Sender) -> None:
        state = {"options": sender.options, "last_reply": sender.last_reply}
        values = dict(
            opted_out=sender.opted_out,
            report_open=sender.report_open,
            last_seen=sender.last_seen or _now(),
            state=self.keys.encrypt(json.dumps(state).encode(), sender.sender_id),
        )
        done = connection.execute(_SAVE_SENDER, {"sender_": sender.sender_id, **values})
        if done.rowcount == 0:
            connection.execute(_NEW_SENDER, {"sender_id": sender.sender_id, **values})

    def idle_open_reports(self, cutoff: dt.datetime) -> list[str]:
        """Conversations with a report open and no message since ``cutoff``."""
        query = select(SmsSenderRow.sender_id).where(
            SmsSenderRow.report_open.is_(True), SmsSenderRow.last_seen < cutoff
        )
        with self._session() as session:
            return list(session.execute(query).scalars())

    def mark_closed(self, sender_id: str) -> None:
        with self._session() as session, session.begin():
            session.execute(
                update(SmsSenderRow).where(SmsSenderRow.sender_id == sender_id).values(report_open=False)
            )

    # --- photos -------------------------------------------------------------------------

    def hold_photo(
        self, sender_id: str, message_sid: str, media_sid: str, content_type: str, data: bytes
    ) -> str:
        photo_id = secrets.token_hex(16)
        source = json.dumps({"message_sid": message_sid, "media_sid": media_sid}).encode()
        with self._session() as session, session.begin():
            session.add(
                SmsMediaRow(
                    id=photo_id,
                    sender_id=sender_id,
                    received_at=_now(),
                    status="held",
                    content_type=content_type,
                    size=len(data),
                    data=self.keys.encrypt(data, f"photo|{photo_id}"),
                    source=self.keys.encrypt(source, f"source|{photo_id}"),
                )
            )
        return photo_id

    def held_photos(self, sender_id: str) -> list[HeldPhoto]:
        """Photos sent in this conversation and not yet sealed into a referral, oldest first."""
        query = (
            select(SmsMediaRow)
            .where(SmsMediaRow.sender_id == sender_id, SmsMediaRow.status == "held")
            .order_by(SmsMediaRow.received_at, SmsMediaRow.id)
        )
        with self._session() as session:
            return [
                HeldPhoto(
                    id=row.id,
                    content_type=row.content_type,
                    size=row.size,
                    data=self.keys.decrypt(row.data, f"photo|{row.id}"),
                    received_at=row.received_at,
                )
                for row in session.execute(query).scalars()
            ]

    def mark_sealed(self, photo_ids: list[str]) -> None:
        """The photos are inside a sealed referral now: drop our readable copy."""
        if not photo_ids:
            return
        with self._session() as session, session.begin():
            session.execute(
                update(SmsMediaRow).where(SmsMediaRow.id.in_(photo_ids)).values(status="sealed", data=None)
            )

    def sealed_photos(self, sender_id: str | None = None) -> list[SealedPhoto]:
        """Sealed photos whose copy at Twilio is still to be deleted."""
        query = select(SmsMediaRow).where(SmsMediaRow.status == "sealed")
        if sender_id is not None:
            query = query.where(SmsMediaRow.sender_id == sender_id)
        with self._session() as session:
            found = []
            for row in session.execute(query).scalars():
                source: dict[str, Any] = json.loads(self.keys.decrypt(row.source, f"source|{row.id}"))
                found.append(SealedPhoto(row.id, source["message_sid"], source["media_sid"]))
            return found

    def forget_photo(self, photo_id: str) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(SmsMediaRow).where(SmsMediaRow.id == photo_id))
