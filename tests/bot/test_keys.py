"""The unit's keys on disk: private key protected, public key all the intake side gets."""

from __future__ import annotations

import base64
import logging
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from bot import keys, pkcs8
from bot.keys import (
    KeyFileError,
    KeysExist,
    NoPassphrase,
    WrongPassphrase,
    init_keys,
    load_intake_secret,
    load_private_key,
    load_public_key,
    passphrase_from_env,
)
from bot.sealing import SUITE_NAME, CannotOpen, key_id, open_sealed, seal
from bot.xwing import XWingPrivateKey, XWingPublicKey

PASSPHRASE = b"correct horse battery staple"
REFERENCE = "FV-7K3M-Q9XD"

pytestmark = pytest.mark.usefixtures("cheap_key_derivation")


def write_classical_key(directory: Path, key: X25519PrivateKey, name: str = "unit_private.pem") -> Path:
    """A unit private key from before X-Wing, as `keys init` wrote it then."""
    path = directory / name
    info = pkcs8.private_key_info("1.3.101.110", key.private_bytes_raw())
    path.write_bytes(pkcs8.encrypt(info, PASSPHRASE, keys.DEFAULT_SCRYPT))
    path.chmod(0o600)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def pem_body(path: Path) -> bytes:
    lines = path.read_text().strip().splitlines()
    return base64.b64decode("".join(lines[1:-1]))


def test_init_writes_a_protected_private_key_a_public_key_and_an_intake_secret(
    tmp_path: Path,
) -> None:
    # When the unit's keys are made
    paths = init_keys(tmp_path / "keys", PASSPHRASE)

    # Then the private key and the intake secret are readable by their owner only
    assert mode(paths.private_key) == 0o600
    assert mode(paths.intake_secret) == 0o600
    assert mode(paths.public_key) == 0o644
    assert paths.private_key.name == "unit_private.pem"
    assert paths.public_key.name == "unit_public.pem"
    assert paths.intake_secret.name == "intake_secret.key"

    # And the private key is encrypted: the PEM says so and it does not load without the passphrase
    assert paths.private_key.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_pem_private_key(paths.private_key.read_bytes(), password=None)

    # And the raw key bytes appear nowhere in the file
    private_key = load_private_key(paths.private_key, PASSPHRASE)
    assert private_key.private_bytes_raw() not in pem_body(paths.private_key)

    # And the pair matches
    assert load_public_key(paths.public_key).public_bytes_raw() == (
        private_key.public_key().public_bytes_raw()
    )

    # And the intake secret is 32 random bytes, not the private key
    secret = load_intake_secret(paths.intake_secret)
    assert len(secret) == 32
    assert secret != private_key.private_bytes_raw()


def test_the_wrong_passphrase_does_not_open_the_private_key(tmp_path: Path) -> None:
    paths = init_keys(tmp_path, PASSPHRASE)

    with pytest.raises(WrongPassphrase):
        load_private_key(paths.private_key, b"correct horse battery stapler")
    with pytest.raises(WrongPassphrase):
        load_private_key(paths.private_key, b"")


def test_an_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        init_keys(tmp_path, b"")
    assert not (tmp_path / "unit_private.pem").exists()


def test_existing_keys_are_not_overwritten(tmp_path: Path) -> None:
    # Given the unit's keys exist
    paths = init_keys(tmp_path, PASSPHRASE)
    before = {p: p.read_bytes() for p in (paths.private_key, paths.public_key, paths.intake_secret)}

    # When they are made again without force
    # Then that is refused and nothing changes
    with pytest.raises(KeysExist):
        init_keys(tmp_path, b"another passphrase")
    assert {p: p.read_bytes() for p in before} == before


