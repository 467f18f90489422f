"""Is each record an officer reads what our intake or our console wrote?

Whoever can write to the database can also write rows that look like ours. So the console
checks, every time it shows something:

- a referral and each addition: the intake's Ed25519 signature over its statement
  (bot/origin.py), every signed field against the row, and the blob against the signed digest;
  a blob `keys reseal` replaced must carry the console's attestation of that (:meth:`reseal`);
- a referral's rating (priority, emergency, deadline): the row must show exactly the newest
  rating change (``rating_changes``, numbered): the intake's filing, an addition's escalation
  signed by the intake, or an officer's change MAC'd here. A rating set by plain SQL, or an
  officer's change undone behind the console's back, does not match;
- officers' case events (acknowledged, re-rated, decided, notes): a MAC under the console key.

Anything that fails is shown as such, with the reason, never as a normal record. What is not
caught here: a whole row deleted (the referral, an addition, a case event), which leaves no
trace a MAC could miss; the audit log and the case-management system's copy are the record.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.console.consolekey import ConsoleKey
from bot.origin import (
    ADDENDUM_FIELDS,
    REFERRAL_FIELDS,
    SEALING_FIELDS,
    STATE_FIELDS,
    NotFromIntake,
    Signer,
    Verifier,
    clear_value,
    differences,
    digest,
    parse,
    statement,
)
from bot.store import Store, StoredAddendum, StoredRatingChange, StoredReferral

NOT_OURS = "Not from our intake"
CASE_EVENT_FIELDS = (
    "reference",
    "kind",
    "at",
    "officer_id",
    "officer",
    "from_priority",
    "to_priority",
    "decision",
    "key_id",
    "suite",
)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    problem: Optional[str] = None  # for officers: what is wrong, in words

    @classmethod
    def bad(cls, problem: str) -> "Verdict":
        return cls(False, problem)


GOOD = Verdict(True)


@dataclass(frozen=True)
class ReferralCheck:
    origin: Verdict
    rating: Verdict
    # The rating our intake or an officer really set, when the row shows another one.
    trusted_rating: Optional[Mapping[str, Any]] = None
    resealed: bool = False

    @property
    def ok(self) -> bool:
        return self.origin.ok and self.rating.ok

    @property
    def problems(self) -> list[str]:
        return [v.problem for v in (self.origin, self.rating) if v.problem]


class Tampered(Exception):
    """A console record whose MAC does not match what it says."""


class ConsoleRecords:
    """What the console vouches for: MACs in the database, signatures on what it forwards."""

    def __init__(self, console_key: ConsoleKey) -> None:
        self._mac_key = console_key.record_mac_key
        self.signer = Signer(console_key.signing_key(), role="console")

    def statement(self, kind: str, fields: Mapping[str, Any], blob: Optional[bytes]) -> bytes:
        return statement(kind, fields, blob=blob, by=f"console:{self.signer.id}")

    def mac(self, signed: bytes) -> bytes:
        return hmac.new(self._mac_key, signed, hashlib.sha256).digest()

    def sign(self, signed: bytes) -> bytes:
        """The console's Ed25519 signature, for what it forwards (the receiver has no MAC key)."""
        return self.signer.sign_statement(signed)

    def check(self, signed: Optional[bytes], mac: Optional[bytes], kind: str) -> dict[str, Any]:
        if not signed or not mac:
            raise Tampered("it carries no MAC from the console")
        if not hmac.compare_digest(self.mac(bytes(signed)), bytes(mac)):
            raise Tampered("it does not match what the console wrote")
        body = parse(signed)
        if body.get("kind") != kind:
            raise Tampered(f"the console wrote it as a {body.get('kind')}, not a {kind}")
        return body

    # --- keys reseal -----------------------------------------------------------------------

    def reseal_statement(self, record: Any, purpose: str, original_blob: str) -> bytes:
        fields = {
            "reference": record.reference,
            "purpose": purpose,
            "original_blob": original_blob,
            "key_id": record.key_id,
            "suite": record.suite,
            "at": record.resealed_at,
        }
        return self.statement("reseal", fields, record.sealed)

    def reseal(self, record: Any, purpose: str, original_blob: str) -> bytes:
        """The attestation `keys reseal` stores: the console re-sealed the blob our intake signed
        (``original_blob``, its digest) to the unit's newest key, and this is the result."""
        return self.mac(self.reseal_statement(record, purpose, original_blob))


