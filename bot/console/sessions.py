"""Server-side sessions: a random token in the cookie, its HMAC in the database.

The HMAC is keyed from ``console.key``, which the database never holds: someone who can write
to the database cannot make a row that some cookie of theirs would match, so cannot sign in as
an officer by inserting one.

A session is "mfa" or "enrol" after the password (it can only reach the second-factor pages,
for 5 minutes, and gets ``CODE_TRIES`` codes) and "active" after the code. Each step issues a
NEW token and deletes the old row, so a token seen before sign-in is worthless after it; the
delete is conditional, so two requests racing to finish one sign-in cannot both succeed. An
active session ends after 30
minutes without a request or 12 hours after sign-in, at sign-out, and the moment its account is
disabled or its authenticator reset (the row is deleted, and every lookup re-checks the account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from bot.console.accounts import Clock, Officer, as_officer, utc_now
from bot.console.tables import OfficerRow, SessionRow

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
PENDING = dt.timedelta(minutes=5)  # between the password and the code
CODE_TRIES = 3  # per half-signed-in session; then the password again
_TOKEN_BYTES = 32
_TAKE_CODE_TRY = text("""
    UPDATE console_sessions SET code_tries = code_tries + 1
    WHERE token_hash = :token_hash AND stage <> 'active' AND code_tries < :tries
    RETURNING code_tries
""")


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
    def __init__(self, engine: Engine, token_key: bytes, clock: Clock = utc_now,
                 idle: dt.timedelta = IDLE, absolute: dt.timedelta = ABSOLUTE) -> None:
        self._engine = engine
        self._token_key = token_key
        self._now = clock
        self.idle = idle
        self.absolute = absolute

    def _digest(self, token: str) -> str:
        return hmac.new(self._token_key, token.encode("ascii", "replace"),
                        hashlib.sha256).hexdigest()

    def create(self, officer_id: int, stage: str) -> str:
        with self._engine.begin() as connection:
            return self._insert(connection, officer_id, stage)

    def _insert(self, connection: Connection, officer_id: int, stage: str) -> str:
        token = secrets.token_urlsafe(_TOKEN_BYTES)
        now = self._now()
        # Sessions nobody came back to are otherwise only removed when looked up.
        connection.execute(delete(SessionRow).where(
            (SessionRow.last_seen_at < now - self.idle)
            | (SessionRow.created_at < now - self.absolute)))
        connection.execute(insert(SessionRow).values(
            token_hash=self._digest(token), officer_id=officer_id, stage=stage, created_at=now,
            last_seen_at=now, code_tries=0))
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
                .where(SessionRow.token_hash == self._digest(token))
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

    def take_code_try(self, token: str) -> int | None:
        """Reserve one code try in this half-signed-in session: how many it has now had, or
        None if it has had them all (or is gone)."""
        with self._engine.begin() as connection:
            return connection.execute(
                _TAKE_CODE_TRY, {"token_hash": self._digest(token), "tries": CODE_TRIES}).scalar()

    def advance(self, current: CurrentSession, stage: str,
                connection: Connection | None = None) -> str | None:
        """Move a half-signed-in session on (to "active" after the code) under a NEW token;
        None if another request already did, or it ended meanwhile. With ``connection``, in
        the caller's transaction (the code is used up in the same one)."""
        if connection is None:
            with self._engine.begin() as own:
                return self.advance(current, stage, own)
        gone = connection.execute(delete(SessionRow).where(
            SessionRow.token_hash == self._digest(current.token),
            SessionRow.stage == current.stage,
            SessionRow.stage != "active")).rowcount
        if gone != 1:
            return None
        return self._insert(connection, current.officer.id, stage)

    def end(self, token: str) -> None:
        with Session(self._engine, future=True) as session, session.begin():
            session.execute(
                delete(SessionRow).where(SessionRow.token_hash == self._digest(token)))

    def end_all(self, officer_id: int) -> int:
        with Session(self._engine, future=True) as session, session.begin():
            return session.execute(delete(SessionRow).where(SessionRow.officer_id == officer_id)).rowcount