def test_force_replaces_the_key_pair_but_keeps_the_old_one_and_the_intake_secret(
    tmp_path: Path,
) -> None:
    # Given the unit's keys exist and a referral was sealed with them
    paths = init_keys(tmp_path, PASSPHRASE)
    old_public = load_public_key(paths.public_key)
    old_secret = paths.intake_secret.read_bytes()
    blob = seal(b"an old referral", old_public, REFERENCE)

    # When new keys are forced
    init_keys(tmp_path, b"a new passphrase", force=True)

    # Then there is a new key pair
    new_public = load_public_key(paths.public_key)
    assert key_id(new_public) != key_id(old_public)
    load_private_key(paths.private_key, b"a new passphrase")

    # And the old private key is kept, so the old referral still opens
    retired = tmp_path / f"unit_private.{key_id(old_public)}.pem"
    assert mode(retired) == 0o600
    assert open_sealed(blob, load_private_key(retired, PASSPHRASE), REFERENCE) == b"an old referral"

    # And the intake secret is unchanged unless asked
    assert paths.intake_secret.read_bytes() == old_secret
    init_keys(tmp_path, b"a third passphrase", force=True, new_intake_secret=True)
    assert paths.intake_secret.read_bytes() != old_secret


def test_what_the_intake_side_holds_cannot_open_a_referral(tmp_path: Path) -> None:
    # Given the intake side has only the public key and the intake secret
    paths = init_keys(tmp_path, PASSPHRASE)
    public_key = load_public_key(paths.public_key)
    secret = load_intake_secret(paths.intake_secret)

    # When it seals a referral
    blob = seal(b"what Nan told us", public_key, REFERENCE)

    # Then neither the public key nor the intake secret opens it
    with pytest.raises(CannotOpen):
        open_sealed(blob, public_key, REFERENCE)  # type: ignore[arg-type]
    with pytest.raises(CannotOpen):
        open_sealed(blob, X25519PrivateKey.from_private_bytes(secret), REFERENCE)
    # And the public key file is no private key
    with pytest.raises(KeyFileError):
        load_private_key(paths.public_key, PASSPHRASE)

    # While the console, with the private key and passphrase, can
    private_key = load_private_key(paths.private_key, PASSPHRASE)
    assert open_sealed(blob, private_key, REFERENCE) == b"what Nan told us"


def test_an_unprotected_private_key_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "unit_private.pem"
    plain.write_bytes(
        X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )

    with pytest.raises(KeyFileError, match="not a passphrase-protected"):
        load_private_key(plain, PASSPHRASE)


def test_missing_files_raise_key_file_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError):
        load_public_key(tmp_path / "nope.pem")
    with pytest.raises(KeyFileError):
        load_private_key(tmp_path / "nope.pem", PASSPHRASE)
    with pytest.raises(KeyFileError):
        load_intake_secret(tmp_path / "nope.key")


def test_a_short_intake_secret_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "intake_secret.key"
    short.write_text("abcd\n")

    with pytest.raises(KeyFileError):
        load_intake_secret(short)


def test_nothing_secret_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    paths = init_keys(tmp_path, PASSPHRASE)
    private_key = load_private_key(paths.private_key, PASSPHRASE)
    init_keys(tmp_path, PASSPHRASE, force=True, new_intake_secret=True)

    text = caplog.text
    assert PASSPHRASE.decode() not in text
    assert private_key.private_bytes_raw().hex() not in text
    assert paths.intake_secret.read_text().strip() not in text


