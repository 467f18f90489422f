"""Sealing: only the unit's private key opens a referral, and only on its own row."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from bot.referral import Child, Referral, Reporter
from bot.sealing import (
    SUITE_NAME,
    SUITE_X25519,
    SUITE_XWING,
    CannotOpen,
    Sealer,
    SealingError,
    UnitKeys,
    UnknownSuite,
    key_id,
    open_sealed,
    seal,
)

REFERENCE = "FV-7K3M-Q9XD"
CANARY = "Zebedee Quartermaine-Canary"


def sealed_referral_json(
    public_key: X25519PublicKey, reference: str = REFERENCE
) -> tuple[bytes, bytes]:
    referral = Referral(
        reference=reference,
        received_at="2025-01-01T10:00:00+00:00",
        channel="sms",
        child=Child(name=CANARY, age_text="four"),
        reporter=Reporter(name="Nan", contact="+447700900123"),
    )
    plaintext = referral.to_json().encode("utf-8")
    return plaintext, seal(plaintext, public_key, reference)


def test_round_trip(unit_private_key: X25519PrivateKey) -> None:
    # Given a referral sealed with the unit's public key
    plaintext, blob = sealed_referral_json(unit_private_key.public_key())

    # When the console opens it with the unit's private key
    opened = open_sealed(blob, unit_private_key, REFERENCE)

    # Then it gets back exactly what was sealed
    assert opened == plaintext
    assert Referral.from_json(opened).child.name == CANARY


def test_the_blob_does_not_contain_the_plaintext(unit_private_key: X25519PrivateKey) -> None:
    plaintext, blob = sealed_referral_json(unit_private_key.public_key())

    assert CANARY.encode() not in blob
    assert b"+447700900123" not in blob
    assert plaintext not in blob


def test_sealing_twice_gives_different_blobs(unit_private_key: X25519PrivateKey) -> None:
    # A fresh ephemeral key per blob: equal referrals cannot be spotted in the database.
    public_key = unit_private_key.public_key()
    assert seal(b"same", public_key, REFERENCE) != seal(b"same", public_key, REFERENCE)


def test_the_wrong_private_key_cannot_open(
    unit_private_key: X25519PrivateKey, other_private_key: X25519PrivateKey
) -> None:
    # Given a referral sealed for the unit
    _, blob = sealed_referral_json(unit_private_key.public_key())

    # When someone else's private key tries to open it
    # Then it does not open
    with pytest.raises(CannotOpen):
        open_sealed(blob, other_private_key, REFERENCE)


def test_the_public_key_cannot_open(unit_private_key: X25519PrivateKey) -> None:
    # Given the intake side, which holds only the public key, sealed a referral
    public_key = unit_private_key.public_key()
    _, blob = sealed_referral_json(public_key)

    # When it tries to open it again with that public key
    # Then it cannot
    with pytest.raises(CannotOpen):
        open_sealed(blob, public_key, REFERENCE)  # type: ignore[arg-type]


@pytest.mark.parametrize("bit", [0x01, 0x80])
def test_a_tampered_blob_cannot_open(unit_private_key: X25519PrivateKey, bit: int) -> None:
    # Given a sealed referral
    _, blob = sealed_referral_json(unit_private_key.public_key())

    # When any one byte of it is changed (ephemeral key, ciphertext or tag)
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= bit

        # Then it does not open
        with pytest.raises(CannotOpen):
            open_sealed(bytes(tampered), unit_private_key, REFERENCE)


@pytest.mark.parametrize("change", ["drop last byte", "add a byte", "ephemeral key only", "empty"])
def test_a_truncated_or_extended_blob_cannot_open(
    unit_private_key: X25519PrivateKey, change: str
) -> None:
    _, blob = sealed_referral_json(unit_private_key.public_key())
    changed = {
        "drop last byte": blob[:-1],
        "add a byte": blob + b"\0",
        "ephemeral key only": blob[:32],
        "empty": b"",
    }[change]

    with pytest.raises(CannotOpen):
        open_sealed(changed, unit_private_key, REFERENCE)


def test_a_blob_moved_to_another_reference_cannot_open(unit_private_key: X25519PrivateKey) -> None:
    # Given a referral sealed for one reference
    _, blob = sealed_referral_json(unit_private_key.public_key())

    # When the blob is copied onto another referral's row and opened there
    # Then it does not open
    with pytest.raises(CannotOpen):
        open_sealed(blob, unit_private_key, "FV-0000-0000")


def test_a_blob_sealed_for_another_purpose_cannot_open(unit_private_key: X25519PrivateKey) -> None:
    # Given an addendum sealed for a reference
    blob = seal(b"I forgot to say", unit_private_key.public_key(), REFERENCE, purpose="addendum")

    # When it is passed off as the referral itself
    # Then it does not open; as an addendum, it does
    with pytest.raises(CannotOpen):
        open_sealed(blob, unit_private_key, REFERENCE)
    assert open_sealed(blob, unit_private_key, REFERENCE, "addendum") == b"I forgot to say"


@pytest.mark.parametrize("purpose", ["", "Referral", "referral/FV", "a b"])
def test_purposes_that_would_make_the_binding_ambiguous_are_refused(
    unit_private_key: X25519PrivateKey, purpose: str
) -> None:
    with pytest.raises(SealingError):
        seal(b"x", unit_private_key.public_key(), REFERENCE, purpose=purpose)


def test_an_unknown_suite_is_refused(unit_private_key: X25519PrivateKey) -> None:
    _, blob = sealed_referral_json(unit_private_key.public_key())

    with pytest.raises(UnknownSuite):
        open_sealed(blob, unit_private_key, REFERENCE, suite="ROT13")
    assert open_sealed(blob, unit_private_key, REFERENCE, suite=SUITE_NAME)


def test_cannot_open_is_a_sealing_error() -> None:
    assert issubclass(CannotOpen, SealingError)
    assert issubclass(UnknownSuite, SealingError)


def test_key_id_is_short_stable_and_differs_between_keys(
    unit_private_key: X25519PrivateKey, other_private_key: X25519PrivateKey
) -> None:
    public_key = unit_private_key.public_key()

    assert key_id(public_key) == key_id(unit_private_key.public_key())
    assert key_id(public_key) != key_id(other_private_key.public_key())
    assert len(key_id(public_key)) == 16
    int(key_id(public_key), 16)  # hex


# --- the post-quantum suite, and blobs sealed the old way --------------------------------------


def test_new_blobs_are_sealed_with_x_wing(unit_private_key) -> None:
    sealed = Sealer(unit_private_key.public_key()).seal(b"what Nan said", REFERENCE)
    assert sealed.suite == SUITE_XWING == SUITE_NAME
    assert len(sealed.blob) >= 1120  # an X-Wing encapsulation alone is 1,120 bytes
    assert open_sealed(sealed.blob, unit_private_key, REFERENCE, suite=sealed.suite) == b"what Nan said"


def test_a_blob_sealed_with_x25519_alone_still_opens(classical_private_key, unit_private_key) -> None:
    # Given a referral sealed before the post-quantum change (X25519 alone)
    old = seal(b"an old referral", classical_private_key.public_key(), REFERENCE)
    # Then it opens with the suite stored beside it, and the X-Wing key does not open it
    assert open_sealed(old, classical_private_key, REFERENCE, suite=SUITE_X25519) == b"an old referral"
    with pytest.raises(CannotOpen):
        open_sealed(old, unit_private_key, REFERENCE, suite=SUITE_X25519)
    with pytest.raises(CannotOpen):
        open_sealed(old, classical_private_key, REFERENCE, suite=SUITE_XWING)


def test_the_unit_keys_open_each_blob_with_the_key_it_names(classical_private_key, unit_private_key) -> None:
    old_id, new_id = key_id(classical_private_key.public_key()), key_id(unit_private_key.public_key())
    ring = UnitKeys({old_id: classical_private_key, new_id: unit_private_key}, new_id)
    old = seal(b"old", classical_private_key.public_key(), REFERENCE)
    new = seal(b"new", ring.public_key(), REFERENCE)
    assert ring.open(old, REFERENCE, "referral", suite=SUITE_X25519, key=old_id) == b"old"
    assert ring.open(new, REFERENCE, "referral", suite=SUITE_XWING, key=new_id) == b"new"
    with pytest.raises(CannotOpen, match="not loaded"):
        ring.open(new, REFERENCE, "referral", suite=SUITE_XWING, key="0000000000000000")
