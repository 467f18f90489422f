"""Conversation events at rest: encrypted rows in SQLite or PostgreSQL, free of Rasa.

Rasa's tracker store (rasa_ext/encrypted_tracker_store.py) and the sweeper (bot/sweeper.py)
both use this module, so they agree on the format without the sweeper loading Rasa.

What a stolen database shows: per conversation, an HMAC handle, how many events of which kind
(``user``, ``bot``, ``slot``...) and when. Never the conversation id, a word of text, an intent
or a slot value: those are inside ``data`` (see bot/tracker_crypto.py).

Concurrency: each conversation has a ``generation``, bumped by every write. A write names the
generation it read and fails (:class:`ConversationChanged`) if another writer came first; the
sweeper *claims* a conversation (a short lease) while it seals it, and a turn that arrives
meanwhile is refused (:class:`ConversationBusy`) rather than interleaved.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

from sqlalchemy import Column, Float, Integer, LargeBinary, String, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base

from bot import db
from bot.config import PROJECT_ROOT
from bot.tracker_crypto import TrackerKey

# Its own metadata, not bot.store.Base: the tracker may live in another database than the queue.
TrackerBase: Any = declarative_base()

SESSION_STARTED = "session_started"
TRACKER_DB_URL_ENV = "FAMILYVOICE_TRACKER_DB_URL"


def tracker_db_url(environ: Mapping[str, str] | None = None) -> str:
    """FAMILYVOICE_TRACKER_DB_URL, else an SQLite file beside the queue: ``<var>/tracker.db``."""
    env = os.environ if environ is None else environ
    if env.get(TRACKER_DB_URL_ENV):
        return env[TRACKER_DB_URL_ENV]
    var = Path(env.get("FAMILYVOICE_VAR_DIR", PROJECT_ROOT / "var"))
    return f"sqlite:///{var / 'tracker.db'}"


class EventRow(TrackerBase):
    """One Rasa event. Column names follow Rasa's SQLTrackerStore, minus its intent and action
    name columns, which would say in the clear what she said and what was asked."""

    __tablename__ = "tracker_events"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)  # the handle, never the id
    type_name = Column(String(64), nullable=False)
    timestamp = Column(Float, nullable=False)
    data = Column(LargeBinary, nullable=False)  # TrackerKey.seal(event JSON, conversation id)


class ConversationRow(TrackerBase):
    __tablename__ = "tracker_conversations"

    handle = Column(String(64), primary_key=True)
    sealed_id = Column(LargeBinary, nullable=False)  # the conversation id, for the sweeper
    generation = Column(Integer, nullable=False)
    claimed_until = Column(Float, nullable=True)  # the sweeper's lease, epoch seconds


# The statements every turn runs, built once: building them and working out their cache key on
# every call was a twentieth of a Rasa worker's time under load.
_conversations = ConversationRow.__table__
_READ_GENERATION = select(_conversations.c.generation, _conversations.c.claimed_until).where(
    _conversations.c.handle == bindparam("handle_")
)
_NEXT_GENERATION = (
    update(_conversations)
    .where(
        _conversations.c.handle == bindparam("handle_"),
        _conversations.c.generation == bindparam("read_at"),
        # No live claim (the sweeper's): none at all, or one that has run out.
        _conversations.c.claimed_until.is_(None) | ~(_conversations.c.claimed_until > bindparam("now_")),
    )
    .values(generation=bindparam("next_"))
)
_INSERT_EVENTS = insert(EventRow.__table__)


class TrackerDbError(Exception):
    """The conversation could not be read or written as asked."""


class ConversationBusy(TrackerDbError):
    """The sweeper is sealing this conversation right now; try again in a moment."""


class ConversationChanged(TrackerDbError):
    """The conversation was written by someone else since it was read."""


@dataclass(frozen=True)
class Snapshot:
    """A conversation as read: its events (decrypted) and the generation they belong to."""

    conversation_id: str
    events: list[dict[str, Any]]
    generation: Optional[int]  # None: nothing stored yet


@dataclass(frozen=True)
class IdleConversation:
    conversation_id: str
    last_event_at: float
    generation: int


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for the tracker tables; ``options`` go to create_engine (e.g. Rasa's PostgreSQL
    pool size and schema). Parameters are never shown in errors: they are ciphertext anyway."""
    # secure_delete: a purged conversation's pages are zeroed, not left for a file-carving tool
    # (its blobs are ciphertext anyway, but the key could leak one day).
    return db.make_engine(url, pragmas=(*db.DEFAULT_PRAGMAS, "secure_delete=ON"), hide_parameters=True, **options)


