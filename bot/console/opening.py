"""Opening a referral for a duty officer: decrypt it and its additions, ready to show.

The referral is kept as the JSON dict the intake sealed (not re-parsed into dataclasses), so a
field added later by another part of the system is still carried through, and nothing the
reporter said is dropped on the way to the screen.

Photos are served only as what they really are: a PNG, JPEG, GIF or WebP whose first bytes say
so is shown as an image; anything else (an SVG, HTML, a mislabelled file) is offered as a
download of ``application/octet-stream``, never rendered by the browser.

Before anything is decrypted it is checked (bot/console/integrity.py): a referral our intake did
not sign as it stands is not opened at all, only reported; an addition that does not verify is
listed as such, unopened.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot import followup, linking_store
from bot.console.integrity import Integrity, ReferralCheck
from bot.sealing import UnitKeys
from bot.store import Store, StoredReferral
from bot.triage import EVIDENCE_JOINER

# Content type -> the first bytes every such file starts with.
_IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
}


@dataclass(frozen=True)
class Photo:
    """One attachment, from the referral or from something added later."""

    index: int
    filename: str
    declared_type: str
    size: int
    data_b64: str
    source: str  # "referral" or "addition N"

    def payload(self) -> tuple[bytes, str, bool]:
        """(bytes, content type to send, safe to show inline?)."""
        try:
            data = base64.b64decode(self.data_b64, validate=True)
        except (binascii.Error, ValueError):
            return b"", "application/octet-stream", False
        kind = self.declared_type.lower().split(";")[0].strip()
        magic = _IMAGE_MAGIC.get(kind)
        if magic and data.startswith(magic) and (kind != "image/webp" or data[8:12] == b"WEBP"):
            return data, kind, True
        return data, "application/octet-stream", False

    @property
    def is_image(self) -> bool:
        return self.payload()[2]

    @property
    def safe_filename(self) -> str:
        """An ASCII file name for Content-Disposition: no quotes, slashes or control characters."""
        cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", self.filename or "")[:80].strip("._")
        return cleaned or f"attachment-{self.index + 1}"


@dataclass
class OpenedReferral:
    row: StoredReferral
    data: dict[str, Any]
    additions: list[dict[str, Any]] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)  # earlier and later, about the same child
    new_additions: int = 0  # how many of the newest additions no officer had seen before this opening
    check: ReferralCheck | None = None  # None: not checked (the console always checks)

    @property
    def genuine(self) -> bool:
        """Whether the referral itself came from our intake (its contents are only opened if so)."""
        return self.check is None or self.check.origin.ok

    @property
    def evidence(self) -> list[str]:
        """Every quoted piece of the reporter's words that fired a rule."""
        pieces = []
        for reason in self.data.get("reasons") or []:
            for piece in str(reason.get("evidence") or "").split(EVIDENCE_JOINER):
                piece = piece.strip()
                if piece and not (piece.startswith("(") and piece.endswith(")")):
                    pieces.append(piece)
        return pieces

    def fired_in(self, text: str | None) -> bool:
        """Whether a transcript message holds words that fired a rule (to highlight it)."""
        return bool(text) and any(piece in text for piece in self.evidence)


def parse_when(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def referral_check(store: Store, integrity: Integrity, row: StoredReferral) -> ReferralCheck:
    return integrity.referral(row, store.rating_changes([row.reference])[row.reference])


def open_referral(
    store: Store, unit_keys: UnitKeys, row: StoredReferral, integrity: Integrity
) -> OpenedReferral:
    """The referral and everything added to it, checked and decrypted.

    A referral that is not from our intake is not decrypted (``genuine`` is False, ``check``
    says why). Raises ``bot.sealing.CannotOpen`` if a genuine blob does not open with the unit's
    keys (sealed to a key the console has not loaded)."""
    check = referral_check(store, integrity, row)
    if not check.origin.ok:
        return OpenedReferral(row=row, data={}, check=check)
    data = json.loads(
        unit_keys.open(row.sealed, row.reference, "referral", suite=row.suite, key=row.key_id)
    )
    opened = OpenedReferral(row=row, data=data, check=check)
    for addendum in store.addenda(row.reference):
        verdict = integrity.addendum(addendum)
        if not verdict.ok:
            opened.additions.append(
                {"at": addendum.received_at.isoformat(), "text": None, "verdict": verdict}
            )
            continue
        body = json.loads(
            unit_keys.open(
                addendum.sealed,
                row.reference,
                "addendum",
                suite=addendum.suite,
                key=addendum.key_id,
            )
        )
        body.setdefault("at", addendum.received_at.isoformat())
        body["verdict"] = verdict
        opened.additions.append(body)
    _collect_photos(opened)
    opened.links = _links(
        opened.data.get("linked_references") or [], linking_store.links_of(store, row.reference)
    )
    return opened


def mark_additions_seen(store: Store, opened: OpenedReferral, now: dt.datetime) -> None:
    """Remember which additions were new to this officer, then mark them seen for the next one."""
    opened.new_additions = min(
        followup.additions(store, opened.row.reference).unseen, len(opened.additions)
    )
    followup.mark_seen(store, opened.row.reference, now)


def _links(at_intake: list[Any], stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The links stored since (both directions) first, then any only the sealed JSON knows."""
    found = {link["reference"]: link for link in stored}
    for link in at_intake:
        if isinstance(link, dict) and link.get("reference") and link["reference"] not in found:
            found[link["reference"]] = {"direction": "earlier", **link}
    return list(found.values())


def _collect_photos(opened: OpenedReferral) -> None:
    sources = [("referral", opened.data.get("attachments") or [])]
    sources += [
        (f"addition {n}", a.get("attachments") or []) for n, a in enumerate(opened.additions, 1)
    ]
    for source, attachments in sources:
        for attachment in attachments:
            if not isinstance(attachment, dict):
                continue
            opened.photos.append(
                Photo(
                    index=len(opened.photos),
                    filename=str(attachment.get("filename") or ""),
                    declared_type=str(attachment.get("content_type") or ""),
                    size=int(attachment.get("size") or 0),
                    data_b64=str(attachment.get("data_b64") or ""),
                    source=source,
                )
            )
