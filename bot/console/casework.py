"""What duty officers do to a referral: acknowledge it, re-rate it, decide, and write notes.

Reasons and notes can name the child or the family, so they are sealed to the unit's public key
exactly like referrals (purposes "rating-reason", "decision-note", "note", bound to the
reference) and only the console can read them back. The clear columns say what kind of thing
happened, when, by whom, and the codes (ratings, decision) the queue needs.

A changed rating also moves the referral in the queue: its priority and deadline are updated
(the deadline recomputed from when it was received; an emergency keeps its earlier one).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import sealing
from bot.console.accounts import Clock, Officer, utc_now
from bot.console.audit import AuditLog
from bot.console.tables import CaseEventRow, OfficerRow
from bot.deadlines import deadline_for
from bot.store import PRIORITY_RANK, ReferralRow, UnknownReference

DECISIONS = {
    "no_further_action": "No further action",
    "early_help": "Early help",
    "section_17": "Section 17 assessment (child in need)",
    "section_47": "Strategy discussion / section 47 enquiry",
    "police": "Passed to the police",
}
MAX_TEXT = 10_000
_PURPOSES = {"rating": "rating-reason", "decision": "decision-note", "note": "note"}


class CaseworkError(ValueError):
    """The officer's request cannot be done as asked; the message says what to fix."""


@dataclass(frozen=True)
class CaseEvent:
    kind: str
    at: dt.datetime
    officer: str
    from_priority: str | None
    to_priority: str | None
    decision: str | None
    text: str | None  # opened with the private key; None if there is none

    @property
    def decision_label(self) -> str | None:
        return DECISIONS.get(self.decision or "")


@dataclass(frozen=True)
class CaseState:
    """Where a referral stands, for the queue and the referral page."""

    assigned_to: str | None = None
    acknowledged_at: dt.datetime | None = None
    decision: str | None = None
    decided_at: dt.datetime | None = None
    rerated: bool = False

    @property
    def decision_label(self) -> str | None:
        return DECISIONS.get(self.decision or "")


def _clean(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise CaseworkError(f"Write {what}: it is kept with the record.")
    if len(text) > MAX_TEXT:
        raise CaseworkError(f"Keep {what} under {MAX_TEXT:,} characters.")
    return text


class Casework:
    def __init__(self, engine: Engine, public_key: X25519PublicKey, audit: AuditLog, clock: Clock = utc_now) -> None:
        self._engine = engine
        self._public_key = public_key
        self._key_id = sealing.key_id(public_key)
        self._audit = audit
        self._now = clock

    def _seal(self, reference: str, kind: str, text: str) -> dict[str, object]:
        sealed = sealing.seal(json.dumps({"text": text}, ensure_ascii=False).encode(), self._public_key,
                              reference, purpose=_PURPOSES[kind])
        return {"key_id": self._key_id, "suite": sealing.SUITE_NAME, "sealed": sealed}

    @staticmethod
    def _referral(session: Session, reference: str) -> ReferralRow:
        found = session.execute(select(ReferralRow).where(ReferralRow.reference == reference)).scalar_one_or_none()
        if found is None:
            raise UnknownReference(reference)
        return found

    def _record(self, session: Session, reference: str, officer: Officer, kind: str, **values: object) -> None:
        self._referral(session, reference)
        session.add(CaseEventRow(reference=reference, kind=kind, at=self._now(), officer_id=officer.id, **values))

    def acknowledge(self, reference: str, officer: Officer) -> None:
        """Acknowledge the referral and take it: the officer is now the one working on it."""
        with Session(self._engine, future=True) as session, session.begin():
            self._record(session, reference, officer, "acknowledged")
        self._audit.append(officer.username, "acknowledged", reference=reference)

    def change_rating(self, reference: str, officer: Officer, priority: str, reason: str) -> None:
        if priority not in PRIORITY_RANK:
            raise CaseworkError("Choose RED, AMBER or GREEN.")
        reason = _clean(reason, "the reason for the new rating")
        with Session(self._engine, future=True) as session, session.begin():
            row = self._referral(session, reference)
            old = row.priority
            if old == priority:
                raise CaseworkError(f"The referral is already rated {priority}.")
            self._record(session, reference, officer, "rating", from_priority=old, to_priority=priority,
                         **self._seal(reference, "rating", reason))
            new_deadline = deadline_for(priority, row.received_at)
            row.priority, row.priority_rank = priority, PRIORITY_RANK[priority]
            row.deadline = min(row.deadline, new_deadline) if row.emergency else new_deadline
        self._audit.append(officer.username, "rating_changed", reference=reference,
                           detail={"from": old, "to": priority})

    def decide(self, reference: str, officer: Officer, decision: str, note: str) -> None:
        if decision not in DECISIONS:
            raise CaseworkError("Choose one of the decisions listed.")
        note = _clean(note, "a note on the decision")
        with Session(self._engine, future=True) as session, session.begin():
            self._record(session, reference, officer, "decision", decision=decision,
                         **self._seal(reference, "decision", note))
        self._audit.append(officer.username, "decision", reference=reference, detail={"decision": decision})

    def add_note(self, reference: str, officer: Officer, text: str) -> None:
        text = _clean(text, "the note")
        with Session(self._engine, future=True) as session, session.begin():
            self._record(session, reference, officer, "note", **self._seal(reference, "note", text))
        self._audit.append(officer.username, "note", reference=reference)

    def history(self, reference: str, private_key: X25519PrivateKey) -> list[CaseEvent]:
        """Everything done to the referral, oldest first, reasons and notes opened."""
        query = (
            select(CaseEventRow, OfficerRow.username)
            .join(OfficerRow, OfficerRow.id == CaseEventRow.officer_id)
            .where(CaseEventRow.reference == reference)
            .order_by(CaseEventRow.id)
        )
        with Session(self._engine, future=True) as session:
            rows = session.execute(query).all()
        events = []
        for row, username in rows:
            text = None
            if row.sealed is not None:
                opened = sealing.open_sealed(bytes(row.sealed), private_key, reference,
                                             purpose=_PURPOSES[row.kind], suite=row.suite)
                text = json.loads(opened)["text"]
            events.append(CaseEvent(row.kind, row.at, username, row.from_priority, row.to_priority, row.decision, text))
        return events

    def states(self, references: Iterable[str]) -> dict[str, CaseState]:
        """Where each referral stands (one query for a page of the queue)."""
        references = list(references)
        if not references:
            return {}
        query = (
            select(CaseEventRow.reference, CaseEventRow.kind, CaseEventRow.at, CaseEventRow.decision, OfficerRow.username)
            .join(OfficerRow, OfficerRow.id == CaseEventRow.officer_id)
            .where(CaseEventRow.reference.in_(references), CaseEventRow.kind != "note")
            .order_by(CaseEventRow.id)
        )
        found: dict[str, dict[str, object]] = {}
        with Session(self._engine, future=True) as session:
            for reference, kind, at, decision, username in session.execute(query):
                state = found.setdefault(reference, {})
                if kind == "acknowledged":
                    state.update(assigned_to=username, acknowledged_at=at)
                elif kind == "decision":
                    state.update(decision=decision, decided_at=at)
                elif kind == "rating":
                    state["rerated"] = True
        return {reference: CaseState(**values) for reference, values in found.items()}  # type: ignore[arg-type]