class EncryptedEventLog:
    def __init__(self, engine: Engine, key: TrackerKey) -> None:
        self.engine = engine
        self.key = key

    @classmethod
    def from_url(cls, url: str, key: TrackerKey) -> "EncryptedEventLog":
        log = cls(make_engine(url), key)
        log.create_all()
        return log

    def create_all(self) -> None:
        TrackerBase.metadata.create_all(self.engine)

    # --- reading -------------------------------------------------------------------------------

    def load(self, conversation_id: str, *, all_sessions: bool = False, now: float | None = None) -> Snapshot:
        """The conversation's events, oldest first: its latest session (what Rasa's ``retrieve``
        returns), or every session. Raises :class:`ConversationBusy` while the sweeper holds it."""
        handle = self.key.handle(conversation_id)
        with self.engine.connect() as connection:
            generation = self._generation(connection, conversation_id, now)
            if generation is None:
                return Snapshot(conversation_id, [], None)
            query = select(EventRow.data).where(EventRow.sender_id == handle)
            if not all_sessions:
                started = (
                    select(func.max(EventRow.timestamp))
                    .where(EventRow.sender_id == handle, EventRow.type_name == SESSION_STARTED)
                    .scalar_subquery()
                )
                query = query.where((EventRow.timestamp >= started) | started.is_(None))
            blobs = connection.execute(query.order_by(EventRow.id)).scalars().all()
        return Snapshot(conversation_id, [json.loads(self.key.open(blob, conversation_id)) for blob in blobs], generation)

    def generation(self, conversation_id: str, *, now: float | None = None) -> Optional[int]:
        """Where the conversation stands (None: nothing stored), without reading its events: a
        worker holding it in memory (bot/tracker_cache.py) checks nobody wrote it since.
        Raises :class:`ConversationBusy` while the sweeper holds it."""
        with self.engine.connect() as connection:
            return self._generation(connection, conversation_id, now)

    def conversation_ids(self) -> list[str]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(ConversationRow.handle, ConversationRow.sealed_id)).all()
        return [self._open_id(handle, sealed) for handle, sealed in rows]

    def idle(self, since: float) -> list[IdleConversation]:
        """Conversations whose latest event is older than ``since`` (epoch seconds)."""
        last = func.max(EventRow.timestamp)
        query = (
            select(ConversationRow.handle, ConversationRow.sealed_id, ConversationRow.generation, last)
            .join(EventRow, EventRow.sender_id == ConversationRow.handle)
            .group_by(ConversationRow.handle, ConversationRow.sealed_id, ConversationRow.generation)
            .having(last < since)
            .order_by(last)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [IdleConversation(self._open_id(h, s), float(at), int(g)) for h, s, g, at in rows]

    # --- writing -------------------------------------------------------------------------------

    def append(
        self, conversation_id: str, events: Iterable[dict[str, Any]], *, generation: Optional[int], now: float | None = None
    ) -> int:
        """Add events after those read at ``generation``; returns the new generation."""
        with self.engine.begin() as connection:
            new = self._bump(connection, conversation_id, generation, now, claimed=False)
            self._insert(connection, conversation_id, events)
        return new

    def replace(
        self,
        conversation_id: str,
        events: Iterable[dict[str, Any]],
        *,
        generation: Optional[int],
        claimed: bool = False,
        now: float | None = None,
    ) -> int:
        """Forget every event of the conversation and keep only ``events`` (the residue).
        ``claimed``: the sweeper, holding the claim at ``generation``, releases it."""
        with self.engine.begin() as connection:
            new = self._bump(connection, conversation_id, generation, now, claimed=claimed)
            connection.execute(delete(EventRow).where(EventRow.sender_id == self.key.handle(conversation_id)))
            self._insert(connection, conversation_id, events)
        return new

    def delete(self, conversation_id: str, *, generation: int, claimed: bool = False, now: float | None = None) -> None:
        """Forget the conversation entirely, if it is still at ``generation``."""
        handle = self.key.handle(conversation_id)
        with self.engine.begin() as connection:
            self._bump(connection, conversation_id, generation, now, claimed=claimed)
            connection.execute(delete(EventRow).where(EventRow.sender_id == handle))
            connection.execute(delete(ConversationRow).where(ConversationRow.handle == handle))

    def claim(self, conversation_id: str, *, generation: int, lease: float = 60.0, now: float | None = None) -> Optional[int]:
        """Hold the conversation for ``lease`` seconds if it is still at ``generation``; the new
        generation, or None if a turn came first (then leave it alone: she is back)."""
        at = time.time() if now is None else now
        with self.engine.begin() as connection:
            done = connection.execute(
                update(ConversationRow)
                .where(ConversationRow.handle == self.key.handle(conversation_id), ConversationRow.generation == generation)
                .values(generation=generation + 1, claimed_until=at + lease)
            )
        return generation + 1 if done.rowcount == 1 else None

    def release(self, conversation_id: str, *, generation: int) -> None:
        """Give up a claim without changing the events (the sweeper failed part way)."""
        with self.engine.begin() as connection:
            self._bump(connection, conversation_id, generation, None, claimed=True)

    # --- internals -------------------------------------------------------------------------------

    def _generation(self, connection: Connection, conversation_id: str, now: float | None) -> Optional[int]:
        row = connection.execute(_READ_GENERATION, {"handle_": self.key.handle(conversation_id)}).first()
        if row is None:
            return None
        if row.claimed_until is not None and row.claimed_until > (time.time() if now is None else now):
            raise ConversationBusy(conversation_id)
        return int(row.generation)

    def _bump(
        self, connection: Connection, conversation_id: str, generation: Optional[int], now: float | None, claimed: bool
    ) -> int:
        """Move the conversation from ``generation`` to the next, or raise ConversationChanged.

        ``claimed``: the caller is the sweeper holding the claim, which this releases. Anyone
        else is refused while a claim is live.
        """
        handle = self.key.handle(conversation_id)
        if generation is None:
            try:
                connection.execute(
                    insert(ConversationRow).values(
                        handle=handle,
                        sealed_id=self.key.seal(conversation_id.encode("utf-8"), handle, purpose="conversation-id"),
                        generation=1,
                        claimed_until=None,
                    )
                )
            except IntegrityError:
                raise ConversationChanged(conversation_id) from None  # another turn created it first
            return 1
        if claimed:
            query = update(ConversationRow).where(ConversationRow.handle == handle, ConversationRow.generation == generation)
            done = connection.execute(query.values(generation=generation + 1, claimed_until=None))
        else:
            at = time.time() if now is None else now
            done = connection.execute(
                _NEXT_GENERATION, {"handle_": handle, "read_at": generation, "now_": at, "next_": generation + 1}
            )
        if done.rowcount != 1:
            raise ConversationChanged(conversation_id)
        return generation + 1

    def _insert(self, connection: Connection, conversation_id: str, events: Iterable[dict[str, Any]]) -> None:
        handle = self.key.handle(conversation_id)
        rows = [
            {
                "sender_id": handle,
                "type_name": str(e.get("event")),
                "timestamp": float(e.get("timestamp") or time.time()),
                "data": self.key.seal(json.dumps(e, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), conversation_id),
            }
            for e in events
        ]
        if rows:
            connection.execute(_INSERT_EVENTS, rows)

    def _open_id(self, handle: str, sealed: bytes) -> str:
        return self.key.open(sealed, handle, purpose="conversation-id").decode("utf-8")