def test_the_default_key_derivation_is_expensive() -> None:
    # Guards against a cheap test setting leaking into the default.
    strong = keys.ScryptCost()
    assert strong.n >= 2**17 and strong.r >= 8 and strong.p >= 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_the_private_key_file_is_standard_pkcs8_with_scrypt(tmp_path: Path) -> None:
    # Given a key file written with the test's (cheap) scrypt cost
    paths = init_keys(tmp_path, PASSPHRASE)

    # When OpenSSL, which shares no code with our writer, reads it
    parsed = subprocess.run(
        ["openssl", "asn1parse", "-in", str(paths.private_key)],
        capture_output=True, text=True, check=True,
    ).stdout

    def decrypt(passphrase: bytes) -> str:
        return subprocess.run(
            ["openssl", "pkcs8", "-in", str(paths.private_key), "-passin", "stdin", "-outform", "DER"],
            input=passphrase.decode(), capture_output=True, text=True,
        ).stderr

    # Then it is PBES2 with scrypt and AES-256-CBC, and the passphrase opens it down to the
    # X-Wing key inside (this OpenSSL has no X-Wing; a wrong passphrase never gets that far)
    assert ":PBES2" in parsed and ":scrypt" in parsed and ":aes-256-cbc" in parsed
    assert "TYPE=1.3.6.1.4.1.62253.25722" in decrypt(PASSPHRASE)
    assert "TYPE=1.3.6.1.4.1.62253.25722" not in decrypt(b"not the passphrase")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_an_x25519_key_in_our_format_is_read_by_openssl(tmp_path: Path) -> None:
    # Given an older unit key (X25519) written the way the unit's keys always were
    path = write_classical_key(tmp_path, X25519PrivateKey.generate())

    # When OpenSSL opens it with the passphrase
    public = subprocess.run(
        ["openssl", "pkey", "-in", str(path), "-passin", "stdin", "-pubout"],
        input=PASSPHRASE.decode(), capture_output=True, text=True, check=True,
    ).stdout

    # Then it is the same key we read
    key = load_private_key(path, PASSPHRASE)
    assert public.encode() == key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


# --- the passphrase ---------------------------------------------------------------------------


def test_passphrase_from_the_environment() -> None:
    environ = {"FAMILYVOICE_KEY_PASSPHRASE": "sésame ouvre-toi"}

    assert passphrase_from_env(environ) == "sésame ouvre-toi".encode("utf-8")


def test_passphrase_from_a_file_drops_the_final_newline(tmp_path: Path) -> None:
    secret_file = tmp_path / "passphrase"
    secret_file.write_bytes(b"  spaces kept  \n")

    assert passphrase_from_env({"FAMILYVOICE_KEY_PASSPHRASE_FILE": str(secret_file)}) == (
        b"  spaces kept  "
    )


def test_no_passphrase_says_what_to_set() -> None:
    with pytest.raises(NoPassphrase) as raised:
        passphrase_from_env({"FAMILYVOICE_KEY_PASSPHRASE": ""})

    assert "FAMILYVOICE_KEY_PASSPHRASE" in str(raised.value)
    assert "FAMILYVOICE_KEY_PASSPHRASE_FILE" in str(raised.value)


def test_an_empty_passphrase_file_is_no_passphrase(tmp_path: Path) -> None:
    empty = tmp_path / "passphrase"
    empty.write_bytes(b"\n")

    with pytest.raises(NoPassphrase):
        passphrase_from_env({"FAMILYVOICE_KEY_PASSPHRASE_FILE": str(empty)})


def test_a_missing_passphrase_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="FAMILYVOICE_KEY_PASSPHRASE_FILE"):
        passphrase_from_env({"FAMILYVOICE_KEY_PASSPHRASE_FILE": str(tmp_path / "missing")})


def test_both_passphrase_sources_at_once_is_refused_without_echoing_it(tmp_path: Path) -> None:
    secret_file = tmp_path / "passphrase"
    secret_file.write_text("from the file")

    with pytest.raises(KeyFileError) as raised:
        passphrase_from_env(
            {
                "FAMILYVOICE_KEY_PASSPHRASE": "from the environment",
                "FAMILYVOICE_KEY_PASSPHRASE_FILE": str(secret_file),
            }
        )
    assert "from the environment" not in str(raised.value)


# --- X-Wing key files, rotation -------------------------------------------------------------


