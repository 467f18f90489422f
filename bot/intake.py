"""From a finished conversation to a sealed, triaged referral in the unit's queue.

The intake side holds only the unit's PUBLIC key: once sealed, not even this process can
read a referral back. The row keeps what the queue needs (rating, deadline, status) and
nothing that identifies the child or the reporter. Everything it writes is also signed with the
intake's signing key (bot/origin.py), so the console can tell it from a database writer's forgery.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Connection

from bot import indicators, origin, outbox, sealing, transcript
from bot.config import Settings
from bot.extraction import parse_age
from bot.keys import load_intake_secret, load_sealing_key
from bot.signing_keys import load_signing_key
from bot.references import new_reference
from bot.extraction_contact import contact_by
from bot.extraction_mash import household_members
from bot.referral import Attachment, Child, Concern, PersonOfConcern, PreviousReports, Referral, Reporter, Source
from bot.slots import ANONYMOUS, NO, YES, is_known
from bot.ratings import RatingChange, RatingState, apply_rating_change
from bot.store import AlreadyFiled, DuplicateReference, Store, StoredReferral
from bot.triage import apply as apply_triage
from bot.triage import triage

# Issue 6, linking: blind indexes over the child's identity find earlier referrals (R-REPEAT).
from bot import followup, linking, linking_store
from bot.keys import load_linking_secret
from bot.linking import ChildIdentity


@dataclass(frozen=True)
class Receipt:
    reference: str
    priority: str
    emergency: bool
    deadline: datetime
    status: str


def _text(answers: Mapping[str, Any], slot: str) -> str | None:
    value = answers.get(slot)
    return str(value) if is_known(value) else None


def _yes_no(answers: Mapping[str, Any], slot: str) -> bool | None:
    return {YES: True, NO: False}.get(answers.get(slot))  # type: ignore[arg-type]


def _age(text: str | None) -> float | None:
    return parse_age(text) if text else None


def _children(answers: Mapping[str, Any]) -> list[Child]:
    """Each child the report is about, the first from the answers she may have corrected at the
    read-back. Area, school and where they are now are shared unless she said otherwise."""
    shared = {
        "area": _text(answers, "child_area"),
        "school": _text(answers, "child_school"),
        "where_now": _text(answers, "child_where_now"),
        "first_language": _text(answers, "first_language"),
        "interpreter_needed": _yes_no(answers, "interpreter_needed"),
    }
    first_age = _text(answers, "child_age")
    first = Child(name=_text(answers, "child_name"), age_text=first_age, age_years=_age(first_age),
                  additional_needs=_text(answers, "additional_needs"), **shared)
    children = [first]
    for told in list(answers.get("children") or [])[1:]:
        if not isinstance(told, Mapping):
            continue
        name = told.get("name") if is_known(told.get("name")) else None
        age = told.get("age") if is_known(told.get("age")) else None
        children.append(Child(name=name, age_text=age, age_years=_age(age), **shared))
    return children


def build_referral(
    answers: Mapping[str, Any],
    events: Iterable[dict[str, Any]],
    *,
    reference: str,
    received_at: datetime,
    channel: str,
    status: str,
) -> Referral:
    """The referral exactly as told: unknown answers stay None, free text stays verbatim, and
    every category comes with her own words beside it."""
    turns = transcript.turns(events)
    reporter_name = answers.get("reporter_name")
    relationship_to_child = _text(answers, "poc_relationship")
    children = _children(answers)
    household = _text(answers, "household")
    contact = _text(answers, "contact_method")
    referral = Referral(
        reference=reference,
        received_at=received_at.isoformat(),
        channel=channel,
        status=status,
        child=children[0],
        children=children,
        concern=Concern(
            description=_text(answers, "concern_description") or _text(answers, "concern_opening"),
            when=_text(answers, "concern_when"),
            injuries_seen=_yes_no(answers, "injuries_seen"),
            injuries_detail=_text(answers, "injuries_detail"),
            child_said=_text(answers, "child_said"),
        ),
        person_of_concern=PersonOfConcern(
            description=_text(answers, "poc_description"),
            relationship_to_child=relationship_to_child,
            relationship_words=_text(answers, "poc_relationship_words")
            or (_text(answers, "poc_description") if relationship_to_child else None),
            lives_with_child=_yes_no(answers, "poc_lives_with_child"),
        ),
        household=household,
        household_members=household_members(household),
        other_children_in_home=_yes_no(answers, "other_children_in_home"),
        other_children=_text(answers, "other_children"),
        source=Source(kind=_text(answers, "source"), words=_text(answers, "source_words")),
        previous_reports=PreviousReports(
            reported_before=_yes_no(answers, "reported_before"),
            to_whom=_text(answers, "reported_to"),
        ),
        reporter=Reporter(
            name=None if reporter_name == ANONYMOUS else _text(answers, "reporter_name"),
            relationship=_text(answers, "reporter_relationship"),
            relationship_words=_text(answers, "reporter_relationship_words"),
            anonymous=reporter_name == ANONYMOUS,
            contact=contact,
            contact_by=contact_by(contact),
            safe_to_contact=_yes_no(answers, "safe_to_contact"),
            safe_times=_text(answers, "safe_times"),
        ),
        parent_aware=_yes_no(answers, "parent_aware"),
        parent_aware_words=_text(answers, "parent_aware_words"),
        parent_unaware_why=_text(answers, "parent_unaware_why"),
        unanswered=list(answers.get("unanswered") or []),
        corrections=list(answers.get("corrections") or []),
        transcript=turns,
    )
    referral.concern.types = indicators.concern_types(referral.reporter_words())
    return referral


class Intake:
    def __init__(
        self,
        store: Store,
        public_key: sealing.UnitPublicKey,
        intake_secret: bytes,
        *,
        forward: bool = False,
        linking_secret: bytes | None = None,
        signing_key: Ed25519PrivateKey | None = None,
    ) -> None:
        self.store = store
        # Without a linking secret of its own (tests, embedding), one is derived from the intake
        # secret; `from_settings` always passes the one in linking_secret.key.
        self.linker = linking.BlindIndexer(linking_secret or _derived_linking_secret(intake_secret))
        self.forward = forward  # also queue each referral for the case-management system
        self.public_key = public_key
        self._secret = intake_secret
        self._sealer = sealing.Sealer(public_key)
        # Without a signing key (tests, embedding) a throwaway one: what it signs verifies only
        # against ``self.signer.public_key``. `from_settings` always loads intake_signing.pem.
        self.signer = origin.Signer(signing_key or Ed25519PrivateKey.generate())

    @classmethod
    def from_settings(cls, settings: Settings) -> "Intake":
        store = Store(settings.db_url)
        store.create_all()
        return cls(
            store,
            load_sealing_key(settings.public_key_path),
            load_intake_secret(settings.intake_secret_path),
            forward=settings.forward_url is not None,
            linking_secret=load_linking_secret(settings.linking_secret_path),
            signing_key=load_signing_key(settings.signing_key_path),
        )

    def conversation_key(self, conversation_id: str, events: Iterable[dict[str, Any]]) -> str:
        # Keyed, so a phone number used as a conversation id cannot be recovered by guessing.
        started = transcript.report_started_at(events)
        return hmac.new(self._secret, f"{conversation_id}|{started}".encode(), hashlib.sha256).hexdigest()

    def submit(
        self,
        answers: Mapping[str, Any],
        events: list[dict[str, Any]],
        *,
        channel: str,
        conversation_id: str,
        status: str = "complete",
        now: datetime | None = None,
        attachments: Iterable[Attachment] = (),
    ) -> Receipt:
        """Seal and queue a report, once per conversation: whoever else submits it, at any
        time or at the same moment (sweeper, SMS close, another worker), gets the receipt of
        the one referral that is filed.

        ``attachments`` (e.g. photos sent by MMS) are sealed inside the referral itself; any
        the filed referral lacks are added to it.
        """
        attachments = list(attachments)  # used on every try below
        conversation_key = self.conversation_key(conversation_id, events)
        filed = self.store.filed(conversation_key)  # saves the work; the claim below is the guard
        if filed is not None:
            return self._already_filed(filed, conversation_key, attachments)

        received_at = now or datetime.now(timezone.utc)
        indexes = [self.linker.indexes(identity, received_at) for identity in children_identities(answers)]
        links = linking_store.find_links(self.store, indexes, before=received_at)
        for _ in range(5):
            reference = new_reference()
            referral = build_referral(
                answers, events, reference=reference, received_at=received_at, channel=channel, status=status
            )
            referral.linked_references = [link.as_dict() for link in links]
            result = triage(referral, received_at, linking_store.within_repeat_window(links, received_at))
            referral = apply_triage(referral, result)
            referral.attachments = list(attachments)
            sealed = self._sealer.seal(referral.to_json().encode(), reference)
            row = self._signed(StoredReferral(
                reference=reference,
                received_at=received_at,
                channel=channel,
                status=status,
                priority=result.priority,
                emergency=result.emergency,
                deadline=result.deadline,
                key_id=sealed.key_id,
                suite=sealed.suite,
                sealed=sealed.blob,
                conversation_key=conversation_key,
            ))
            try:
                self.store.add_referral(
                    row, forward=self.forward,
                    also=linking_store.rows(reference, indexes, links, received_at),
                    attachments=[self._digest(attachment) for attachment in attachments],
                )
            except AlreadyFiled as first:  # sealed at the same moment by someone else
                return self._already_filed(first, conversation_key, attachments)
            except DuplicateReference:
                continue  # 40 random bits: a clash is rare, and a new reference fixes it
            return Receipt(reference, result.priority, result.emergency, result.deadline, status)
        raise RuntimeError("could not allocate a unique reference")

    def _already_filed(self, filed: AlreadyFiled, conversation_key: str,
                       attachments: list[Attachment]) -> Receipt:
        """The filed referral's receipt, after adding what this caller held and it lacks (the
        SMS close holds her photos; the sweeper racing it holds none)."""
        existing = filed.referral
        missing = [a for a in attachments if self._digest(a) not in filed.attachments]
        if missing:
            self.add_to_report(existing.reference, "(photos sent with the report)",
                               attachments=missing)
            self.store.note_attachments(conversation_key, [self._digest(a) for a in missing])
        return Receipt(existing.reference, existing.priority, existing.emergency,
                       existing.deadline, existing.status)

    def _digest(self, attachment: Attachment) -> str:
        """Which attachment this is, keyed so the claim's digests say nothing about a photo."""
        body = f"familyvoice/attachment/v1|{attachment.content_type}|{attachment.data_b64}".encode()
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()[:32]

    def add_to_report(
        self, reference: str, text: str, *, at: datetime | None = None, attachments: Iterable[Attachment] = ()
    ) -> bool:
        """Seal something said after submitting and attach it to the referral; True if urgent."""
        at = at or datetime.now(timezone.utc)
        urgent = indicators.advice_for(text).emergency
        body = {"at": at.isoformat(), "text": text, "danger_now": urgent}
        found = [dataclasses.asdict(attachment) for attachment in attachments]
        if found:
            body["attachments"] = found  # e.g. a photo sent by MMS after the report went
        plain = json.dumps(body, ensure_ascii=False).encode()
        sealed = self._sealer.seal(plain, reference, purpose="addendum")
        statement, signature = addendum_signature(self.signer, reference, at, sealed)
        self.store.add_addendum(
            reference, at, sealed.key_id, sealed.suite, sealed.blob,
            origin=statement, origin_sig=signature, forward=self.forward,
            first=self._escalation(reference, at, sealed.blob) if urgent else None,
        )
        followup.note_addition(self.store, reference, at)  # new for the duty officer (issue 6)
        return urgent

    def _signed(self, row: StoredReferral) -> StoredReferral:
        return signed_referral(self.signer, row)

    def _escalation(
        self, reference: str, at: datetime, blob: bytes
    ) -> Callable[[Connection], RatingChange | None]:
        """Danger reported after sending: the referral goes to the top of the queue at once, by a
        rating change the intake signs (made from the rating as it is when the addition lands),
        in the addition's own transaction."""

        def raise_to_emergency(current: RatingState) -> RatingChange | None:
            deadline = min(current.deadline, at)
            if current.priority == "RED" and current.emergency and current.deadline == deadline:
                return None
            fields = {
                "reference": current.reference, "revision": current.revision + 1, "at": at,
                "priority": "RED", "emergency": True, "deadline": deadline,
                "cause": f"addition:{origin.digest(blob)}",
            }
            statement, signature = self.signer.sign("rating", fields, blob=None)
            return RatingChange(
                current.reference, current.revision + 1, at, "RED", True, deadline, "intake",
                statement, signature,
            )

        def escalate(connection: Connection) -> RatingChange | None:
            change = apply_rating_change(connection, reference, raise_to_emergency)
            if change is not None and self.forward:
                outbox.write(connection, [outbox.rating_row(change, datetime.now(timezone.utc))])
            return change

        return escalate


