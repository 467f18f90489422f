"""Origin: what the intake signs, so the console and the relay can tell its records from forgeries.

Sealing (bot/sealing.py) keeps a referral secret, but anyone with the unit's public key, which
every intake host holds, can seal: a database writer could replace a blob, insert an addition or
downgrade a rating and the console would show it as genuine. So every record the intake writes
is also signed with the intake's Ed25519 key (``intake_signing.pem``, on intake hosts only):

- a referral: its reference, the blob's SHA-256, the key and suite it was sealed with, and the
  clear queue fields (:data:`REFERRAL_FIELDS`);
- an addition: its reference, when, the blob's SHA-256, key and suite;
- a rating change it makes (an addition saying the child is in danger now): the referral's new
  priority, emergency flag and deadline, its revision (see bot/store.py, rating_changes), and
  the digest of the addition that caused it.

The signed bytes are a *statement*: canonical JSON (sorted keys, no spaces, ASCII) after a
domain-separation line, made by :func:`statement` alone, stored beside the row, and checked
field by field against the row when read. Adding a clear column to what is signed is one name
in :data:`REFERRAL_FIELDS`.

The console and the relay hold only the public half (``intake_signing_public.pem``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

_PREFIX = b"familyvoice/origin/v1\n"

# The clear columns of a referral the intake vouches for. The state fields can change later,
# but only through a signed or MAC'd rating change (bot/store.py); the others never change.
REFERRAL_FIELDS = (
    "reference",
    "received_at",
    "channel",
    "status",
    "priority",
    "emergency",
    "deadline",
    "key_id",
    "suite",
)
STATE_FIELDS = ("priority", "emergency", "deadline")
ADDENDUM_FIELDS = ("reference", "received_at", "key_id", "suite")
RATING_FIELDS = ("reference", "revision", "at", "priority", "emergency", "deadline", "cause")
# Changed by `keys reseal` (which re-seals to the newest key and vouches for that itself).
SEALING_FIELDS = ("blob", "key_id", "suite")


@functools.lru_cache(maxsize=20_000)
def _verifies(public_key: bytes, signature: bytes, signed: bytes) -> bool:
    """Whether the signature holds; remembered, since each queue page checks the same rows again
    (the answer for given bytes never changes, and this memory is not the database's to edit)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, signed)
    except InvalidSignature:
        return False
    return True


class NotFromIntake(Exception):
    """A record that our intake did not sign as it stands; the message says what is wrong."""


def signer_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of a signing key, named in each statement so it can be replaced."""
    return hashlib.sha256(public_key.public_bytes_raw()).hexdigest()[:16]


def clear_value(value: Any) -> Any:
    """A column's value as it is written in a statement (times in UTC to the microsecond)."""
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ValueError("statements hold time-zone aware times only")
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, (list, tuple)):
        return [clear_value(item) for item in value]
    return value


def digest(blob: bytes) -> str:
    return hashlib.sha256(bytes(blob)).hexdigest()


def statement(kind: str, fields: Mapping[str, Any], *, blob: bytes | None, by: str) -> bytes:
    """The bytes that are signed (or MAC'd) for one record: the one canonical encoding."""
    body = {name: clear_value(value) for name, value in fields.items()}
    body.update(kind=kind, by=by)
    if blob is not None:
        body["blob"] = digest(blob)
    return (
        _PREFIX
        + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    )


def fields_of(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def parse(signed: bytes) -> dict[str, Any]:
    if not bytes(signed).startswith(_PREFIX):
        raise NotFromIntake("the record's statement is not one FamilyVoice writes")
    try:
        body = json.loads(bytes(signed)[len(_PREFIX) :])
    except ValueError:
        raise NotFromIntake("the record's statement is not one FamilyVoice writes") from None
    if not isinstance(body, dict):
        raise NotFromIntake("the record's statement is not one FamilyVoice writes")
    return body


def differences(signed: Mapping[str, Any], record: Any, names: tuple[str, ...]) -> list[str]:
    """The names of the fields whose value in the record is not the one signed."""
    return [name for name in names if signed.get(name) != clear_value(getattr(record, name))]


class Signer:
    """A signing key: the intake's (intake hosts only), or the console's for what it forwards."""

    def __init__(self, private_key: Ed25519PrivateKey, role: str = "intake") -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.id = signer_id(self.public_key)
        self.role = role

    def sign(
        self, kind: str, fields: Mapping[str, Any], *, blob: bytes | None
    ) -> tuple[bytes, bytes]:
        """(statement, signature) for one record."""
        signed = statement(kind, fields, blob=blob, by=f"{self.role}:{self.id}")
        return signed, self.sign_statement(signed)

    def sign_statement(self, signed: bytes) -> bytes:
        """A signature over a statement already made (e.g. one the console also MACs)."""
        return self._key.sign(signed)


@dataclass(frozen=True)
class Verifier:
    """Public signing keys by id (the intake's, or the console's): what records are checked with."""

    keys: Mapping[str, Ed25519PublicKey]
    role: str = "intake"

    @classmethod
    def of(cls, *public_keys: Ed25519PublicKey, role: str = "intake") -> "Verifier":
        return cls({signer_id(key): key for key in public_keys}, role)

    def check(self, signed: bytes | None, signature: bytes | None, kind: str) -> dict[str, Any]:
        """The statement, parsed, if one of these keys signed it and it is of this kind."""
        if not signed or not signature:
            raise NotFromIntake(f"it carries no signature from our {self.role}")
        body = parse(signed)
        by = str(body.get("by") or "")
        prefix = f"{self.role}:"
        key = self.keys.get(by.removeprefix(prefix)) if by.startswith(prefix) else None
        if key is None:
            raise NotFromIntake(f"it is signed with a key that is not our {self.role}'s")
        if not _verifies(key.public_bytes_raw(), bytes(signature), bytes(signed)):
            raise NotFromIntake("its signature does not match what it says")
        if body.get("kind") != kind:
            raise NotFromIntake(f"it was signed as a {body.get('kind')}, not a {kind}")
        return body
