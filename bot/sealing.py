"""Sealing: every referral is encrypted to the unit's public key before it is stored.

Who can decrypt what:
- The intake side (Rasa, actions, channels) holds only the unit's PUBLIC key: it can seal, and can
  open nothing, not even what it sealed a moment ago.
- The duty-officer console holds the passphrase-protected PRIVATE key: it alone opens sealed blobs.
- The database holds blobs, the suite name and the key id: a stolen copy reveals no referral.

HPKE (RFC 9180) base mode, one fresh ephemeral key per blob. The HPKE ``info`` binds the blob to
its reference and purpose, so a blob copied onto another row, or a referral blob passed off as an
addendum, does not open.
"""

from __future__ import annotations

import hashlib
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

# Stored beside every blob, so the algorithm can be changed later and old blobs still open.
SUITE_NAME = "HPKE-X25519-HKDF-SHA256-AES-256-GCM"
_SUITES = {SUITE_NAME: hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)}

_INFO_PREFIX = "familyvoice/v1"
# Purposes cannot contain "/", so "<prefix>/<purpose>/<reference>" has only one reading.
_PURPOSE_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_KEY_ID_BYTES = 8


class SealingError(Exception):
    """Something went wrong sealing or opening a blob."""


class CannotOpen(SealingError):
    """The blob does not open: wrong key, tampered blob, or another reference or purpose."""


class UnknownSuite(SealingError):
    """The blob was sealed with an algorithm this version does not know."""


def _info(reference: str, purpose: str) -> bytes:
    if not _PURPOSE_RE.fullmatch(purpose):
        raise SealingError(f"purpose must match {_PURPOSE_RE.pattern}, got {purpose!r}")
    if not reference:
        raise SealingError("a sealed blob must be bound to a reference")
    return f"{_INFO_PREFIX}/{purpose}/{reference}".encode("utf-8")


def _suite(name: str) -> hpke.Suite:
    try:
        return _SUITES[name]
    except KeyError:
        raise UnknownSuite(f"unknown sealing suite {name!r}") from None


def seal(
    plaintext: bytes, public_key: X25519PublicKey, reference: str, purpose: str = "referral"
) -> bytes:
    """Encrypt ``plaintext`` so that only the holder of the unit's private key can read it."""
    if not isinstance(public_key, X25519PublicKey):
        raise SealingError("sealing needs the unit's X25519 public key")
    return _suite(SUITE_NAME).encrypt(plaintext, public_key, info=_info(reference, purpose))


def open_sealed(
    blob: bytes,
    private_key: X25519PrivateKey,
    reference: str,
    purpose: str = "referral",
    *,
    suite: str = SUITE_NAME,
) -> bytes:
    """Decrypt a blob made by :func:`seal`; only the unit's private key can do this.

    Raises :class:`CannotOpen` for the wrong key, a tampered or truncated blob, or a blob sealed
    for another reference or purpose; :class:`UnknownSuite` if ``suite`` (as stored beside the
    blob) is not one we know.
    """
    chosen = _suite(suite)
    info = _info(reference, purpose)
    if not isinstance(private_key, X25519PrivateKey):
        # E.g. the public key: it can seal but never open.
        raise CannotOpen("opening needs the unit's X25519 private key")
    try:
        return chosen.decrypt(bytes(blob), private_key, info=info)
    except (InvalidTag, ValueError):
        # HPKE cannot tell these apart, by design: the AEAD tag fails for all of them.
        raise CannotOpen(
            f"cannot open {purpose} for {reference}: wrong key, tampered blob, "
            "or sealed for another reference"
        ) from None


def key_id(public_key: X25519PublicKey) -> str:
    """A short fingerprint of the public key, stored per row so the unit's keys can rotate."""
    raw = public_key.public_bytes_raw()
    return hashlib.sha256(raw).hexdigest()[: 2 * _KEY_ID_BYTES]
