"""Coming back to a report: the PIN a reporter may choose, checking it, and what is new.

Who can do what:
- The PIN is stored only as scrypt(HMAC(pepper, reference + PIN)), with its salt and cost
  beside it (so the cost can be raised later). The pepper is derived from the intake secret,
  which the database never holds: a stolen database alone cannot even try PINs.
- A wrong PIN, an unknown reference, a reference without a PIN and a locked reference all take
  the same path and the same time (a dummy scrypt runs when there is nothing to compare), so
  the answer says nothing about whether a report exists.
- Tries are limited per reference AND per conversation: 5 wrong in 15 minutes locks for the
  rest of those 15 minutes, 10 wrong in 24 hours locks for the rest of the day. A 4-digit PIN
  then takes years to guess online. 100 wrong tries in 5 minutes from anyone pause all checks
  (a flood must not exhaust the action server with slow hashes). Attempts are stored under
  keyed hashes, never the conversation id (which on SMS is a phone number).

A follow-up is write-only: the PIN lets her add to a report, never read it back.

Tables (on bot.store.Base, deleted with their referral where they belong to one):
- ``followup_pins(reference, state, offered_at, algorithm, n, r, p, salt, digest, set_at)``
- ``followup_attempts(key, at)``: failed tries, forgotten after a day.
- ``referral_additions(reference, total, unseen, last_added_at, seen_at)``: what the duty
  officer has not yet seen (read with ``additions``; the console calls ``mark_seen``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, delete, func, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.keys import load_intake_secret
from bot.store import Base, Store, UTCDateTime

PIN_RE = re.compile(r"\d{4,8}")
ALGORITHM = "scrypt(hmac-sha256)"  # stored beside each hash, so it can change later
OFFER_OPEN_FOR = dt.timedelta(minutes=30)  # after this, a message is an addition, not a PIN


@dataclass(frozen=True)
class PinCost:
    """scrypt's cost; memory is about 128 * n * r bytes (32 MiB, ~0.1 s, by default)."""

    n: int = 2**15
    r: int = 8
    p: int = 1


# Read at call time, so tests can make it cheap (tests/bot/test_followup.py).
DEFAULT_COST = PinCost()


@dataclass(frozen=True)
class Limit:
    failures: int
    window: dt.timedelta


LIMITS = (Limit(5, dt.timedelta(minutes=15)), Limit(10, dt.timedelta(hours=24)))
# Across everyone: a flood of guesses (each costs a slow hash) pauses checking for a while,
# rather than taking the action server down with it.
GLOBAL_LIMITS = (Limit(100, dt.timedelta(minutes=5)),)

OK, NO, LOCKED = "ok", "no", "locked"  # the verdicts of Followups.verify


class FollowupPinRow(Base):
    __tablename__ = "followup_pins"

    reference = Column(String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), primary_key=True)
    state = Column(String(16), nullable=False)  # offered | confirming | set | declined
    offered_at = Column(UTCDateTime, nullable=False)
    algorithm = Column(String(32), nullable=True)
    n = Column(Integer, nullable=True)
    r = Column(Integer, nullable=True)
    p = Column(Integer, nullable=True)
    salt = Column(LargeBinary(16), nullable=True)
    digest = Column(LargeBinary(32), nullable=True)
    set_at = Column(UTCDateTime, nullable=True)


class FollowupAttemptRow(Base):
    __tablename__ = "followup_attempts"

    id = Column(Integer, primary_key=True)
    key = Column(String(64), nullable=False, index=True)
    at = Column(UTCDateTime, nullable=False, index=True)


class ReferralAdditionsRow(Base):
    __tablename__ = "referral_additions"

    reference = Column(String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), primary_key=True)
    total = Column(Integer, nullable=False, default=0)
    unseen = Column(Integer, nullable=False, default=0)
    last_added_at = Column(UTCDateTime, nullable=False)
    seen_at = Column(UTCDateTime, nullable=True)


