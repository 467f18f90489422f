"""How many sign-in tries anyone gets, counted in the database so that racing cannot add more.

A try is taken BEFORE the password or code is checked, by one conditional statement
(``UPDATE ... SET failures = failures + 1 WHERE <allowed> RETURNING failures``, the same SQL
on SQLite and PostgreSQL): requests sent at the same moment queue on the row, and those the
counter no longer allows are refused unchecked. A right password gives its try back; a whole
sign-in clears the count. Three counters:

- per client address, for every account: ``SOURCE_TRIES`` failed tries per ``SOURCE_WINDOW``.
  Beyond that the address is refused before any account is looked at, so one address can
  neither guess at length nor push any officer into a lock-out;
- per officer, at an address she completed a sign-in from in the last ``KNOWN_FOR``: five
  failures in a row lock her out THERE for a minute, doubling up to an hour;
- per officer, from every other address together: the same rule. An attacker anywhere else
  can lock this one, and only this one: the officer keeps signing in where she works.

Buckets name addresses by a keyed digest (``source``), never by the address itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection, Engine

from bot.store import UTCDateTime

LOCK_AFTER = 5
FIRST_LOCK = dt.timedelta(minutes=1)
LONGEST_LOCK = dt.timedelta(hours=1)
_DOUBLINGS = 6  # 2**6 minutes is past the hour: no need to count higher (nor overflow)
SOURCE_TRIES = 20
SOURCE_WINDOW = dt.timedelta(minutes=15)
KNOWN_FOR = dt.timedelta(days=30)
_FORGET_AFTER = dt.timedelta(days=1)  # idle buckets, so the table does not grow


def lock_for(failures: int) -> dt.timedelta | None:
    """How long a scope is locked after ``failures`` failures in a row (None: not locked)."""
    if failures < LOCK_AFTER:
        return None
    return min(FIRST_LOCK * 2 ** min(failures - LOCK_AFTER, _DOUBLINGS), LONGEST_LOCK)


@dataclass(frozen=True)
class Scope:
    """Whose counter a try is taken from: the officer's own (``bucket`` None: an address she
    has not signed in from) or the one for her at a known address."""

    officer_id: int
    bucket: str | None


@dataclass(frozen=True)
class Try:
    failures: int  # counting this one
    locks_for: dt.timedelta | None  # how long the scope stays locked if this try fails


def _times(*names: str) -> list:
    return [bindparam(name, type_=UTCDateTime()) for name in names]


_TAKE_SOURCE = text("""
    INSERT INTO console_throttle (bucket, failures, window_started_at, locked_until)
    VALUES (:bucket, 1, :now, NULL)
    ON CONFLICT (bucket) DO UPDATE SET
        failures = CASE WHEN console_throttle.window_started_at <= :expired THEN 1
                        ELSE console_throttle.failures + 1 END,
        window_started_at = CASE WHEN console_throttle.window_started_at <= :expired THEN :now
                                 ELSE console_throttle.window_started_at END
    WHERE console_throttle.window_started_at <= :expired OR console_throttle.failures < :limit
    RETURNING failures
""").bindparams(*_times("now", "expired"))
_TAKE_OFFICER = text("""
    UPDATE console_officers SET failed_logins = failed_logins + 1
    WHERE id = :officer_id AND (locked_until IS NULL OR locked_until <= :now)
    RETURNING failed_logins
""").bindparams(*_times("now"))
_TAKE_BUCKET = text("""
    INSERT INTO console_throttle (bucket, failures, window_started_at, locked_until)
    VALUES (:bucket, 1, :now, NULL)
    ON CONFLICT (bucket) DO UPDATE SET failures = console_throttle.failures + 1
    WHERE console_throttle.locked_until IS NULL OR console_throttle.locked_until <= :now
    RETURNING failures
""").bindparams(*_times("now"))
_LOCK_OFFICER = text("UPDATE console_officers SET locked_until = :until WHERE id = :officer_id"
                     ).bindparams(*_times("until"))
_LOCK_BUCKET = text("UPDATE console_throttle SET locked_until = :until WHERE bucket = :bucket"
                    ).bindparams(*_times("until"))
# A try given back: one failure fewer, and no lock if that leaves the count below the limit.
_GIVE_BACK_OFFICER = text("""
    UPDATE console_officers SET failed_logins = failed_logins - 1,
        locked_until = CASE WHEN failed_logins - 1 < :lock_after THEN NULL ELSE locked_until END
    WHERE id = :officer_id AND failed_logins > 0
""")
_GIVE_BACK_BUCKET = text("""
    UPDATE console_throttle SET failures = failures - 1,
        locked_until = CASE WHEN failures - 1 < :lock_after THEN NULL ELSE locked_until END
    WHERE bucket = :bucket AND failures > 0
