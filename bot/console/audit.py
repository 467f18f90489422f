"""The audit log: every login, failed login, opening, rating change and decision, hash-chained.

Entry ``seq`` (1, 2, 3... with no gaps) carries ``mac = HMAC-SHA256(key, canonical(seq, at,
actor, action, reference, detail, prev_mac))`` where ``prev_mac`` is the previous entry's mac.
The key comes from the console key file, never the database, so somebody who can write to the
database cannot make a change that :func:`AuditLog.verify` does not see:
- an edited entry no longer matches its mac;
- a deleted entry leaves a gap in ``seq`` (or, if the rest is renumbered, broken macs);
- reordered entries break the chain of ``prev_mac``;
- deleting the newest entries is caught by the anchors outside the database
  (bot/console/audit_anchors.py): the head file, and signed checkpoints in the console's log.

Every append first checks that the database's chain still reaches the head. If it does not,
nothing more goes into the database (new entries with valid MACs would fill the gap and hide
it). The alarm is raised instead: an ``audit.alarm`` line in the log (ERROR), a banner on every
console page, ``audit verify`` failing; and the entry is kept aside in ``audit.pending`` with
its own MAC, so officers go on working and everything they do is still recorded. ``familyvoice
audit resume`` ends the alarm once the cause is known: it appends a ``chain_resumed`` entry
saying which entries were lost, then the entries kept aside; ``verify`` reports that loss as
acknowledged from then on.

Entries hold no note, name, message or password: the actor is an officer's username (or
"unknown" for a failed login with a username we do not know), the rest is codes and references.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import structlog
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.console.audit_anchors import (
    CHECKPOINT_EVENT, Anchors, Checkpoint, HeadUnreadable, sign_checkpoint,
)
from bot.console.consolekey import ConsoleKey
from bot.console.tables import AuditRow

log = structlog.get_logger(__name__)

GENESIS = "0" * 64
CHECKPOINT_EVERY = 100  # entries, and at least every CHECKPOINT_INTERVAL seconds of appends
CHECKPOINT_INTERVAL = 300.0
_APPEND_ATTEMPTS = 20
_ALARM_LOG_EVERY = 60.0  # seconds: the alarm is repeated in the log, not on every append

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
    "officer_unlocked": "account unlocked",
    "source_throttled": "sign-ins refused from one address after many failures",
    "chain_resumed": "audit log resumed after entries were lost",
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


def _canonical_detail(detail: Mapping[str, Any]) -> str:
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


class AuditError(Exception):
    """An audit command that cannot be done; the message says why."""


Sink = Callable[[Checkpoint], None]


def log_checkpoint(checkpoint: Checkpoint) -> None:
    log.info(CHECKPOINT_EVENT, **checkpoint.as_log_fields())


class AuditLog:
    """The chain in the database, held against its anchors in ``anchors_dir`` (the keys
    directory) and checkpointed, signed with ``signing_key``, into ``sink`` (the log)."""

    def __init__(self, engine: Engine, mac_key: bytes, anchors_dir: Path | None = None,
                 signing_key: Ed25519PrivateKey | None = None, sink: Sink = log_checkpoint) -> None:
        self._engine = engine
        self._key = mac_key
        self.anchors = Anchors(anchors_dir, mac_key)
        self._signing_key = signing_key
        self._sink = sink
        self._alarm: str | None = None
        self._alarm_logged: tuple[str | None, float] = (None, 0.0)
        self._checkpointed: tuple[int, float] = (0, 0.0)  # seq, time.monotonic()

    @property
    def alarm(self) -> str | None:
        """What is wrong with the chain, as last found by this process; None if nothing."""
        return self._alarm

    def mac(self, seq: int, at: dt.datetime, actor: str, action: str, reference: str | None,
            detail: str, prev_mac: str) -> str:
        message = json.dumps([seq, _utc(at), actor, action, reference, detail, prev_mac],
                             separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def append(self, actor: str, action: str, *, reference: str | None = None,
               detail: Mapping[str, Any] | None = None,
               at: dt.datetime | None = None) -> AuditEntry:
        """Add an entry at the end of the chain, or keep it aside if the chain is broken (then
        its ``seq`` is 0). One writer at a time on this host (the anchors' lock); a writer on
        another host racing for the same ``seq`` loses on the primary key and tries again."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        at = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        body = _canonical_detail(detail or {})
        with self.anchors.locked():
            for _ in range(_APPEND_ATTEMPTS):
                try:
                    with Session(self._engine, future=True) as session, session.begin():
                        last = _last(session)
                        problem = self._broken(session, last)
                        if problem is None:
                            seq, prev_mac = (last.seq + 1, last.mac) if last else (1, GENESIS)
                            mac = self.mac(seq, at, actor, action, reference, body, prev_mac)
                            session.add(AuditRow(seq=seq, at=at, actor=actor, action=action,
                                                 reference=reference, detail=body,
                                                 prev_mac=prev_mac, mac=mac))
                except IntegrityError:
                    continue
                if problem is not None:
                    self.anchors.keep_aside(_utc(at), actor, action, reference, body)
                    break
                self.anchors.advance_head(seq, mac)
                break
            else:
                raise RuntimeError("could not append to the audit log (too much contention)")
        if problem is not None:
            self._raise_alarm(problem)
            return AuditEntry(0, at, actor, action, reference, json.loads(body), "", "")
        self._alarm = None
        self._maybe_checkpoint(seq, mac)
        return AuditEntry(seq, at, actor, action, reference, json.loads(body), prev_mac, mac)

    def _broken(self, session: Session, last: Any) -> str | None:
        """Why appending to the database would hide something; None if the chain is whole."""
        if not self.anchors.enabled:
            return None
        problem = self._short_of_head(session, last)
        if problem is None and self.anchors.has_kept_aside():  # e.g. the rows were restored
            problem = ("audit entries are kept aside in audit.pending: they go into the chain "
                       "first (familyvoice audit resume)")
        return problem

    def _short_of_head(self, session: Session, last: Any) -> str | None:
        try:
            head = self.anchors.read_head()
        except HeadUnreadable as unreadable:
            return str(unreadable)
        end = last.seq if last is not None else 0
        if head is None:
            if last is None:
                return None  # a new log
            return (f"the audit head file is missing while the database holds entries up to "
                    f"{end}: whether newer ones were deleted cannot be told")
        head_seq, head_mac = head
        if end < head_seq:
            return (f"the audit log in the database ends at entry {end} but entry {head_seq} "
                    f"was written: newest entries deleted")
        mac = last.mac if end == head_seq else session.execute(
            select(AuditRow.mac).where(AuditRow.seq == head_seq)).scalar()
        if mac is None:
            return f"entry {head_seq}, the newest written, is missing from the database: deleted"
        if not hmac.compare_digest(mac, head_mac):
            return f"entry {head_seq} is not the entry that was written (replaced)"
        return None

    def _raise_alarm(self, problem: str) -> None:
        self._alarm = problem
        said, when = self._alarm_logged
        if said != problem or time.monotonic() - when >= _ALARM_LOG_EVERY:
            log.error("audit.alarm", problem=problem,
                      action="officers can go on working; entries are kept aside until "
                             "`familyvoice audit resume`; run `familyvoice audit verify`")
            self._alarm_logged = (problem, time.monotonic())

    # --- checkpoints ---------------------------------------------------------------------------

    def check(self) -> str | None:
        """Does the chain still reach its head? Raises or clears the alarm, and signs a
        checkpoint if the chain has moved on since the last one. Run at start and every
        ``CHECKPOINT_INTERVAL`` seconds by the console."""
        with self.anchors.locked(), Session(self._engine, future=True) as session:
            last = _last(session)
            problem = self._broken(session, last)
        if problem is not None:
            self._raise_alarm(problem)
            return problem
        self._alarm = None
        if last is not None and last.seq != self._checkpointed[0]:
            self._checkpoint(last.seq, last.mac)
        return None

    def _maybe_checkpoint(self, seq: int, mac: str) -> None:
        waited = time.monotonic() - self._checkpointed[1]
        if seq % CHECKPOINT_EVERY == 0 or waited >= CHECKPOINT_INTERVAL:
            self._checkpoint(seq, mac)

    def _checkpoint(self, seq: int, mac: str) -> None:
        if self._signing_key is None:
            return
        self._sink(sign_checkpoint(self._signing_key, seq, mac, dt.datetime.now(dt.timezone.utc)))
        self._checkpointed = (seq, time.monotonic())

    @property
    def checkpoint_public_key(self) -> Ed25519PublicKey | None:
        return self._signing_key.public_key() if self._signing_key is not None else None

    # --- after the alarm -----------------------------------------------------------------------

    def resume(self, actor: str = "cli") -> AuditEntry:
        """Accept the chain as it now stands: record what it lost in a ``chain_resumed`` entry,
        then append the entries kept aside, and move the head to the new end."""
        now = dt.datetime.now(dt.timezone.utc)
        with self.anchors.locked():
            kept, unverified = self.anchors.kept_aside()
            with Session(self._engine, future=True) as session, session.begin():
                last = _last(session)
                problem = self._broken(session, last)
                if problem is None:
                    raise AuditError("The audit log reaches its head and nothing is kept aside: "
                                     "there is nothing to resume.")
                try:
                    head = self.anchors.read_head()
                except HeadUnreadable:
                    head = None
                end, prev_mac = (last.seq, last.mac) if last is not None else (0, GENESIS)
                head_seq, head_mac = head or (0, "")
                detail = {"db_end": end, "head_seq": head_seq, "head_mac": head_mac,
                          "kept_aside": len(kept), "kept_aside_unverified": unverified}
                rows = [(max(end, head_seq) + 1, now, actor, "chain_resumed", None,
                         _canonical_detail(detail))]
                rows += [(rows[0][0] + n, dt.datetime.fromisoformat(entry["at"]), entry["actor"],
                          entry["action"], entry["reference"], entry["detail"])
                         for n, entry in enumerate(kept, start=1)]
                for seq, at, who, action, reference, body in rows:
                    mac = self.mac(seq, at, who, action, reference, body, prev_mac)
                    session.add(AuditRow(seq=seq, at=at, actor=who, action=action,
                                         reference=reference, detail=body, prev_mac=prev_mac,
                                         mac=mac))
                    prev_mac = mac
            self.anchors.advance_head(rows[-1][0], prev_mac)
            self.anchors.forget_kept_aside()
        self._alarm = None
        log.warning("audit.resumed", db_end=end, head_seq=head_seq, kept_aside=len(kept))
        self._checkpoint(rows[-1][0], prev_mac)
        seq, at, who, action, reference, body = rows[0]
        return AuditEntry(seq, at, who, action, reference, detail, "", "")

    # --- reading -------------------------------------------------------------------------------

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

    def walk(self) -> Iterator[AuditRow]:
        with Session(self._engine, future=True) as session:
            query = select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
            yield from session.execute(query).scalars()


def open_audit_log(engine: Engine, key: ConsoleKey, keys_dir: Path) -> AuditLog:
    """The console's audit log: MAC'd and signed with keys from ``console.key``, anchored in
    the keys directory beside it."""
    return AuditLog(engine, key.audit_mac_key, keys_dir, key.checkpoint_signing_key)


def _last(session: Session) -> Any:
    return session.execute(
        select(AuditRow.seq, AuditRow.mac).order_by(AuditRow.seq.desc()).limit(1)).first()

def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, row.reference, json.loads(row.detail),
                      row.prev_mac, row.mac)
