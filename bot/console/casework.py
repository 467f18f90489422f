"""What duty officers do to a referral: acknowledge it, re-rate it, decide, and write notes.

Reasons and notes can name the child or the family, so they are sealed to the unit's public key
exactly like referrals (purposes "rating-reason", "decision-note", "note", bound to the
reference) and only the console can read them back. The clear columns say what kind of thing
happened, when, by whom, and the codes (ratings, decision) the queue needs.

A changed rating also moves the referral in the queue: its priority and deadline are updated
(the deadline recomputed from when it was received; an emergency keeps its earlier one), by a
numbered rating change MAC'd under the console key (bot/store.py, bot/console/integrity.py).
Every case event is MAC'd too, so one edited or inserted with plain SQL shows as altered.

With forwarding on, rating changes and decisions go to the outbox in the same transaction,
signed with the console's forwarding key (bot/outbox.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot import outbox, sealing
from bot.console.accounts import Clock, Officer, utc_now
from bot.console.audit import AuditLog
from bot.console.integrity import Integrity, Verdict
from bot.console.tables import CaseEventRow, OfficerRow
from bot.deadlines import deadline_for
from bot.ratings import RatingChange, RatingState, apply_rating_change
from bot.store import PRIORITY_RANK, ReferralRow, UnknownReference

DECISIONS = {
    "no_further_action": "No further action",
    "early_help": "Early help",
    "section_17": "Section 17 assessment (child in need)",
    "section_47": "Strategy discussion / section 47 enquiry",
    "police": "Passed to the police",
}
MAX_TEXT = 10_000
PURPOSES = {"rating": "rating-reason", "decision": "decision-note", "note": "note"}


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
    text: str | None  # opened with the private key; None if there is none (or it was altered)
    verdict: Verdict = Verdict(True)

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
    problem: str | None = None  # an event behind this state was altered outside the console

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
    def __init__(
        self,
        engine: Engine,
        public_key: sealing.UnitPublicKey,
        audit: AuditLog,
        clock: Clock = utc_now,
        *,
        integrity: Integrity,
        forward: bool = False,
    ) -> None:
        self._engine = engine
        self._sealer = sealing.Sealer(public_key)
        self._audit = audit
        self._now = clock
        self._integrity = integrity
        self._forward = forward  # also tell the case-management system (bot/outbox.py)

    def _seal(self, reference: str, kind: str, text: str) -> dict[str, object]:
        sealed = self._sealer.seal(
            json.dumps({"text": text}, ensure_ascii=False).encode(),
            reference,
            purpose=PURPOSES[kind],
        )
        return {"key_id": sealed.key_id, "suite": sealed.suite, "sealed": sealed.blob}

    @staticmethod
    def _referral(session: Session, reference: str) -> ReferralRow:
        found = session.execute(
            select(ReferralRow).where(ReferralRow.reference == reference)
        ).scalar_one_or_none()
        if found is None:
            raise UnknownReference(reference)
        return found

    def _record(
        self, session: Session, reference: str, officer: Officer, kind: str, **values: object
    ) -> CaseEventRow:
        self._referral(session, reference)
        row = CaseEventRow(
            reference=reference, kind=kind, at=self._now(), officer_id=officer.id, **values
        )
        fields = {
            **values,
            "reference": reference,
            "kind": kind,
            "at": row.at,
            "officer_id": officer.id,
            "officer": officer.username,
        }
        row.mac = self._integrity.case_event_mac(fields, values.get("sealed"))  # type: ignore[arg-type]
        session.add(row)
        return row

    def acknowledge(self, reference: str, officer: Officer) -> None:
        """Acknowledge the referral and take it: the officer is now the one working on it."""
        with Session(self._engine, future=True) as session, session.begin():
            self._record(session, reference, officer, "acknowledged")
        self._audit.append(officer.username, "acknowledged", reference=reference)

    def change_rating(self, reference: str, officer: Officer, priority: str, reason: str) -> None:
        if priority not in PRIORITY_RANK:
            raise CaseworkError("Choose RED, AMBER or GREEN.")
        reason = _clean(reason, "the reason for the new rating")
        now = self._now()
        seen: dict[str, str] = {}

        def rerate(current: RatingState) -> RatingChange:
            if current.priority == priority:
                raise CaseworkError(f"The referral is already rated {priority}.")
            seen["from"] = current.priority
            new_deadline = deadline_for(priority, current.received_at)
            deadline = min(current.deadline, new_deadline) if current.emergency else new_deadline
            fields = {
                "reference": reference,
                "revision": current.revision + 1,
                "at": now,
                "priority": priority,
                "emergency": current.emergency,
                "deadline": deadline,
                "cause": f"officer:{officer.username}",
            }
            signed = self._integrity.console.statement("rating", fields, None)
            return RatingChange(
                reference,
                current.revision + 1,
                now,
                priority,
                current.emergency,
                deadline,
                "console",
                signed,
                self._integrity.console.mac(signed),
            )

        with Session(self._engine, future=True) as session, session.begin():
            # The rating first: it locks the referral, so two officers re-rating at once take turns.
            change = apply_rating_change(session.connection(), reference, rerate)
            assert change is not None
            self._record(
                session,
                reference,
                officer,
                "rating",
                from_priority=seen["from"],
                to_priority=priority,
                **self._seal(reference, "rating", reason),
            )
            if self._forward:
                signature = self._integrity.console.sign(change.statement)
                outbox.write(session.connection(), [outbox.rating_row(change, now, signature)])
        self._audit.append(
            officer.username,
            "rating_changed",
            reference=reference,
            detail={"from": seen["from"], "to": priority},
        )

    def decide(self, reference: str, officer: Officer, decision: str, note: str) -> None:
        if decision not in DECISIONS:
            raise CaseworkError("Choose one of the decisions listed.")
        note = _clean(note, "a note on the decision")
        with Session(self._engine, future=True) as session, session.begin():
            sealed = self._seal(reference, "decision", note)
            row = self._record(session, reference, officer, "decision", decision=decision, **sealed)
            if self._forward:
                session.flush()  # the event's id names the message
                self._forward_decision(session, row, officer)
        self._audit.append(
            officer.username, "decision", reference=reference, detail={"decision": decision}
        )

    def _forward_decision(self, session: Session, row: CaseEventRow, officer: Officer) -> None:
        fields = {
            "reference": row.reference,
            "at": row.at,
            "officer": officer.username,
            "decision": row.decision,
            "key_id": row.key_id,
            "suite": row.suite,
        }
        console = self._integrity.console
        signed = console.statement("decision", fields, row.sealed)
        message = outbox.decision_row(
            row.id,
            {**fields, "sealed": row.sealed},
            signed,
            console.sign(signed),
            dt.datetime.now(dt.timezone.utc),
        )
        outbox.write(session.connection(), [message])

    def add_note(self, reference: str, officer: Officer, text: str) -> None:
        text = _clean(text, "the note")
        with Session(self._engine, future=True) as session, session.begin():
            self._record(session, reference, officer, "note", **self._seal(reference, "note", text))
        self._audit.append(officer.username, "note", reference=reference)

    def _verdict(self, row: CaseEventRow, username: str) -> Verdict:
        fields = {name: getattr(row, name, None) for name in _EVENT_COLUMNS}
        return self._integrity.case_event(
            {**fields, "officer": username},
            None if row.sealed is None else bytes(row.sealed),
            None if row.mac is None else bytes(row.mac),
        )

    def history(self, reference: str, unit_keys: sealing.UnitKeys) -> list[CaseEvent]:
        """Everything done to the referral, oldest first, reasons and notes opened.

        An event altered outside the console is listed as such, its text not shown."""
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
            verdict = self._verdict(row, username)
            text = None
            if row.sealed is not None and verdict.ok and row.kind in PURPOSES:
                opened = unit_keys.open(
                    bytes(row.sealed),
                    reference,
                    PURPOSES[row.kind],
                    suite=row.suite,
                    key=row.key_id,
                )
                text = json.loads(opened)["text"]
            events.append(
                CaseEvent(
                    row.kind,
                    row.at,
                    username,
                    row.from_priority,
                    row.to_priority,
                    row.decision,
                    text,
                    verdict,
                )
            )
        return events

    def states(self, references: Iterable[str]) -> dict[str, CaseState]:
        """Where each referral stands (one query for a page of the queue)."""
        references = list(references)
        if not references:
            return {}
        query = (
            select(CaseEventRow, OfficerRow.username)
            .join(OfficerRow, OfficerRow.id == CaseEventRow.officer_id)
            .where(CaseEventRow.reference.in_(references), CaseEventRow.kind != "note")
            .order_by(CaseEventRow.id)
        )
        found: dict[str, dict[str, object]] = {}
        with Session(self._engine, future=True) as session:
            for row, username in session.execute(query):
                state = found.setdefault(row.reference, {})
                verdict = self._verdict(row, username)
                if not verdict.ok:
                    state["problem"] = f"A case event was altered outside the console ({row.kind})."
                    continue
                if row.kind == "acknowledged":
                    state.update(assigned_to=username, acknowledged_at=row.at)
                elif row.kind == "decision":
                    state.update(decision=row.decision, decided_at=row.at)
                elif row.kind == "rating":
                    state["rerated"] = True
        return {reference: CaseState(**values) for reference, values in found.items()}  # type: ignore[arg-type]


_EVENT_COLUMNS = (
    "reference",
    "kind",
    "at",
    "officer_id",
    "from_priority",
    "to_priority",
    "decision",
    "key_id",
    "suite",
)