def test_the_unit_key_is_x_wing_and_its_file_round_trips(tmp_path: Path) -> None:
    # When the unit's keys are made
    paths = init_keys(tmp_path, PASSPHRASE)
    private_key = load_private_key(paths.private_key, PASSPHRASE)
    # Then the private key is X-Wing's seed, protected: not in the file in the clear
    assert isinstance(private_key, XWingPrivateKey)
    assert private_key.private_bytes_raw() not in pem_body(paths.private_key)
    # And it reads back as the same key, matching the public key file
    again = load_private_key(paths.private_key, PASSPHRASE)
    assert again.private_bytes_raw() == private_key.private_bytes_raw()
    assert load_public_key(paths.public_key) == private_key.public_key()
    # And a blob sealed to the public key file opens with it, and not with a wrong passphrase
    blob = seal(b"for decades", load_public_key(paths.public_key), REFERENCE)
    assert open_sealed(blob, again, REFERENCE) == b"for decades"
    for wrong in (b"correct horse battery stapler", b"x"):
        with pytest.raises(WrongPassphrase):
            load_private_key(paths.private_key, wrong)


def test_a_damaged_key_file_is_refused_not_guessed_at(tmp_path: Path) -> None:
    paths = init_keys(tmp_path, PASSPHRASE)
    body = bytearray(pem_body(paths.private_key))
    body[-5] ^= 0x01  # inside the encrypted key
    paths.private_key.write_bytes(pkcs8.pem("ENCRYPTED PRIVATE KEY", bytes(body)))
    with pytest.raises(WrongPassphrase):
        load_private_key(paths.private_key, PASSPHRASE)


def test_rotate_keeps_every_old_key_and_everything_still_opens(tmp_path: Path) -> None:
    # Given the unit's keys and a referral sealed to them
    paths = init_keys(tmp_path, PASSPHRASE)
    first = load_public_key(paths.public_key)
    blob = seal(b"before the rotation", first, REFERENCE)
    # When the keys are rotated, twice
    second_id = keys.rotate_keys(tmp_path, PASSPHRASE)
    third_id = keys.rotate_keys(tmp_path, PASSPHRASE)
    # Then the newest public key is what the intake now seals to
    assert key_id(load_public_key(paths.public_key)) == third_id != second_id != key_id(first)
    assert isinstance(keys.load_sealing_key(paths.public_key), XWingPublicKey)
    # And the console loads all three keys with the one passphrase; the old referral opens
    ring = keys.load_unit_keys(tmp_path, PASSPHRASE)
    assert ring.current_id == third_id and set(ring.ids) == {key_id(first), second_id, third_id}
    assert ring.open(blob, REFERENCE, "referral", suite=SUITE_NAME, key=key_id(first)) == b"before the rotation"
    assert mode(tmp_path / f"unit_private.{key_id(first)}.pem") == 0o600


def test_rotate_needs_the_passphrase_and_changes_nothing_without_it(tmp_path: Path) -> None:
    paths = init_keys(tmp_path, PASSPHRASE)
    before = sorted(p.name for p in tmp_path.iterdir())
    public = paths.public_key.read_bytes()
    with pytest.raises(WrongPassphrase):
        keys.rotate_keys(tmp_path, b"a guess")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert paths.public_key.read_bytes() == public


def test_an_x25519_unit_key_is_refused_for_sealing_and_rotated_to_x_wing(tmp_path: Path) -> None:
    # Given a key directory from before X-Wing (an X25519 key pair)
    init_keys(tmp_path, PASSPHRASE)
    old = X25519PrivateKey.generate()
    write_classical_key(tmp_path, old)
    (tmp_path / "unit_public.pem").write_bytes(old.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    # Then the intake refuses to seal with it, saying what to do
    with pytest.raises(keys.ClassicalKey, match="keys rotate"):
        keys.load_sealing_key(tmp_path / "unit_public.pem")
    # And after a rotation it seals with X-Wing, and the old key still opens old referrals
    keys.rotate_keys(tmp_path, PASSPHRASE)
    assert isinstance(keys.load_sealing_key(tmp_path / "unit_public.pem"), XWingPublicKey)
    ring = keys.load_unit_keys(tmp_path, PASSPHRASE)
    old_blob = seal(b"old", old.public_key(), REFERENCE)
    assert ring.open(old_blob, REFERENCE, "referral", suite="HPKE-X25519-HKDF-SHA256-AES-256-GCM",
                     key=key_id(old.public_key())) == b"old"
