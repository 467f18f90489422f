"""X-Wing keys: the draft's own key derivation, and a clear stop where the machine cannot do it."""

from __future__ import annotations

import hashlib

import pytest

from bot import keys, xwing
from bot.xwing import PostQuantumUnavailable, XWingPrivateKey, XWingPublicKey

# draft-connolly-cfrg-xwing-kem, appendix C, first test vector: the seed, and the public key's
# SHA-256 and last 32 bytes (its X25519 part).
VECTOR_SEED = bytes.fromhex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26")
VECTOR_PUBLIC_SHA256 = "2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb"
VECTOR_PUBLIC_X25519 = "859edb06eff389b27dce59844570216223593d4ba32d9abac8cd049040ef6534"


def test_a_seed_gives_the_public_key_the_draft_says() -> None:
    public = XWingPrivateKey(VECTOR_SEED).public_key().public_bytes_raw()
    assert len(public) == 1216
    assert hashlib.sha256(public).hexdigest() == VECTOR_PUBLIC_SHA256
    assert public[-32:].hex() == VECTOR_PUBLIC_X25519


def test_a_public_key_reads_back_from_its_bytes() -> None:
    private = XWingPrivateKey.generate()
    raw = private.public_key().public_bytes_raw()
    assert XWingPublicKey(raw) == private.public_key()
    with pytest.raises(ValueError):
        XWingPublicKey(raw[:-1])
    with pytest.raises(ValueError):
        XWingPrivateKey(b"short")


def test_a_machine_without_ml_kem_stops_at_start_and_says_why(
    tmp_path, monkeypatch, cheap_key_derivation
) -> None:
    # Given the unit's keys, and a cryptography build whose OpenSSL has no ML-KEM
    paths = keys.init_keys(tmp_path, b"passphrase")
    from cryptography.hazmat.backends.openssl.backend import backend

    monkeypatch.setattr(backend, "mlkem_supported", lambda: False)
    # When an intake process loads its sealing key, or new keys are made
    # Then it fails at once, naming what is missing
    with pytest.raises(PostQuantumUnavailable, match="ML-KEM-768"):
        keys.load_sealing_key(paths.public_key)
    with pytest.raises(PostQuantumUnavailable):
        xwing.XWingPrivateKey.generate()


def test_the_console_and_the_action_server_stop_at_start_without_ml_kem(monkeypatch) -> None:
    import importlib

    from cryptography.hazmat.backends.openssl.backend import backend

    import actions.services
    from bot.console.config import config_from_env

    monkeypatch.setattr(backend, "mlkem_supported", lambda: False)
    with pytest.raises(PostQuantumUnavailable):
        config_from_env({"FAMILYVOICE_KEY_PASSPHRASE": "x"})
    with pytest.raises(PostQuantumUnavailable):
        importlib.reload(actions.services)
    monkeypatch.undo()
    importlib.reload(actions.services)
