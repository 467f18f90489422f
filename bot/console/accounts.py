"""Officers' accounts: created and disabled from the CLI, signed in with password + TOTP.

Every failure looks the same from outside: an unknown username, a wrong password, a disabled
or a locked account all get ``None`` after the same scrypt work, so neither the answer nor its
timing says which usernames exist. Five failures in a row (password or code) lock the account
for a minute, doubling with each further failure up to an hour; a full sign-in resets it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Callable

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.console import passwords
from bot.console.audit import AuditLog
from bot.console.consolekey import ConsoleKey
from bot.console.tables import ROLES, OfficerRow, SessionRow

LOCK_AFTER = 5
FIRST_LOCK = dt.timedelta(minutes=1)
LONGEST_LOCK = dt.timedelta(hours=1)
TOTP_ISSUER = "FamilyVoice duty console"
_TOTP_STEP = 30
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

Clock = Callable[[], dt.datetime]


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


def as_officer(row: OfficerRow) -> Officer:
    return Officer(row.id, row.username, row.role, bool(row.active), bool(row.totp_confirmed), row.locked_until)


def lock_for(failures: int) -> dt.timedelta | None:
    """How long the account is locked after ``failures`` failures in a row (None: not locked)."""
    if failures < LOCK_AFTER:
        return None
    return min(FIRST_LOCK * 2 ** (failures - LOCK_AFTER), LONGEST_LOCK)


class Accounts:
    def __init__(self, engine: Engine, key: ConsoleKey, audit: AuditLog, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._key = key
        self._audit = audit
        self._now = clock

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

    # --- signing in -------------------------------------------------------------------------

    def check_password(self, username: str, password: str) -> Officer | None:
        """The account if the password is right and the account usable; otherwise None, after
        the same work whatever the reason."""
        now = self._now()
        with Session(self._engine, future=True) as session, session.begin():
            row = session.execute(
                select(OfficerRow).where(OfficerRow.username == username.strip().lower())
            ).scalar_one_or_none()
            locked = row is not None and row.locked_until is not None and row.locked_until > now
            if row is None or not row.active or locked:
                passwords.verify_password(password, passwords.dummy_hash())
                why = "unknown" if row is None else "disabled" if not row.active else "locked"
                actor = "unknown" if row is None else row.username
                good = False
            else:
                good = passwords.verify_password(password, row.password_hash)
                why, actor = "password", row.username
                if good and passwords.needs_rehash(row.password_hash):
                    row.password_hash = passwords.hash_password(password)
                officer = as_officer(row)
        if not good:
            self._audit.append(actor, "login_failed", detail={"step": "password", "why": why}, at=now)
            if why == "password":
                self.record_failure(officer.id)
            return None
        return officer

    def record_failure(self, officer_id: int) -> bool:
        """Count a failed password or code; True if the account is now locked."""
        now = self._now()
        with Session(self._engine, future=True) as session, session.begin():
            row = session.get(OfficerRow, officer_id)
            row.failed_logins += 1
            lock = lock_for(row.failed_logins)
            if lock is not None:
                row.locked_until = now + lock
            username, failures = row.username, row.failed_logins
        if lock is not None:
            self._audit.append(username, "locked_out", detail={"failures": failures, "seconds": int(lock.total_seconds())}, at=now)
        return lock is not None

    def signed_in(self, officer_id: int) -> None:
        """Both factors passed: forget earlier failures and audit the sign-in."""
        with Session(self._engine, future=True) as session, session.begin():
            row = session.get(OfficerRow, officer_id)
            row.failed_logins, row.locked_until = 0, None
            username = row.username
        self._audit.append(username, "login", at=self._now())

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

    def check_code(self, officer_id: int, code: str, *, enrolling: bool = False) -> bool:
        """True if ``code`` is the authenticator's current code (30 s either side), not used before.
        When ``enrolling``, a right code also confirms the authenticator."""
        code = re.sub(r"\s", "", code or "")
        now = self._now()
        good = False
        with Session(self._engine, future=True) as session, session.begin():
            row = session.get(OfficerRow, officer_id)
            if row is not None and row.totp_secret is not None and row.totp_confirmed != enrolling:
                totp = pyotp.TOTP(self._key.decrypt_totp(row.totp_secret, row.username))
                current = int(now.timestamp()) // _TOTP_STEP
                for step in (current - 1, current, current + 1):
                    if step > row.totp_last_step and hmac.compare_digest(totp.at(step * _TOTP_STEP), code):
                        row.totp_last_step, good = step, True
                        if enrolling:
                            row.totp_confirmed = True
                        break
            username = row.username if row is not None else "unknown"
        if good and enrolling:
            self._audit.append(username, "mfa_enrolled", at=now)
        if not good:
            self._audit.append(username, "login_failed", detail={"step": "code"}, at=now)
            if row is not None:
                self.record_failure(officer_id)
        return good
