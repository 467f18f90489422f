"""Rasa's SQL tracker store, with every event encrypted at rest (AES-256-GCM, tracker key).

In ``endpoints.yml``::

    tracker_store:
      type: rasa_ext.encrypted_tracker_store.EncryptedSQLTrackerStore
      # optional; otherwise FAMILYVOICE_TRACKER_DB_URL, else sqlite:///<var>/tracker.db
      url: postgresql+psycopg2://familyvoice@db/familyvoice

The key comes from FAMILYVOICE_TRACKER_KEY(_FILE) or ``tracker.key`` in the keys directory
(bot/tracker_crypto.py). The storage format and the rules for what is kept live in bot/
(tracker_db.py, retention.py); this class only translates between them and Rasa.

Once a report is sealed (the ``reference`` slot is set) and everything she said has reached
it, the conversation is cut down to its residue at the end of the turn: the reference and
``submitted``, no text (bot/retention.py).
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Optional, Text

import structlog
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot import retention
from bot.config import settings
from bot.tracker_cache import BetweenTurns, is_one_whole_session
from bot.tracker_crypto import TrackerCryptoError, load_tracker_key
from bot.tracker_db import EncryptedEventLog, EventRow, TrackerBase, TrackerDbError, make_engine, tracker_db_url

log = structlog.get_logger(__name__)

# Where this store last read or wrote a tracker: (generation, number of its events stored).
_STORED = "_familyvoice_stored"
RECENT_CONVERSATIONS = 256


class TrackerStoreMisconfigured(RasaException):
    """Raised instead of ImportError/AttributeError: Rasa silently falls back to an in-memory
    store on those, and conversations must never be kept anywhere unencrypted by accident."""


class EncryptedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose ``events`` rows hold ciphertext and an HMAC handle of the sender."""

    Base = TrackerBase
    SQLEvent = EventRow

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        key_file: Optional[Text] = None,
        **kwargs: Any,
    ) -> None:
        try:
            environ = dict(os.environ)
            if key_file:
                environ["FAMILYVOICE_TRACKER_KEY_FILE"] = key_file
            key = load_tracker_key(settings().keys_dir, environ)
            if not host and not kwargs.get("db"):
                host = tracker_db_url()
            # Rasa's constructor builds the URL (host, or dialect/db/username...), waits for the
            # database and creates our tables (Base above); we then swap in our own engine.
            super().__init__(domain=domain, host=host, event_broker=event_broker, **kwargs)
            url = self.engine.url.render_as_string(hide_password=False)
            self.engine.dispose()
            # Ours adds WAL and secure_delete on SQLite; Rasa's PostgreSQL pool size and
            # POSTGRESQL_SCHEMA (search_path) are kept.
            self.engine = make_engine(url, **create_engine_kwargs(url))
            self.sessionmaker.configure(bind=self.engine)
            self.event_log = EncryptedEventLog(self.engine, key)
            self.event_log.create_all()
            # Each turn would read back, decrypt and replay the session it wrote a moment ago;
            # recent trackers stay in memory for as long as nobody else writes them.
            self.between_turns: BetweenTurns[DialogueStateTracker] = BetweenTurns(RECENT_CONVERSATIONS)
        except (TrackerCryptoError, ImportError, AttributeError) as error:
            raise TrackerStoreMisconfigured(f"the encrypted tracker store cannot start: {error}") from None
        log.info("tracker_store.ready", backend=self.engine.dialect.name, encrypted=True)

    # --- reading -------------------------------------------------------------------------------

    def init_tracker(self, sender_id: Text) -> DialogueStateTracker:
        tracker = super().init_tracker(sender_id)
        setattr(tracker, _STORED, (None, 0))
        return tracker

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        try:
            # (Only worth a look at the generation if a tracker is held: load reads it anyway.)
            if not fetch_events_from_all_sessions and sender_id in self.between_turns:
                kept = self.between_turns.take(sender_id, self.event_log.generation(sender_id))
                if kept is not None:
                    return kept
            snapshot = self.event_log.load(sender_id, all_sessions=fetch_events_from_all_sessions)
        except TrackerDbError as error:
            log.warning("tracker.busy", conversation=sender_id, reason=type(error).__name__)
            raise
        if not snapshot.events or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, snapshot.events, self.domain.slots)
        setattr(tracker, _STORED, (snapshot.generation, len(snapshot.events)))
        return tracker

    async def keys(self) -> Iterable[Text]:
        return self.event_log.conversation_ids()

    # --- writing -------------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        conversation_id = tracker.sender_id
        if hasattr(tracker, _STORED):
            generation, stored = getattr(tracker, _STORED)
        else:
            # A tracker this store did not hand out: append what is beyond the stored session.
            snapshot = self.event_log.load(conversation_id)
            generation, stored = snapshot.generation, len(snapshot.events)
        events = list(tracker.events)
        compacted = False
        try:
            if tracker.get_slot(retention.REFERENCE_SLOT) and retention.may_compact(as_dicts := [e.as_dict() for e in events]):
                reference = str(retention.slot_values(as_dicts)[retention.REFERENCE_SLOT])
                generation = self.event_log.replace(conversation_id, retention.residue(reference), generation=generation)
                compacted = True
                log.info("tracker.compacted", conversation=conversation_id, reference=reference)
            elif len(events) > stored:  # (Rasa also saves brand-new, empty trackers: nothing to write)
                new = [e.as_dict() for e in events[stored:]]
                generation = self.event_log.append(conversation_id, new, generation=generation)
        except TrackerDbError as error:
            # The sweeper sealed this conversation while the turn ran: refuse the turn (she is
            # asked to send it again) rather than mix it into what was sealed.
            self.between_turns.forget(conversation_id)
            log.warning("tracker.conflict", conversation=conversation_id, reason=type(error).__name__)
            raise
        setattr(tracker, _STORED, (generation, len(events)))
        if not compacted and generation is not None and is_one_whole_session((e.type_name, e.timestamp) for e in events):
            self.between_turns.keep(conversation_id, generation, tracker)
        else:  # a new session or the residue: the next turn reads back what is stored
            self.between_turns.forget(conversation_id)