""")
_GIVE_BACK_SOURCE = text(
    "UPDATE console_throttle SET failures = failures - 1 WHERE bucket = :bucket AND failures > 0")
_CLEAR_OFFICER = text(
    "UPDATE console_officers SET failed_logins = 0, locked_until = NULL WHERE id = :officer_id")
_CLEAR_BUCKET = text("DELETE FROM console_throttle WHERE bucket = :bucket")
_CLEAR_OFFICER_BUCKETS = text("DELETE FROM console_throttle WHERE bucket LIKE :prefix")
_KNOWN = text("""
    SELECT 1 FROM console_known_sources
    WHERE officer_id = :officer_id AND source = :source AND last_signed_in_at > :since
""").bindparams(*_times("since"))
_REMEMBER = text("""
    INSERT INTO console_known_sources (officer_id, source, last_signed_in_at)
    VALUES (:officer_id, :source, :now)
    ON CONFLICT (officer_id, source) DO UPDATE SET last_signed_in_at = :now
""").bindparams(*_times("now"))
_FORGET_SOURCES = text("DELETE FROM console_known_sources WHERE last_signed_in_at <= :since"
                       ).bindparams(*_times("since"))
_FORGET_BUCKETS = text("""
    DELETE FROM console_throttle
    WHERE window_started_at <= :since AND (locked_until IS NULL OR locked_until <= :now)
""").bindparams(*_times("since", "now"))


class Lockout:
    def __init__(self, engine: Engine, source_key: bytes) -> None:
        self._engine = engine
        self._source_key = source_key

    def source(self, address: str) -> str:
        """The keyed digest a client address is counted and audited under."""
        return hmac.new(self._source_key, address.encode(), hashlib.sha256).hexdigest()[:32]

    # --- per address, every account ---------------------------------------------------------

    def take_source_try(self, source: str, now: dt.datetime) -> int | None:
        """This address's tries in the window, counting this one; None if it has no more."""
        with self._engine.begin() as connection:
            return connection.execute(_TAKE_SOURCE, {
                "bucket": f"source:{source}", "now": now, "expired": now - SOURCE_WINDOW,
                "limit": SOURCE_TRIES,
            }).scalar()

    def give_back_source_try(self, source: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(_GIVE_BACK_SOURCE, {"bucket": f"source:{source}"})

    # --- per officer --------------------------------------------------------------------------

    def scope(self, officer_id: int, source: str, now: dt.datetime) -> Scope:
        with self._engine.connect() as connection:
            known = connection.execute(_KNOWN, {
                "officer_id": officer_id, "source": source, "since": now - KNOWN_FOR,
            }).first()
        return Scope(officer_id, f"officer:{officer_id}:{source}" if known else None)

    def take_try(self, scope: Scope, now: dt.datetime) -> Try | None:
        """Reserve one try in ``scope``; None if it is locked. The try that reaches the limit
        sets the lock at once, so nothing sent at the same moment gets past it."""
        with self._engine.begin() as connection:
            if scope.bucket is None:
                failures = connection.execute(
                    _TAKE_OFFICER, {"officer_id": scope.officer_id, "now": now}).scalar()
            else:
                failures = connection.execute(
                    _TAKE_BUCKET, {"bucket": scope.bucket, "now": now}).scalar()
            if failures is None:
                return None
            lock = lock_for(failures)
            if lock is not None:
                self._lock(connection, scope, now + lock)
            return Try(failures, lock)

    def give_back(self, scope: Scope) -> None:
        """The try turned out right (a good password): it was not a failure."""
        with self._engine.begin() as connection:
            if scope.bucket is None:
                connection.execute(
                    _GIVE_BACK_OFFICER, {"officer_id": scope.officer_id, "lock_after": LOCK_AFTER})
            else:
                connection.execute(
                    _GIVE_BACK_BUCKET, {"bucket": scope.bucket, "lock_after": LOCK_AFTER})

    def signed_in(self, scope: Scope, source: str, now: dt.datetime) -> None:
        """Both factors passed from ``source``: clear the count there and know the address."""
        with self._engine.begin() as connection:
            if scope.bucket is None:
                connection.execute(_CLEAR_OFFICER, {"officer_id": scope.officer_id})
            else:
                connection.execute(_CLEAR_BUCKET, {"bucket": scope.bucket})
            connection.execute(_REMEMBER, {"officer_id": scope.officer_id, "source": source,
                                           "now": now})
            connection.execute(_FORGET_SOURCES, {"since": now - KNOWN_FOR})
            connection.execute(_FORGET_BUCKETS, {"since": now - _FORGET_AFTER, "now": now})

    def unlock(self, officer_id: int) -> None:
        """Clear every lock on an officer (an administrator's decision, from the CLI)."""
        with self._engine.begin() as connection:
            connection.execute(_CLEAR_OFFICER, {"officer_id": officer_id})
            connection.execute(_CLEAR_OFFICER_BUCKETS, {"prefix": f"officer:{officer_id}:%"})

    @staticmethod
    def _lock(connection: Connection, scope: Scope, until: dt.datetime) -> None:
        if scope.bucket is None:
            connection.execute(_LOCK_OFFICER, {"officer_id": scope.officer_id, "until": until})
        else:
            connection.execute(_LOCK_BUCKET, {"bucket": scope.bucket, "until": until})
