"""Signing in: the password, then the authenticator's code, each try counted before it is checked.

Order of every step, so that nothing an attacker sends at the same moment gets extra tries:
1. the client address's own allowance (``Lockout.take_source_try``): an address with too many
   failures is refused before any account is looked at, with no scrypt to spend;
2. at the code step, this half-signed-in session's allowance (``CODE_TRIES``);
3. the officer's allowance where she is (``Lockout.scope``/``take_try``): a locked account
   gets the same answer after the same work as an unknown one;
4. only then the password (scrypt) or the code (used up by a conditional update).

Every failure from outside looks the same: an unknown username, a wrong password, a disabled or
a locked account all get ``None`` after one scrypt each. Only an address's own throttle gets a
different answer (:class:`SourceThrottled`), which says nothing about any account.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

import structlog

from bot.console import passwords
from bot.console.accounts import Accounts, Clock, Officer, utc_now
from bot.console.audit import AuditLog
from bot.console.lockout import SOURCE_TRIES, SOURCE_WINDOW, Scope, Try
from bot.console.sessions import CODE_TRIES, CurrentSession, Sessions

log = structlog.get_logger(__name__)


class SourceThrottled(Exception):
    """Too many failed tries from this client address; try again after ``retry_after``."""

    def __init__(self, retry_after: dt.timedelta) -> None:
        super().__init__("too many failed sign-ins from this address")
        self.retry_after = retry_after


class CodeOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    WRONG = "wrong"  # try again in this session
    START_AGAIN = "start_again"  # this try ended the half-signed-in session: the password again
    REFUSED = "refused"  # nothing was checked (no tries left, or locked): the password again


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeOutcome
    token: str | None = None  # the signed-in session's new token


class SignIn:
    def __init__(self, accounts: Accounts, sessions: Sessions, audit: AuditLog,
                 clock: Clock = utc_now) -> None:
        self._accounts = accounts
        self._lockout = accounts.lockout
        self._sessions = sessions
        self._audit = audit
        self._now = clock

    def password(self, username: str, password: str, address: str) -> Officer | None:
        """The account if the password is right and the account usable; None otherwise, after
        the same work whatever the reason. Raises :class:`SourceThrottled`."""
        now = self._now()
        source = self._take_source_try(address, now)
        found = self._accounts.credentials(username)
        scope: Scope | None = None
        attempt: Try | None = None
        if found is not None and found.officer.active:
            scope = self._lockout.scope(found.officer.id, source, now)
            attempt = self._lockout.take_try(scope, now)
        if found is None or attempt is None:
            passwords.verify_password(password, passwords.dummy_hash())
            why = ("unknown" if found is None else "disabled" if not found.officer.active
                   else "locked")
            good = False
        else:
            good = passwords.verify_password(password, found.password_hash)
            why = "password"
        if good and found is not None and scope is not None:
            self._lockout.give_back(scope)  # a right password is no failure
            self._lockout.give_back_source_try(source)
            if passwords.needs_rehash(found.password_hash):
                self._accounts.store_new_hash(found.officer.id, password)
            return found.officer
        actor = found.officer.username if found is not None else "unknown"
        self._audit.append(actor, "login_failed", at=now,
                           detail={"step": "password", "why": why, "source": source[:16]})
        self._audited_lock(actor, attempt, source, now)
        return None

    def code(self, current: CurrentSession, code: str, address: str, *,
             enrolling: bool = False) -> CodeResult:
        """The second factor (or, when ``enrolling``, the first code of a new authenticator).
        Raises :class:`SourceThrottled`."""
        now = self._now()
        source = self._take_source_try(address, now)
        officer = current.officer
        # A refused request leaves the session alone: a right code sent at the same moment may
        # be finishing it. The try that fails last (or locks the account) ends it.
        tries = self._sessions.take_code_try(current.token)
        if tries is None:  # this session has had its codes: nothing is checked
            return CodeResult(CodeOutcome.REFUSED)
        scope = self._lockout.scope(officer.id, source, now)
        attempt = self._lockout.take_try(scope, now)
        if attempt is None:
            self._audit.append(officer.username, "login_failed", at=now,
                               detail={"step": "code", "why": "locked", "source": source[:16]})
            return CodeResult(CodeOutcome.REFUSED)
        good = self._accounts.use_code(
            officer.id, code, now, enrolling=enrolling,
            # the code is used up only if this request, and no other, finishes the sign-in
            then=lambda connection: self._sessions.advance(current, "active", connection))
        if good is not None:
            token = str(good)
            self._lockout.signed_in(scope, source, now)
            self._lockout.give_back_source_try(source)
            if enrolling:
                self._audit.append(officer.username, "mfa_enrolled", at=now)
            self._audit.append(officer.username, "login", at=now, detail={"source": source[:16]})
            return CodeResult(CodeOutcome.SIGNED_IN, token)
        self._audit.append(officer.username, "login_failed", at=now,
                           detail={"step": "code", "why": "code", "source": source[:16]})
        if self._audited_lock(officer.username, attempt, source, now) or tries >= CODE_TRIES:
            self._sessions.end(current.token)
            return CodeResult(CodeOutcome.START_AGAIN)
        return CodeResult(CodeOutcome.WRONG)

    def _take_source_try(self, address: str, now: dt.datetime) -> str:
        source = self._lockout.source(address)
        tries = self._lockout.take_source_try(source, now)
        if tries is None:
            raise SourceThrottled(SOURCE_WINDOW)
        if tries == SOURCE_TRIES:  # this is its last try in the window: say so once
            self._audit.append("unknown", "source_throttled", at=now, detail={
                "source": source[:16], "minutes": int(SOURCE_WINDOW.total_seconds() // 60)})
            log.warning("console.source_throttled", source=source[:16], client=address)
        return source

    def _audited_lock(self, actor: str, attempt: Try | None, source: str, now: dt.datetime) -> bool:
        """Audit the lock-out this failed try caused, if it did."""
        if attempt is None or attempt.locks_for is None:
            return False
        self._audit.append(actor, "locked_out", at=now, detail={
            "failures": attempt.failures, "seconds": int(attempt.locks_for.total_seconds()),
            "source": source[:16]})
        return True