class Integrity:
    """Checks records against the intake's public signing keys and the console key."""

    def __init__(self, intake: Verifier, console: ConsoleRecords) -> None:
        self.intake = intake
        self.console = console

    def referral(
        self, row: StoredReferral, changes: Mapping[int, StoredRatingChange]
    ) -> ReferralCheck:
        try:
            signed = self.intake.check(row.origin, row.origin_sig, "referral")
        except NotFromIntake as problem:
            return ReferralCheck(
                Verdict.bad(f"{NOT_OURS}: {problem}."), Verdict.bad("The rating cannot be trusted.")
            )
        origin, resealed = self._origin(row, signed, REFERRAL_FIELDS, "referral")
        rating, trusted = self._rating(row, signed, changes)
        return ReferralCheck(origin, rating, trusted, resealed)

    def referrals(self, store: Store, references: list[str]) -> dict[str, ReferralCheck]:
        """A page of the queue's referrals, checked (one read of the rows and their ratings)."""
        changes = store.rating_changes(references)
        return {
            row.reference: self.referral(row, changes[row.reference])
            for row in store.get_many(references)
        }

    def addendum(self, addendum: StoredAddendum) -> Verdict:
        try:
            signed = self.intake.check(addendum.origin, addendum.origin_sig, "addendum")
        except NotFromIntake as problem:
            return Verdict.bad(f"{NOT_OURS}: {problem}.")
        verdict, _ = self._origin(addendum, signed, ADDENDUM_FIELDS, "addendum")
        return verdict

    def case_event(
        self, fields: Mapping[str, Any], sealed: Optional[bytes], mac: Optional[bytes]
    ) -> Verdict:
        """An officer's case event, from its stored columns (``fields``: CASE_EVENT_FIELDS)."""
        try:
            signed = self.console.check(self._case_statement(fields, sealed), mac, "case-event")
        except Tampered as problem:
            return Verdict.bad(f"Altered outside the console: {problem}.")
        return GOOD if signed else Verdict.bad("Altered outside the console.")

    def case_event_mac(self, fields: Mapping[str, Any], sealed: Optional[bytes]) -> bytes:
        return self.console.mac(self._case_statement(fields, sealed))

    def _case_statement(self, fields: Mapping[str, Any], sealed: Optional[bytes]) -> bytes:
        return self.console.statement(
            "case-event", {name: fields.get(name) for name in CASE_EVENT_FIELDS}, sealed
        )

    # --- the parts ------------------------------------------------------------------------

    def _origin(
        self, record: Any, signed: Mapping[str, Any], names: tuple[str, ...], purpose: str
    ) -> tuple[Verdict, bool]:
        fixed = tuple(n for n in names if n not in STATE_FIELDS and n not in SEALING_FIELDS)
        changed = differences(signed, record, fixed)
        if changed:
            return Verdict.bad(
                f"{NOT_OURS}: its {', '.join(changed)} changed after our intake signed it."
            ), False
        if digest(record.sealed) == signed.get("blob") and not differences(
            signed, record, ("key_id", "suite")
        ):
            return GOOD, False
        if record.reseal_mac is not None and record.resealed_at is not None:
            expected = self.console.reseal(record, purpose, str(signed.get("blob")))
            if hmac.compare_digest(expected, bytes(record.reseal_mac)):
                return GOOD, True
        return Verdict.bad(f"{NOT_OURS}: what is sealed is not what our intake sealed."), False

    def _rating(
        self,
        row: StoredReferral,
        filed: Mapping[str, Any],
        changes: Mapping[int, StoredRatingChange],
    ) -> tuple[Verdict, Optional[Mapping[str, Any]]]:
        newest = max(changes, default=0)
        expected: Mapping[str, Any] = filed
        if row.revision > 0 or newest > 0:
            change = changes.get(max(newest, row.revision))
            if change is None:
                return Verdict.bad(
                    "The rating was changed outside FamilyVoice: no rating change records it."
                ), None
            try:
                expected = self._change(change)
            except (NotFromIntake, Tampered) as problem:
                return Verdict.bad(
                    "The rating's latest change was not made by our intake or an officer: "
                    f"{problem}."
                ), None
        shown = {name: clear_value(getattr(row, name)) for name in STATE_FIELDS}
        trusted = {name: expected.get(name) for name in STATE_FIELDS}
        if newest > row.revision or shown != trusted:
            said = f"{trusted['priority']}{' EMERGENCY' if trusted['emergency'] else ''}"
            return Verdict.bad(
                "The rating was changed outside FamilyVoice: "
                f"our intake or an officer rated it {said}."
            ), trusted
        return GOOD, None

    def _change(self, change: StoredRatingChange) -> Mapping[str, Any]:
        if change.by == "intake":
            body = self.intake.check(change.statement, change.auth, "rating")
        else:
            body = self.console.check(change.statement, change.auth, "rating")
        if body.get("reference") != change.reference or body.get("revision") != change.revision:
            raise Tampered("it was written for another referral or revision")
        if change.by == "intake" and not (
            body.get("priority") == "RED" and body.get("emergency") is True
        ):
            # The intake only ever raises a referral to an emergency: a stolen signing key must
            # not be able to lower a rating.
            raise Tampered("the intake only ever raises a referral to an emergency")
        return body
