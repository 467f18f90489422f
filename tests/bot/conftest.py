"""Fixtures shared by the tests of bot/ (keys, sealing, store)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bot import keys
from bot.xwing import XWingPrivateKey

# Far too weak for real use (16 KiB of memory): only so tests need not spend 0.4 s per key file.
CHEAP_SCRYPT = keys.ScryptCost(n=2**4, r=8, p=1)


@pytest.fixture
def cheap_key_derivation(monkeypatch: pytest.MonkeyPatch) -> keys.ScryptCost:
    """Make passphrase key derivation cheap for the test that asks for it."""
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT", CHEAP_SCRYPT)
    return CHEAP_SCRYPT


@pytest.fixture
def unit_private_key() -> XWingPrivateKey:
    """The unit's private key, in memory only (what the console holds)."""
    return XWingPrivateKey.generate()


@pytest.fixture
def other_private_key() -> XWingPrivateKey:
    """Somebody else's private key: it must open nothing sealed for the unit."""
    return XWingPrivateKey.generate()


@pytest.fixture
def classical_private_key() -> X25519PrivateKey:
    """A unit key from before the post-quantum change (X25519 alone)."""
    return X25519PrivateKey.generate()
