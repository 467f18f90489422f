"""Sealing: every referral is encrypted to the unit's public key before it is stored.

Who can decrypt what:
- The intake side (Rasa, actions, channels) holds only the unit's PUBLIC key: it can seal, and can
  open nothing, not even what it sealed a moment ago.
- The duty-officer console holds the passphrase-protected PRIVATE keys (the current one and every
  retired one, see :class:`UnitKeys`): it alone opens sealed blobs.
- The database holds blobs, the suite name and the key id: a stolen copy reveals no referral.

HPKE (RFC 9180) base mode, one fresh ephemeral key per blob. New blobs use the hybrid
post-quantum KEM X-Wing (ML-KEM-768 + X25519, bot/xwing.py); blobs sealed with X25519 alone, as
before, still open, because the suite is stored beside every blob. The HPKE ``info`` binds the
blob to its reference and purpose, so a blob copied onto another row, or a referral blob passed
off as an addendum, does not open. Sealing says nothing about who sealed: anyone with the public
key can. That is bot/origin.py's job.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Mapping, Union

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from bot.xwing import XWingPrivateKey, XWingPublicKey, check_supported

UnitPublicKey = Union[XWingPublicKey, X25519PublicKey]
UnitPrivateKey = Union[XWingPrivateKey, X25519PrivateKey]

# Stored beside every blob, so the algorithm can be changed later and old blobs still open.
SUITE_X25519 = "HPKE-X25519-HKDF-SHA256-AES-256-GCM"
SUITE_XWING = "HPKE-MLKEM768-X25519-HKDF-SHA256-AES-256-GCM"
SUITE_NAME = SUITE_XWING  # what new blobs are sealed with
_KDF, _AEAD = hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM
_SUITES = {
    SUITE_X25519: (hpke.Suite(hpke.KEM.X25519, _KDF, _AEAD), X25519PublicKey, X25519PrivateKey),
}
if hasattr(hpke.KEM, "MLKEM768_X25519"):  # else check_supported() says why at start
    _SUITES[SUITE_XWING] = (
        hpke.Suite(hpke.KEM.MLKEM768_X25519, _KDF, _AEAD), XWingPublicKey, XWingPrivateKey
    )

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


def require_post_quantum() -> None:
    """Called at the start of every process that seals: fail now, not at the first referral."""
    check_supported()


def _info(reference: str, purpose: str) -> bytes:
    if not _PURPOSE_RE.fullmatch(purpose):
        raise SealingError(f"purpose must match {_PURPOSE_RE.pattern}, got {purpose!r}")
    if not reference:
        raise SealingError("a sealed blob must be bound to a reference")
    return f"{_INFO_PREFIX}/{purpose}/{reference}".encode("utf-8")


def _suite(name: str) -> tuple[hpke.Suite, type, type]:
    try:
        return _SUITES[name]
    except KeyError:
        raise UnknownSuite(f"unknown sealing suite {name!r}") from None


def suite_for(public_key: UnitPublicKey) -> str:
    """The suite a blob sealed to this key is stored with."""
    if isinstance(public_key, XWingPublicKey):
        return SUITE_XWING
    if isinstance(public_key, X25519PublicKey):
        return SUITE_X25519
    raise SealingError("sealing needs the unit's X-Wing (or older X25519) public key")


def _hpke_key(key: object) -> object:
    return key.hpke_key if isinstance(key, (XWingPublicKey, XWingPrivateKey)) else key


def seal(
    plaintext: bytes, public_key: UnitPublicKey, reference: str, purpose: str = "referral"
) -> bytes:
    """Encrypt ``plaintext`` so that only the holder of the unit's private key can read it.

    The suite follows the key: X-Wing for the unit's current keys, X25519 for an older one."""
    chosen, _, _ = _suite(suite_for(public_key))
    return chosen.encrypt(plaintext, _hpke_key(public_key), info=_info(reference, purpose))


def open_sealed(
    blob: bytes,
    private_key: UnitPrivateKey,
    reference: str,
    purpose: str = "referral",
    *,
    suite: str | None = None,
) -> bytes:
    """Decrypt a blob made by :func:`seal`; only the unit's private key can do this.

    ``suite`` is the one stored beside the blob (without it, the one the key's type implies).
    Raises :class:`CannotOpen` for the wrong key, a tampered or truncated blob, or a blob sealed
    for another reference or purpose; :class:`UnknownSuite` if ``suite`` is not one we know.
    """
    if suite is None:
        suite = SUITE_XWING if isinstance(private_key, XWingPrivateKey) else SUITE_X25519
    chosen, _, private_type = _suite(suite)
    info = _info(reference, purpose)
    if not isinstance(private_key, private_type):
        # E.g. the public key (it can seal but never open), or a key of the other suite.
        raise CannotOpen(f"opening a {suite} blob needs the unit's matching private key")
    try:
        return chosen.decrypt(bytes(blob), _hpke_key(private_key), info=info)
    except (InvalidTag, ValueError):
        # HPKE cannot tell these apart, by design: the AEAD tag fails for all of them.
        raise CannotOpen(
            f"cannot open {purpose} for {reference}: wrong key, tampered blob, "
            "or sealed for another reference"
        ) from None


def key_id(public_key: UnitPublicKey) -> str:
    """A short fingerprint of the public key, stored per row so the unit's keys can rotate."""
    raw = public_key.public_bytes_raw()
    return hashlib.sha256(raw).hexdigest()[: 2 * _KEY_ID_BYTES]


@dataclass(frozen=True)
class Sealed:
    """A blob with what is stored beside it."""

    blob: bytes
    suite: str
    key_id: str


class Sealer:
    """Seals to one public key (the unit's newest), with its suite and key id worked out once."""

    def __init__(self, public_key: UnitPublicKey) -> None:
        self.public_key = public_key
        self.suite = suite_for(public_key)
        self.key_id = key_id(public_key)

    def seal(self, plaintext: bytes, reference: str, purpose: str = "referral") -> Sealed:
        return Sealed(seal(plaintext, self.public_key, reference, purpose), self.suite, self.key_id)


class UnitKeys:
    """Every private key the unit has had, by key id, and which one is current.

    Rows name the key they were sealed to (``key_id``), so a referral sealed before a rotation
    opens with the retired key it names, and new things are sealed to the current one."""

    def __init__(self, keys: Mapping[str, UnitPrivateKey], current: str) -> None:
        if current not in keys:
            raise SealingError("the current key must be one of the unit's keys")
        self._keys = dict(keys)
        self.current_id = current

    @classmethod
    def single(cls, private_key: UnitPrivateKey) -> "UnitKeys":
        kid = key_id(private_key.public_key())
        return cls({kid: private_key}, kid)

    @property
    def current(self) -> UnitPrivateKey:
        return self._keys[self.current_id]

    @property
    def ids(self) -> list[str]:
        return sorted(self._keys)

    def public_key(self) -> UnitPublicKey:
        """The newest public key: what notes and resealed blobs are sealed to."""
        return self.current.public_key()

    def open(self, blob: bytes, reference: str, purpose: str, *, suite: str, key: str) -> bytes:
        """Open a stored blob with the key its row names."""
        private_key = self._keys.get(key)
        if private_key is None:
            raise CannotOpen(f"{purpose} for {reference} was sealed to key {key}: not loaded")
        return open_sealed(blob, private_key, reference, purpose, suite=suite)