def pin_of(text: str) -> str | None:
    """The PIN in a reply, or None: 4 to 8 digits, spaces and dashes allowed ("48 21")."""
    compact = re.sub(r"[\s\-.]", "", text)
    return compact if PIN_RE.fullmatch(compact) else None


def too_easy(pin: str) -> bool:
    """One digit repeated, or a run up or down ("1111", "1234", "9876"): first guesses."""
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    return len(set(pin)) == 1 or steps in ({1}, {-1})


class Followups:
    def __init__(self, store: Store, intake_secret: bytes) -> None:
        self.store = store
        self._pepper = hmac.new(intake_secret, b"familyvoice/followup-pin/v1", hashlib.sha256).digest()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Followups":
        store = Store(settings.db_url)
        store.create_all()
        return cls(store, load_intake_secret(settings.intake_secret_path))

    # --- the offer at the end of a report -------------------------------------------------

    def offer(self, reference: str, at: dt.datetime) -> None:
        """The reporter was just asked whether she wants a PIN for this report."""
        with Session(self.store.engine, future=True) as session, session.begin():
            if session.get(FollowupPinRow, reference) is None:
                session.add(FollowupPinRow(reference=reference, state="offered", offered_at=at))

    def offer_state(self, reference: str, now: dt.datetime) -> str | None:
        """"offered" or "confirming" while her next message may be a PIN; else None."""
        with Session(self.store.engine, future=True) as session:
            row = session.get(FollowupPinRow, reference)
            if row is None or row.state not in ("offered", "confirming"):
                return None
            return row.state if now - row.offered_at <= OFFER_OPEN_FOR else None

    def decline(self, reference: str) -> None:
        self._set_state(reference, "declined")

    def propose(self, reference: str, pin: str) -> None:
        """First entry of a new PIN: kept (hashed) until she types it again."""
        self._store_hash(reference, pin, "confirming")

    def confirm(self, reference: str, pin: str, at: dt.datetime) -> bool:
        """Second entry: True (and the PIN is set) if it matches the first; else start again."""
        with Session(self.store.engine, future=True) as session:
            row = session.get(FollowupPinRow, reference)
            matches = row is not None and row.state == "confirming" and self._matches(row, reference, pin)
        if matches:
            with Session(self.store.engine, future=True) as session, session.begin():
                row = session.get(FollowupPinRow, reference)
                row.state, row.set_at = "set", at
        else:
            self._set_state(reference, "offered", clear=True)
        return matches

    # --- coming back -----------------------------------------------------------------------

    def verify(self, reference: str | None, pin: str, conversation_id: str, now: dt.datetime) -> str:
        """OK, NO or LOCKED. NO covers a wrong PIN, an unknown reference and a report with no
        PIN alike; LOCKED depends only on earlier failures, never on whether the report exists."""
        keys = [self._attempt_key("conversation", conversation_id), self._attempt_key("reference", reference or "")]
        everyone = self._attempt_key("everyone", "")
        if any(self._locked(key, now, LIMITS) for key in keys) or self._locked(everyone, now, GLOBAL_LIMITS):
            return LOCKED  # decided before looking the reference up: it says nothing about it
        with Session(self.store.engine, future=True) as session:
            row = session.get(FollowupPinRow, reference) if reference else None
            usable = row is not None and row.state == "set"
            good = self._matches(row, reference or "", pin) if usable else self._burn()
        if good:
            self._forget_failures(keys[1])
            return OK
        self._note_failure([*keys, everyone], now)
        return NO

    # --- internals --------------------------------------------------------------------------

    def _prehash(self, reference: str, pin: str) -> bytes:
        return hmac.new(self._pepper, f"{reference}\x00{pin}".encode(), hashlib.sha256).digest()

    def _hash(self, reference: str, pin: str, salt: bytes, cost: PinCost) -> bytes:
        return hashlib.scrypt(
            self._prehash(reference, pin), salt=salt, n=cost.n, r=cost.r, p=cost.p,
            maxmem=256 * cost.n * cost.r, dklen=32,
        )

    def _matches(self, row: FollowupPinRow, reference: str, pin: str) -> bool:
        if row.algorithm != ALGORITHM or row.salt is None or row.digest is None:
            return False
        cost = PinCost(int(row.n), int(row.r), int(row.p))
        return hmac.compare_digest(self._hash(reference, pin, bytes(row.salt), cost), bytes(row.digest))

    def _burn(self) -> bool:
        self._hash("FV-0000-0000", "0000", b"\x00" * 16, DEFAULT_COST)
        return False

    def _store_hash(self, reference: str, pin: str, state: str) -> None:
        cost, salt = DEFAULT_COST, os.urandom(16)
        digest = self._hash(reference, pin, salt, cost)
        with Session(self.store.engine, future=True) as session, session.begin():
            row = session.get(FollowupPinRow, reference)
            if row is None:
                return  # never offered (or the referral is gone): nothing to attach it to
            row.state, row.algorithm, row.n, row.r, row.p = state, ALGORITHM, cost.n, cost.r, cost.p
            row.salt, row.digest = salt, digest

    def _set_state(self, reference: str, state: str, clear: bool = False) -> None:
        with Session(self.store.engine, future=True) as session, session.begin():
            row = session.get(FollowupPinRow, reference)
            if row is None:
                return
            row.state = state
            if clear:
                row.algorithm = row.n = row.r = row.p = row.salt = row.digest = None

    def _attempt_key(self, kind: str, value: str) -> str:
        return hmac.new(self._pepper, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()

    def _locked(self, key: str, now: dt.datetime, limits: tuple[Limit, ...]) -> bool:
        with Session(self.store.engine, future=True) as session:
            for limit in limits:
                count = session.execute(
                    select(func.count()).select_from(FollowupAttemptRow).where(
                        FollowupAttemptRow.key == key, FollowupAttemptRow.at > now - limit.window
                    )
                ).scalar_one()
                if count >= limit.failures:
                    return True
        return False

    def _note_failure(self, keys: list[str], now: dt.datetime) -> None:
        longest = max(limit.window for limit in (*LIMITS, *GLOBAL_LIMITS))
        with Session(self.store.engine, future=True) as session, session.begin():
            session.execute(delete(FollowupAttemptRow).where(FollowupAttemptRow.at < now - longest))
            session.add_all(FollowupAttemptRow(key=key, at=now) for key in keys)

    def _forget_failures(self, key: str) -> None:
        with Session(self.store.engine, future=True) as session, session.begin():
            session.execute(delete(FollowupAttemptRow).where(FollowupAttemptRow.key == key))


# --- what is new for the duty officer --------------------------------------------------------


@dataclass(frozen=True)
class Additions:
    total: int
    unseen: int
    last_added_at: Optional[dt.datetime]
    seen_at: Optional[dt.datetime]


def note_addition(store: Store, reference: str, at: dt.datetime) -> None:
    """Something was added to this referral: count it as new until an officer has seen it."""
    with Session(store.engine, future=True) as session, session.begin():
        row = session.get(ReferralAdditionsRow, reference)
        if row is None:
            session.add(ReferralAdditionsRow(reference=reference, total=1, unseen=1, last_added_at=at))
        else:
            row.total, row.unseen, row.last_added_at = row.total + 1, row.unseen + 1, at


def additions(store: Store, reference: str) -> Additions:
    """How many additions a referral has, and how many no officer has seen yet."""
    with Session(store.engine, future=True) as session:
        row = session.get(ReferralAdditionsRow, reference)
        if row is None:
            return Additions(0, 0, None, None)
        return Additions(row.total, row.unseen, row.last_added_at, row.seen_at)


def mark_seen(store: Store, reference: str, at: dt.datetime) -> None:
    """An officer has opened the referral with its additions: none of them is new any more."""
    with Session(store.engine, future=True) as session, session.begin():
        row = session.get(ReferralAdditionsRow, reference)
        if row is not None:
            row.unseen, row.seen_at = 0, at
