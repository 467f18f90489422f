"""`familyvoice keys reseal`: re-seal what is stored to the unit's newest key (officer side).

After `keys rotate`, old referrals still open with the retired keys the console keeps. Resealing
moves them onto the newest key (for instance onto X-Wing, for referrals sealed with X25519
alone, or off a key that may have leaked), so the old keys can one day be destroyed.

Who signs a resealed blob: nobody signs it as the intake. The officer side never holds the
intake's signing key, and must not: a key that can re-sign any blob could forge any referral.
So the intake's statement and signature are kept exactly as they were (they name the digest of
the blob the intake sealed), and beside the new blob the console stores an attestation,
``reseal_mac``: a MAC under the console key over "the blob with that digest, re-sealed to key K
with suite S at time T, is this one" (bot/console/integrity.py). The console accepts the new
blob only with both; the relay never sees resealed blobs (the outbox keeps what was sent).
Officers' notes and reasons are the console's own records: they are re-sealed and MAC'd again.

Nothing that does not verify is resealed: a forgery must not come out of here looking like a
record the console vouched for. It is left as it is, counted, and named in the report.

Per referral, one transaction covers the referral, its additions and its case events, each
updated only if it still holds the blob that was read (so a concurrent change is not lost: that
referral is simply left for the next run). Rows already sealed to the newest key are skipped,
so a run that stops half-way is resumed by running it again. Each referral resealed is one
``resealed`` entry in the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from typing import Callable

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection

from bot.console.audit import AuditLog
from bot.console.casework import PURPOSES
from bot.console.integrity import CASE_EVENT_FIELDS, Integrity
from bot.console.tables import CaseEventRow, OfficerRow
from bot.origin import parse
from bot.sealing import Sealer, UnitKeys
from bot.store import AddendumRow, ReferralRow, Store

log = structlog.get_logger(__name__)
ACTOR = "keys reseal"


@dataclass
class ResealReport:
    resealed: int = 0  # referrals with at least one blob moved to the newest key
    blobs: int = 0
    refused: list[str] = field(default_factory=list)  # references left as they are: did not verify
    changed_meanwhile: list[str] = field(default_factory=list)  # left for the next run


def pending(store: Store, newest: str) -> list[str]:
    """References with anything still sealed to an older key."""
    referrals, addenda, events = (
        ReferralRow.__table__,
        AddendumRow.__table__,
        CaseEventRow.__table__,
    )
    query = (
        select(referrals.c.reference)
        .where(
            or_(
                referrals.c.key_id != newest,
                referrals.c.reference.in_(
                    select(addenda.c.reference).where(addenda.c.key_id != newest)
                ),
                referrals.c.reference.in_(
                    select(events.c.reference).where(events.c.key_id != newest)
                ),
            )
        )
        .order_by(referrals.c.id)
    )
    with store.engine.connect() as connection:
        return [row.reference for row in connection.execute(query)]


def reseal_all(
    store: Store,
    unit_keys: UnitKeys,
    integrity: Integrity,
    audit: AuditLog,
    clock: Callable[[], dt.datetime],
) -> ResealReport:
    report = ResealReport()
    sealer = Sealer(unit_keys.public_key())
    for reference in pending(store, sealer.key_id):
        moved = _reseal_one(store, unit_keys, integrity, sealer, reference, clock(), report)
        if moved:
            report.resealed += 1
            report.blobs += moved
            audit.append(
                ACTOR, "resealed", reference=reference, detail={"to": sealer.key_id, "blobs": moved}
            )
    log.info(
        "keys.resealed",
        referrals=report.resealed,
        blobs=report.blobs,
        refused=len(report.refused),
        changed_meanwhile=len(report.changed_meanwhile),
    )
    return report


class _Changed(Exception):
    """A row no longer holds the blob that was read: leave this referral for the next run."""


def _reseal_one(
    store: Store,
    unit_keys: UnitKeys,
    integrity: Integrity,
    sealer: Sealer,
    reference: str,
    now: dt.datetime,
    report: ResealReport,
) -> int:
    row = store.get(reference)
    if row is None:
        return 0
    check = integrity.referral(row, store.rating_changes([reference])[reference])
    if not check.origin.ok:
        report.refused.append(reference)
        log.warning("keys.reseal_refused", reference=reference, what="referral")
        return 0
    addenda = store.addenda(reference)
    if any(not integrity.addendum(addendum).ok for addendum in addenda):
        report.refused.append(reference)
        log.warning("keys.reseal_refused", reference=reference, what="addition")
        return 0
    moved = 0
    try:
        with store.engine.begin() as connection:
            if row.key_id != sealer.key_id:
                _reseal_signed(
                    connection, ReferralRow, row, "referral", unit_keys, integrity, sealer, now
                )
                moved += 1
            for addendum in addenda:
                if addendum.key_id != sealer.key_id:
                    _reseal_signed(
                        connection,
                        AddendumRow,
                        addendum,
                        "addendum",
                        unit_keys,
                        integrity,
                        sealer,
                        now,
                        row_id=addendum.id,
                    )
                    moved += 1
            moved += _reseal_case_events(
                connection, reference, unit_keys, integrity, sealer, report
            )
    except _Changed:
        report.changed_meanwhile.append(reference)
        return 0
    return moved


def _reseal_signed(
    connection: Connection,
    table_row: type,
    record,
    purpose: str,
    unit_keys: UnitKeys,
    integrity: Integrity,
    sealer: Sealer,
    now: dt.datetime,
    row_id: int | None = None,
) -> None:
    plain = unit_keys.open(
        record.sealed, record.reference, purpose, suite=record.suite, key=record.key_id
    )
    sealed = sealer.seal(plain, record.reference, purpose)
    new = replace(
        record, sealed=sealed.blob, key_id=sealed.key_id, suite=sealed.suite, resealed_at=now
    )
    original = str(parse(record.origin or b"")["blob"])
    mac = integrity.console.reseal(new, purpose, original)
    table = table_row.__table__
    which = table.c.reference == record.reference if row_id is None else table.c.id == row_id
    done = connection.execute(
        update(table)
        .where(which, table.c.sealed == record.sealed)
        .values(
            sealed=sealed.blob,
            key_id=sealed.key_id,
            suite=sealed.suite,
            resealed_at=now,
            reseal_mac=mac,
        )
    )
    if done.rowcount != 1:
        raise _Changed(record.reference)


def _reseal_case_events(
    connection: Connection,
    reference: str,
    unit_keys: UnitKeys,
    integrity: Integrity,
    sealer: Sealer,
    report: ResealReport,
) -> int:
    table = CaseEventRow.__table__
    rows = connection.execute(
        select(table, OfficerRow.username)
        .join(OfficerRow, OfficerRow.id == table.c.officer_id)
        .where(
            table.c.reference == reference,
            table.c.sealed.is_not(None),
            table.c.key_id != sealer.key_id,
        )
    ).all()
    moved = 0
    for row in rows:
        fields = {
            **{name: getattr(row, name, None) for name in CASE_EVENT_FIELDS},
            "officer": row.username,
        }
        if not integrity.case_event(
            fields, bytes(row.sealed), None if row.mac is None else bytes(row.mac)
        ).ok:
            if reference not in report.refused:
                report.refused.append(reference)
            log.warning("keys.reseal_refused", reference=reference, what="case event")
            continue
        purpose = PURPOSES[row.kind]
        plain = unit_keys.open(
            bytes(row.sealed), reference, purpose, suite=row.suite, key=row.key_id
        )
        json.loads(
            plain
        )  # a note that opens but is not ours would fail here, before anything changes
        sealed = sealer.seal(plain, reference, purpose)
        fields.update(key_id=sealed.key_id, suite=sealed.suite)
        done = connection.execute(
            update(table)
            .where(table.c.id == row.id, table.c.sealed == row.sealed)
            .values(
                sealed=sealed.blob,
                key_id=sealed.key_id,
                suite=sealed.suite,
                mac=integrity.case_event_mac(fields, sealed.blob),
            )
        )
        if done.rowcount != 1:
            raise _Changed(reference)
        moved += 1
    return moved
