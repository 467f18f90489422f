"""Officers' accounts: created, disabled and unlocked from the CLI; password hash and TOTP.

Signing in (the order of the checks, the lock-outs, the audit) is ``bot/console/signin.py``;
this module answers what it asks about an account. A TOTP code is good once: using one is a
conditional update of the last step used, so a code sent twice at the same moment is taken
by one request only.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass, field
from typing import Callable, TypeVar

import pyotp
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.console import passwords
from bot.console.audit import AuditLog
from bot.console.consolekey import ConsoleKey
from bot.console.lockout import Lockout
from bot.console.tables import ROLES, OfficerRow, SessionRow

TOTP_ISSUER = "FamilyVoice duty console"
_TOTP_STEP = 30
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

Clock = Callable[[], dt.datetime]
T = TypeVar("T")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class AccountError(ValueError):
    """A CLI request about an account that cannot be done; the message says why."""


@dataclass(frozen=True)
class Officer:
    id: int
    username: str
    role: str
    active: bool
    mfa_enrolled: bool
    locked_until: dt.datetime | None

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class Credentials:
    officer: Officer
    password_hash: str = field(repr=False)


def as_officer(row: OfficerRow) -> Officer:
    return Officer(row.id, row.username, row.role, bool(row.active), bool(row.totp_confirmed),
                   row.locked_until)


class Accounts:
    def __init__(self, engine: Engine, key: ConsoleKey, audit: AuditLog, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._key = key
        self._audit = audit
        self._now = clock
        self.lockout = Lockout(engine, key.source_key)

    # --- the CLI's side ---------------------------------------------------------------------

    def add(self, username: str, password: str, role: str) -> Officer:
        username = username.strip().lower()
        if not _USERNAME.fullmatch(username):
            raise AccountError("A username is 2-64 characters: lower-case letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
        try:
            passwords.check_policy(password, username)
        except passwords.WeakPassword as weak:
            raise AccountError(str(weak)) from None
        row = OfficerRow(username=username, role=role, password_hash=passwords.hash_password(password),
                         active=True, totp_confirmed=False, totp_last_step=0, failed_logins=0,
                         created_at=self._now())
        try:
            with Session(self._engine, future=True) as session, session.begin():
                session.add(row)
                session.flush()
                officer = as_officer(row)
        except IntegrityError:
            raise AccountError(f"There is already an account called {username}.") from None
        self._audit.append("cli", "officer_added", detail={"officer": username, "role": role})
        return officer

    def disable(self, username: str) -> None:
        """Disable the account and end every session it has, at once."""
        self._change(username, "officer_disabled", active=False)

    def reset_mfa(self, username: str) -> None:
        """Forget the authenticator; the officer enrols a new one at the next sign-in."""
        self._change(username, "mfa_reset", totp_secret=None, totp_confirmed=False, totp_last_step=0)

    def unlock(self, username: str) -> None:
        """End every lock-out of the account (wherever the failures came from)."""
        officer = self._find(username)
        self.lockout.unlock(officer.id)
        self._audit.append("cli", "officer_unlocked", detail={"officer": officer.username})

    def _find(self, username: str) -> Officer:
        found = self.credentials(username)
        if found is None:
            raise AccountError(f"There is no account called {username}.")
        return found.officer

    def _change(self, username: str, action: str, **values: object) -> None:
        with Session(self._engine, future=True) as session, session.begin():
            row = session.execute(select(OfficerRow).where(OfficerRow.username == username.lower())).scalar_one_or_none()
            if row is None:
                raise AccountError(f"There is no account called {username}.")
            for name, value in values.items():
                setattr(row, name, value)
            session.execute(delete(SessionRow).where(SessionRow.officer_id == row.id))
        self._audit.append("cli", action, detail={"officer": username.lower()})

    def all(self) -> list[Officer]:
        with Session(self._engine, future=True) as session:
            return [as_officer(r) for r in session.execute(select(OfficerRow).order_by(OfficerRow.username)).scalars()]

    def get(self, officer_id: int) -> Officer | None:
        with Session(self._engine, future=True) as session:
            row = session.get(OfficerRow, officer_id)
            return as_officer(row) if row is not None else None

    # --- what signing in needs (the steps themselves are in bot/console/signin.py) ----------

    def credentials(self, username: str) -> Credentials | None:
        with Session(self._engine, future=True) as session:
            row = session.execute(
                select(OfficerRow).where(OfficerRow.username == username.strip().lower())
            ).scalar_one_or_none()
            return Credentials(as_officer(row), row.password_hash) if row is not None else None

    def store_new_hash(self, officer_id: int, password: str) -> None:
        """A right password under an old cost: keep it hashed with today's."""
        with self._engine.begin() as connection:
            connection.execute(update(OfficerRow).where(OfficerRow.id == officer_id)
                               .values(password_hash=passwords.hash_password(password)))

    # --- the second factor ------------------------------------------------------------------

    def start_enrolment(self, officer_id: int) -> str:
        """A new TOTP secret for an officer who has none confirmed; returns its otpauth:// URI."""
        secret = pyotp.random_base32()
        with Session(self._engine, future=True) as session, session.begin():
            row = session.get(OfficerRow, officer_id)
            if row.totp_confirmed:
                raise AccountError("This account already has an authenticator.")
            row.totp_secret = self._key.encrypt_totp(secret, row.username)
            username = row.username
        return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=TOTP_ISSUER)

    def enrolment_uri(self, officer_id: int) -> str | None:
        """The pending secret's otpauth:// URI (to draw the QR code again), if enrolment started."""
        with Session(self._engine, future=True) as session:
            row = session.get(OfficerRow, officer_id)
            if row is None or row.totp_secret is None or row.totp_confirmed:
                return None
            secret = self._key.decrypt_totp(row.totp_secret, row.username)
            return pyotp.TOTP(secret).provisioning_uri(name=row.username, issuer_name=TOTP_ISSUER)

    def use_code(self, officer_id: int, code: str, now: dt.datetime, *, enrolling: bool = False,
                 then: Callable[[Connection], T | None] | None = None) -> T | bool | None:
        """Use up ``code`` if it is the authenticator's code for now (30 s either side) and no
        code of this or a later step was used before. When ``enrolling``, a right code also
        confirms the authenticator. ``then`` runs in the same transaction (finishing the
        sign-in): if it returns None, the code is not used up after all. Returns what ``then``
        returned (True without it), or None for a code that is not good."""
        code = re.sub(r"\s", "", code or "")
        with Session(self._engine, future=True) as session:
            row = session.get(OfficerRow, officer_id)
            if row is None or row.totp_secret is None or bool(row.totp_confirmed) == enrolling:
                return None
            secret, last_step = row.totp_secret, row.totp_last_step
            totp = pyotp.TOTP(self._key.decrypt_totp(secret, row.username))
        current = int(now.timestamp()) // _TOTP_STEP
        for step in (current - 1, current, current + 1):
            if step > last_step and hmac.compare_digest(totp.at(step * _TOTP_STEP), code):
                return self._use_step(officer_id, secret, step, enrolling, then)
        return None

    def _use_step(self, officer_id: int, secret: bytes, step: int, enrolling: bool,
                  then: Callable[[Connection], T | None] | None) -> T | bool | None:
        """Record ``step`` as used, only if no request has used it (or a later one) meanwhile."""
        values: dict[str, object] = {"totp_last_step": step}
        if enrolling:
            values["totp_confirmed"] = True
        try:
            with self._engine.begin() as connection:
                used = connection.execute(
                    update(OfficerRow)
                    .where(OfficerRow.id == officer_id, OfficerRow.totp_last_step < step,
                           OfficerRow.totp_secret == secret,
                           OfficerRow.totp_confirmed == (not enrolling))
                    .values(**values)
                ).rowcount
                if used != 1:
                    return None
                done = then(connection) if then is not None else True
                if done is None:
                    raise _Undo
                return done
        except _Undo:
            return None


class _Undo(Exception):
    """Roll the transaction back: what had to happen with the code could not."""
