"""The console's own tables, on ``bot.store.Base`` so ``Store.create_all`` makes them.

Nothing here is readable at rest beyond what access control needs: password hashes (scrypt,
parameters beside each hash), TOTP secrets encrypted with the console key, session tokens as
HMACs under the console key, notes and reasons sealed to the unit's public key like referrals.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
)

from bot.store import Base, UTCDateTime

ROLES = ("officer", "manager")
STAGES = ("mfa", "enrol", "active")  # a session is "active" only after the second factor


class OfficerRow(Base):
    __tablename__ = "console_officers"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    role = Column(String(16), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    totp_secret = Column(LargeBinary, nullable=True)  # AES-GCM under the console key
    totp_confirmed = Column(Boolean, nullable=False, default=False)
    totp_last_step = Column(Integer, nullable=False, default=0)  # a code is accepted once
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime, nullable=True)
    created_at = Column(UTCDateTime, nullable=False)

    __table_args__ = (CheckConstraint("role IN ('officer', 'manager')", name="role"),)


class SessionRow(Base):
    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)  # the cookie's HMAC, never itself
    officer_id = Column(
        Integer, ForeignKey("console_officers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stage = Column(String(8), nullable=False)
    created_at = Column(UTCDateTime, nullable=False)
    last_seen_at = Column(UTCDateTime, nullable=False)
    code_tries = Column(Integer, nullable=False, default=0, server_default="0")  # this session's

    __table_args__ = (CheckConstraint("stage IN ('mfa', 'enrol', 'active')", name="stage"),)


class ThrottleRow(Base):
    """A counter of failed sign-in tries: per client address, or per officer at a known address.

    ``bucket`` names what is counted by keyed digests only (never an address or a username)."""

    __tablename__ = "console_throttle"

    bucket = Column(String(80), primary_key=True)
    failures = Column(Integer, nullable=False)
    window_started_at = Column(UTCDateTime, nullable=False)
    locked_until = Column(UTCDateTime, nullable=True)


class KnownSourceRow(Base):
    """An address (keyed digest) an officer completed a sign-in from: lock-outs caused
    elsewhere do not stop her there."""

    __tablename__ = "console_known_sources"

    officer_id = Column(
        Integer, ForeignKey("console_officers.id", ondelete="CASCADE"), nullable=False
    )
    source = Column(String(32), nullable=False)
    last_signed_in_at = Column(UTCDateTime, nullable=False)

    __table_args__ = (PrimaryKeyConstraint("officer_id", "source"),)


class AuditRow(Base):
    """One entry of the hash-chained audit log; ``seq`` has no gaps, ``mac`` covers ``prev_mac``."""

    __tablename__ = "console_audit"

    seq = Column(Integer, primary_key=True, autoincrement=False)
    at = Column(UTCDateTime, nullable=False)
    actor = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    reference = Column(String(32), nullable=True, index=True)
    detail = Column(Text, nullable=False)  # canonical JSON; never a note, a name or a password
    prev_mac = Column(String(64), nullable=False)
    mac = Column(String(64), nullable=False)


class CaseEventRow(Base):
    """What an officer did to a referral: acknowledged, re-rated, decided, noted."""

    __tablename__ = "console_case_events"

    id = Column(Integer, primary_key=True)
    reference = Column(
        String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), nullable=False
    )
    kind = Column(String(16), nullable=False)
    at = Column(UTCDateTime, nullable=False)
    officer_id = Column(Integer, ForeignKey("console_officers.id"), nullable=False)
    from_priority = Column(String(8), nullable=True)
    to_priority = Column(String(8), nullable=True)
    decision = Column(String(32), nullable=True)
    key_id = Column(String(64), nullable=True)
    suite = Column(String(64), nullable=True)
    sealed = Column(LargeBinary, nullable=True)  # the reason or note, sealed to the unit's key
    mac = Column(LargeBinary, nullable=True)  # under the console key (bot/console/integrity.py)

    __table_args__ = (
        CheckConstraint(
            "kind IN ('acknowledged', 'rating', 'decision', 'note')", name="kind"
        ),
    )


# The queue asks "has this referral a decision?" for each row it shows or skips.
Index("ix_console_case_events_lookup", CaseEventRow.reference, CaseEventRow.kind, CaseEventRow.id)
