"""Server-side sessions: a random token in the cookie, its SHA-256 in the database.

A session is "mfa" or "enrol" after the password (it can only reach the second-factor pages,
for 5 minutes) and "active" after the code. Each step issues a NEW token and deletes the old
row, so a token seen before sign-in is worthless after it. An active session ends after 30
minutes without a request or 12 hours after sign-in, at sign-out, and the moment its account is
disabled or its authenticator reset (the row is deleted, and every lookup re-checks the account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.console.accounts import Clock, Officer, as_officer, utc_now
from bot.console.tables import OfficerRow, SessionRow

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
PENDING = dt.timedelta(minutes=5)  # between the password and the code
_TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def csrf_token(cookie_value: str) -> str:
    """The form token that goes with a cookie: only pages we served to its holder carry it."""
    return hmac.new(cookie_value.encode("ascii", "replace"), b"familyvoice/csrf", hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CurrentSession:
    token: str
    officer: Officer
    stage: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)


class Sessions:
    def __init__(self, engine: Engine, clock: Clock = utc_now, idle: dt.timedelta = IDLE,
                 absolute: dt.timedelta = ABSOLUTE) -> None:
        self._engine = engine
        self._now = clock
        self.idle = idle
        self.absolute = absolute

    def create(self, officer_id: int, stage: str) -> str:
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        now = self._now()
        with Session(self._engine, future=True) as session, session.begin():
            # Sessions nobody came back to are otherwise only removed when looked up.
            session.execute(delete(SessionRow).where(
                (SessionRow.last_seen_at < now - self.idle) | (SessionRow.created_at < now - self.absolute)))
            session.add(SessionRow(token_hash=_digest(token), officer_id=officer_id, stage=stage,
                                   created_at=now, last_seen_at=now))
        return token

    def lookup(self, token: str | None) -> CurrentSession | None:
        """The live session for this cookie, touched; None (and the row gone) if it expired."""
        if not token:
            return None
        now = self._now()
        with Session(self._engine, future=True) as session, session.begin():
            found = session.execute(
                select(SessionRow, OfficerRow)
                .join(OfficerRow, OfficerRow.id == SessionRow.officer_id)
                .where(SessionRow.token_hash == _digest(token))
            ).first()
            if found is None:
                return None
            row, officer = found
            if row.stage == "active":
                expired = now - row.last_seen_at > self.idle or now - row.created_at > self.absolute
            else:
                expired = now - row.created_at > PENDING
            if expired or not officer.active:
                session.delete(row)
                return None
            row.last_seen_at = now
            return CurrentSession(token, as_officer(officer), row.stage)

    def advance(self, token: str, stage: str) -> str:
        """Move a session on a step (e.g. to "active" after the code) under a NEW token."""
        with Session(self._engine, future=True) as session, session.begin():
            row = session.execute(select(SessionRow).where(SessionRow.token_hash == _digest(token))).scalar_one()
            officer_id = row.officer_id
            session.delete(row)
        return self.create(officer_id, stage)

    def end(self, token: str) -> None:
        with Session(self._engine, future=True) as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))

    def end_all(self, officer_id: int) -> int:
        with Session(self._engine, future=True) as session, session.begin():
            return session.execute(delete(SessionRow).where(SessionRow.officer_id == officer_id)).rowcount
