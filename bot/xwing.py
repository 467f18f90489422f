"""X-Wing keys: the unit's hybrid post-quantum key pair (ML-KEM-768 + X25519).

Referrals are kept for decades, so a blob recorded today must stay closed to whoever gets a
quantum computer later ("harvest now, decrypt later"). X-Wing (draft-connolly-cfrg-xwing-kem,
the HPKE KEM "MLKEM768-X25519") combines ML-KEM-768 with X25519: a blob stays closed while
either of the two holds.

The private key is X-Wing's own 32-byte seed: SHAKE256(seed, 96) gives the ML-KEM-768 seed (64
bytes, FIPS 203's d || z) and the X25519 private key (32 bytes). Keeping the seed, not the two
expanded keys, is what the draft and HPKE's SerializePrivateKey do, so another X-Wing
implementation can take our key file. The public key is the ML-KEM-768 public key (1184 bytes)
followed by the X25519 one (32 bytes).
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

SEED_BYTES = 32
_MLKEM_PUBLIC_BYTES = 1184
PUBLIC_BYTES = _MLKEM_PUBLIC_BYTES + 32


class PostQuantumUnavailable(RuntimeError):
    """This machine's cryptography build cannot do X-Wing, so nothing can be sealed for decades."""


def check_supported() -> None:
    """Fail clearly, at start, if the installed ``cryptography`` and OpenSSL cannot do X-Wing."""
    from cryptography.hazmat.backends.openssl.backend import backend

    if not hasattr(hpke.KEM, "MLKEM768_X25519") or not hasattr(hpke, "MLKEM768X25519PublicKey"):
        raise PostQuantumUnavailable(
            "this cryptography has no HPKE MLKEM768_X25519 (X-Wing); install cryptography >= 47"
        )
    if not backend.mlkem_supported():
        raise PostQuantumUnavailable(
            f"{backend.openssl_version_text()} has no ML-KEM-768; cryptography needs OpenSSL >= 3.5"
        )


class XWingPublicKey:
    """What the intake side seals to: it opens nothing."""

    def __init__(self, raw: bytes) -> None:
        raw = bytes(raw)
        if len(raw) != PUBLIC_BYTES:
            raise ValueError(f"an X-Wing public key is {PUBLIC_BYTES} bytes, not {len(raw)}")
        try:
            mlkem_part = mlkem.MLKEM768PublicKey.from_public_bytes(raw[:_MLKEM_PUBLIC_BYTES])
        except UnsupportedAlgorithm as error:
            raise PostQuantumUnavailable(str(error)) from None
        x25519_part = X25519PublicKey.from_public_bytes(raw[_MLKEM_PUBLIC_BYTES:])
        self._raw = raw
        self.hpke_key = hpke.MLKEM768X25519PublicKey(mlkem_part, x25519_part)

    def public_bytes_raw(self) -> bytes:
        return self._raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XWingPublicKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)


class XWingPrivateKey:
    """The unit's private key; only the console (and `keys reseal`) hold it."""

    def __init__(self, seed: bytes) -> None:
        seed = bytes(seed)
        if len(seed) != SEED_BYTES:
            raise ValueError(f"an X-Wing seed is {SEED_BYTES} bytes")
        expanded = hashlib.shake_256(seed).digest(96)
        try:
            mlkem_part = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        except UnsupportedAlgorithm as error:
            raise PostQuantumUnavailable(str(error)) from None
        x25519_part = X25519PrivateKey.from_private_bytes(expanded[64:])
        self._seed = seed
        self.hpke_key = hpke.MLKEM768X25519PrivateKey(mlkem_part, x25519_part)
        self._public = XWingPublicKey(
            mlkem_part.public_key().public_bytes_raw() + x25519_part.public_key().public_bytes_raw()
        )

    @classmethod
    def generate(cls) -> "XWingPrivateKey":
        check_supported()
        return cls(os.urandom(SEED_BYTES))

    def public_key(self) -> XWingPublicKey:
        return self._public

    def private_bytes_raw(self) -> bytes:
        """The seed: everything else is derived from it. Never log or store it unprotected."""
        return self._seed

    def __repr__(self) -> str:
        return "XWingPrivateKey(...)"
