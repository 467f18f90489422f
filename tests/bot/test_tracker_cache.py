"""Trackers kept between turns: handed out only at the generation they were written at, never
twice, and only when a reload would give back the same events."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tracker_cache import BetweenTurns, is_one_whole_session
from bot.tracker_crypto import TrackerKey
from bot.tracker_db import EncryptedEventLog
from tests.bot.rasa_events import action, session_start, slot, turn

T = 1_700_000_000.0


def test_handed_out_once_and_only_at_the_generation_it_was_written_at():
    cache: BetweenTurns[str] = BetweenTurns(4)
    cache.keep("a", 3, "tracker-a")
    assert cache.take("a", 4) is None  # someone wrote it since: never hidden
    assert cache.take("a", 3) is None  # ...and the stale entry is gone for good
    cache.keep("a", 5, "tracker-a")
    assert cache.take("a", 5) == "tracker-a"
    assert cache.take("a", 5) is None  # a turn holds it; a second reader reads the database
    assert cache.take("new", None) is None


def test_a_failed_turn_leaves_nothing_behind_and_forget_drops_it():
    cache: BetweenTurns[list] = BetweenTurns(4)
    cache.keep("a", 1, ["listen"])
    held = cache.take("a", 1)
    held.append("unsaved message")  # the turn fails before it is stored: nothing is kept back
    assert cache.take("a", 1) is None and len(cache) == 0
    cache.keep("b", 1, ["x"])
    cache.forget("b")
    assert cache.take("b", 1) is None


def test_the_least_recently_kept_goes_first_and_size_zero_keeps_nothing():
    cache: BetweenTurns[str] = BetweenTurns(2)
    for name in ("a", "b", "c"):
        cache.keep(name, 1, name)
    assert (cache.take("a", 1), cache.take("b", 1), cache.take("c", 1)) == (None, "b", "c")
    off: BetweenTurns[str] = BetweenTurns(0)
    off.keep("a", 1, "a")
    assert off.take("a", 1) is None


def test_one_whole_session_by_example():
    assert is_one_whole_session([])
    assert is_one_whole_session([("action", T), ("user", T + 1)])  # no session start stored
    assert is_one_whole_session([("action", T + 1), ("session_started", T), ("action", T + 2)])
    assert not is_one_whole_session([("action", T - 1), ("session_started", T), ("user", T + 1)])
    assert not is_one_whole_session([("session_started", T), ("user", T + 1), ("session_started", T + 2)])


# A conversation as (kind, timestamp offset) pairs, in the order Rasa appends them: timestamps
# usually rise but need not (an event made earlier and logged later, as Rasa does).
events = st.lists(
    st.tuples(st.sampled_from(["action", "slot", "session_started"]), st.integers(0, 12)), min_size=1, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(events=events)
def test_the_rule_agrees_with_what_the_event_log_reads_back(tmp_path_factory, events):
    """is_one_whole_session says yes exactly when EncryptedEventLog.load gives the events back."""
    url = f"sqlite:///{tmp_path_factory.mktemp('log') / 'tracker.db'}"
    log = EncryptedEventLog.from_url(url, TrackerKey.generate())
    made = []
    for i, (kind, offset) in enumerate(events):
        at = T + offset
        if kind == "session_started":
            made.append({"event": "session_started", "timestamp": at})
        elif kind == "slot":
            made.append(slot("child_age", str(i), at))
        else:
            made.append(action("action_listen", at))
    log.append("c", made, generation=None)
    try:
        assert is_one_whole_session((e["event"], e["timestamp"]) for e in made) == (log.load("c").events == made)
    finally:
        log.engine.dispose()


def test_a_real_conversation_is_one_session_until_a_new_one_starts():
    first = [*session_start(T), *turn("my grandson has bruises", T + 1, {"concern": "bruises"}, "How old?")]
    assert is_one_whole_session((e["event"], e["timestamp"]) for e in first)
    later = first + session_start(T + 3600) + turn("hello again", T + 3601, {}, "Hi")
    assert not is_one_whole_session((e["event"], e["timestamp"]) for e in later)
