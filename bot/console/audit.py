"""The audit log: every login, failed login, opening, rating change and decision, hash-chained.

Entry ``seq`` (1, 2, 3... with no gaps) carries ``mac = HMAC-SHA256(key, canonical(seq, at,
actor, action, reference, detail, prev_mac))`` where ``prev_mac`` is the previous entry's mac.
The key comes from the console key file, never the database, so somebody who can write to the
database cannot make a change that :func:`AuditLog.verify` does not see:
- an edited entry no longer matches its mac;
- a deleted entry leaves a gap in ``seq`` (or, if the rest is renumbered, broken macs);
- reordered entries break the chain of ``prev_mac``;
- deleting the newest entries is caught by the head file (``audit.head`` beside the key), which
  records the latest seq and mac after each append.

Entries hold no note, name, message or password: the actor is an officer's username (or
"unknown" for a failed login with a username we do not know), the rest is codes and references.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.console.tables import AuditRow

GENESIS = "0" * 64
HEAD_FILE = "audit.head"
_APPEND_ATTEMPTS = 20

# What gets audited, and the words a manager reads for each.
ACTIONS = {
    "login": "signed in",
    "login_failed": "failed to sign in",
    "locked_out": "account locked after failed sign-ins",
    "logout": "signed out",
    "mfa_enrolled": "set up their authenticator",
    "opened": "opened the referral",
    "attachment_opened": "opened a photo",
    "acknowledged": "acknowledged and took the referral",
    "rating_changed": "changed the rating",
    "decision": "recorded a decision",
    "note": "added a note",
    "audit_viewed": "viewed the audit trail",
    "forwarding_retried": "asked for forwarding to be tried again",
    "resealed": "re-sealed the referral to the unit's newest key",
    "officer_added": "account created",
    "officer_disabled": "account disabled",
    "mfa_reset": "authenticator reset",
}


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    reference: str | None
    detail: dict[str, Any]
    prev_mac: str
    mac: str

    @property
    def description(self) -> str:
        return ACTIONS.get(self.action, self.action)


@dataclass
class Verification:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _canonical_detail(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


class AuditLog:
    def __init__(self, engine: Engine, mac_key: bytes, head_path: Path | None = None) -> None:
        self._engine = engine
        self._key = mac_key
        self._head_path = head_path

    def _mac(self, seq: int, at: dt.datetime, actor: str, action: str, reference: str | None,
             detail: str, prev_mac: str) -> str:
        message = json.dumps([seq, _utc(at), actor, action, reference, detail, prev_mac],
                             separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def append(self, actor: str, action: str, *, reference: str | None = None,
               detail: Mapping[str, Any] | None = None, at: dt.datetime | None = None) -> AuditEntry:
        """Add an entry at the end of the chain. Two writers racing for the same ``seq`` are
        sorted out by the primary key: the loser reads the new end and tries again."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        at = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        body = _canonical_detail(detail or {})
        for _ in range(_APPEND_ATTEMPTS):
            try:
                with Session(self._engine, future=True) as session, session.begin():
                    last = session.execute(
                        select(AuditRow.seq, AuditRow.mac).order_by(AuditRow.seq.desc()).limit(1)
                    ).first()
                    seq, prev_mac = (last.seq + 1, last.mac) if last else (1, GENESIS)
                    mac = self._mac(seq, at, actor, action, reference, body, prev_mac)
                    session.add(AuditRow(seq=seq, at=at, actor=actor, action=action, reference=reference,
                                         detail=body, prev_mac=prev_mac, mac=mac))
            except IntegrityError:
                continue
            self._advance_head(seq, mac)
            return AuditEntry(seq, at, actor, action, reference, json.loads(body), prev_mac, mac)
        raise RuntimeError("could not append to the audit log (too much contention)")

    def entries(self, *, reference: str | None = None, newest_first: bool = False,
                limit: int | None = None) -> list[AuditEntry]:
        query = select(AuditRow)
        if reference is not None:
            query = query.where(AuditRow.reference == reference)
        query = query.order_by(AuditRow.seq.desc() if newest_first else AuditRow.seq.asc())
        if limit is not None:
            query = query.limit(limit)
        with Session(self._engine, future=True) as session:
            return [_entry(row) for row in session.execute(query).scalars()]

    def _walk(self) -> Iterator[AuditRow]:
        with Session(self._engine, future=True) as session:
            query = select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
            yield from session.execute(query).scalars()

    def verify(self, max_problems: int = 20) -> Verification:
        """Walk the whole chain and say what, if anything, was changed."""
        result = Verification()
        expected_seq, prev_mac = 1, GENESIS
        macs: dict[int, str] = {}
        for row in self._walk():
            result.entries += 1
            if row.seq != expected_seq:
                result.problems.append(
                    f"entry {expected_seq} is missing (the next entry is {row.seq}): deleted"
                    if row.seq > expected_seq else f"entry {row.seq} is out of order"
                )
            if row.prev_mac != prev_mac:
                result.problems.append(
                    f"entry {row.seq} does not follow the entry before it: entries deleted, reordered or replaced"
                )
            computed = self._mac(row.seq, row.at, row.actor, row.action, row.reference, row.detail, row.prev_mac)
            if not hmac.compare_digest(computed, row.mac):
                result.problems.append(f"entry {row.seq} was altered (its MAC does not match)")
            macs[row.seq] = row.mac
            expected_seq, prev_mac = row.seq + 1, row.mac
            if len(result.problems) >= max_problems:
                return result
        try:
            head = self._read_head()
        except ValueError as error:
            result.problems.append(str(error))
            return result
        if head is not None:
            head_seq, head_mac = head
            if macs.get(head_seq) is None:
                result.problems.append(
                    f"the log ends at entry {expected_seq - 1} but entry {head_seq} was written: newest entries deleted"
                )
            elif not hmac.compare_digest(macs[head_seq], head_mac):
                result.problems.append(f"entry {head_seq} is not the entry that was written (replaced)")
        return result

    # --- the head file: the newest (seq, mac) we know was written, outside the database ------

    def _read_head(self) -> tuple[int, str] | None:
        if self._head_path is None:
            return None
        try:
            seq, mac = self._head_path.read_text(encoding="ascii").split()
            return int(seq), mac
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            raise ValueError(f"the audit head file {self._head_path} is unreadable") from None

    def _advance_head(self, seq: int, mac: str) -> None:
        if self._head_path is None:
            return
        try:
            current = self._read_head()
        except ValueError:
            current = None  # damaged: the new head replaces it
        if current is not None and current[0] >= seq:
            return  # another process got further; a head behind the end is still a valid anchor
        temporary = self._head_path.with_name(f".{HEAD_FILE}.{secrets.token_hex(4)}")
        temporary.write_text(f"{seq} {mac}\n", encoding="ascii")
        os.replace(temporary, self._head_path)


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.reference, json.loads(row.detail),
                      row.prev_mac, row.mac)
