"""Conversations kept in a Rasa worker's memory between turns, so a turn need not read back,
decrypt and replay the whole session it wrote a moment ago.

Every write to a conversation, by any worker or the sweeper, bumps its generation
(bot/tracker_db.py). An entry is tagged with the generation it was written at and handed out
only while the stored one is still that, so another worker's turn or the sweeper's sealing is
never hidden. It is *handed out*, not shared: the entry leaves the cache when a turn takes it
and comes back only when the turn has written it, so a turn that fails half way (its changes
never stored) leaves nothing stale behind.

The class knows nothing of Rasa: the value is whatever the tracker store keeps (a Rasa
``DialogueStateTracker``); the rule for whether a reload would give back the same events is
:func:`is_one_whole_session`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, Iterable, Optional, TypeVar

from bot.tracker_db import SESSION_STARTED

T = TypeVar("T")


class BetweenTurns(Generic[T]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()  # Rasa may call the tracker store from worker threads
        self._entries: OrderedDict[str, tuple[int, T]] = OrderedDict()

    def take(self, conversation_id: str, generation: Optional[int]) -> Optional[T]:
        """The value kept at ``generation`` (the one stored now), removed from the cache; None
        if there is none or it is out of date (then it is dropped: it can never be used)."""
        with self._lock:
            entry = self._entries.pop(conversation_id, None)
        if entry is None or generation is None or entry[0] != generation:
            return None
        return entry[1]

    def keep(self, conversation_id: str, generation: int, value: T) -> None:
        """``value`` is what a reload at ``generation`` would give: keep it for the next turn."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[conversation_id] = (generation, value)
            self._entries.move_to_end(conversation_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, conversation_id: str) -> None:
        with self._lock:
            self._entries.pop(conversation_id, None)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, conversation_id: object) -> bool:
        return conversation_id in self._entries


def is_one_whole_session(events: Iterable[tuple[str, float]]) -> bool:
    """Would a reload of the latest session (EncryptedEventLog.load) give back exactly these
    events, given as (kind, timestamp) oldest first? Yes when none is dated before the latest
    ``session_started``: the load keeps events from its timestamp on."""
    events = list(events)
    starts = [at for kind, at in events if kind == SESSION_STARTED]
    if not starts:
        return True
    latest = max(starts)
    return all(at >= latest for _, at in events)