def signed_referral(signer: origin.Signer, row: StoredReferral) -> StoredReferral:
    """The row with the intake's statement and signature (bot/origin.py) filled in."""
    fields = origin.fields_of(row, origin.REFERRAL_FIELDS)
    statement, signature = signer.sign("referral", fields, blob=row.sealed)
    return dataclasses.replace(row, origin=statement, origin_sig=signature)


def addendum_signature(
    signer: origin.Signer, reference: str, at: datetime, sealed: sealing.Sealed
) -> tuple[bytes, bytes]:
    fields = {
        "reference": reference,
        "received_at": at,
        "key_id": sealed.key_id,
        "suite": sealed.suite,
    }
    return signer.sign("addendum", fields, blob=sealed.blob)


def children_identities(answers: Mapping[str, Any]) -> list[ChildIdentity]:
    """Who each child is, as the reporter said it: what each child's blind indexes are made from."""
    return [
        ChildIdentity(name=c.name, age_years=c.age_years, age_text=c.age_text, area=c.area, school=c.school)
        for c in _children(answers)
    ]


def child_identity(answers: Mapping[str, Any]) -> ChildIdentity:
    """The first child's identity (``children_identities`` gives every child's)."""
    return children_identities(answers)[0]


def _derived_linking_secret(intake_secret: bytes) -> bytes:
    return hmac.new(intake_secret, b"familyvoice/linking-secret/v1", hashlib.sha256).digest()


_log = logging.getLogger(__name__)
