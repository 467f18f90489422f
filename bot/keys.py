"""The unit's keys on disk.

Files in one directory:
- ``unit_public.pem`` (0644): the unit's current X-Wing public key (bot/xwing.py). The intake side
  needs this and its signing key to seal referrals.
- ``unit_private.pem`` (0600): the matching private key, passphrase-protected; only the console
  (and `familyvoice keys reseal`) load it. ``keys rotate`` keeps each earlier pair beside it as
  ``unit_private.<key id>.pem`` / ``unit_public.<key id>.pem``, protected by the same passphrase,
  so what was sealed to it still opens (the console loads them all, see :func:`load_unit_keys`).
- ``intake_signing.pem`` (0600) and ``intake_signing_public.pem`` (0644): the intake's Ed25519
  key pair (bot/origin.py). The private half stays on intake hosts; the console and the relay
  get the public half and check that what they read really came from our intake.
- ``intake_secret.key`` (0600): 32 random bytes, hex. The intake side's HMAC key for idempotency
  keys and blind indexes. It is not the private key and opens nothing.
- ``linking_secret.key`` (0600): 32 random bytes, hex. The root of the per-field keys of the
  blind indexes that link referrals about the same child (bot/linking.py). Kept apart from the
  intake secret so it can be handed to the console (to search by child) without the rest.

Private keys are PKCS#8 with scrypt, written by bot/pkcs8.py (why by hand: see there). Note that
the ``openssl`` command line caps scrypt at 32 MiB by default, below our default cost, so use
``cryptography`` (or raise OpenSSL's limit) to read them elsewhere.

Nothing here logs or prints key material or passphrases.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from bot import pkcs8
from bot.files import KeyFileError, write_atomically
from bot.signing_keys import ensure_signing_key
from bot.sealing import UnitKeys, UnitPrivateKey, UnitPublicKey, key_id
from bot.xwing import XWingPrivateKey, XWingPublicKey, check_supported

log = logging.getLogger(__name__)

PRIVATE_KEY_FILE = "unit_private.pem"
PUBLIC_KEY_FILE = "unit_public.pem"
INTAKE_SECRET_FILE = "intake_secret.key"
INTAKE_SECRET_BYTES = 32
LINKING_SECRET_FILE = "linking_secret.key"  # same format as the intake secret

PASSPHRASE_ENV = "FAMILYVOICE_KEY_PASSPHRASE"
PASSPHRASE_FILE_ENV = "FAMILYVOICE_KEY_PASSPHRASE_FILE"

ScryptCost = pkcs8.ScryptCost
# OWASP's recommended minimum for scrypt (128 MiB, about 0.4 s). Read at call time so tests can
# swap in something cheap (see the ``cheap_key_derivation`` fixture).
DEFAULT_SCRYPT = ScryptCost()
_OID_X25519 = "1.3.101.110"  # RFC 8410


class KeysExist(KeyFileError):
    """init_keys would overwrite existing keys and was not told to."""


class WrongPassphrase(KeyFileError):
    """The passphrase does not open the private key."""


class NoPassphrase(KeyFileError):
    """Neither passphrase environment variable is set."""


class ClassicalKey(KeyFileError):
    """The unit's current key is X25519 alone: new referrals would not be sealed for decades."""


@dataclass(frozen=True)
class KeyPaths:
    directory: Path
    private_key: Path
    public_key: Path
    intake_secret: Path

    @classmethod
    def in_directory(cls, directory: Path) -> "KeyPaths":
        directory = Path(directory)
        return cls(
            directory=directory,
            private_key=directory / PRIVATE_KEY_FILE,
            public_key=directory / PUBLIC_KEY_FILE,
            intake_secret=directory / INTAKE_SECRET_FILE,
        )


def init_keys(
    directory: Path,
    passphrase: bytes,
    *,
    force: bool = False,
    new_intake_secret: bool = False,
    cost: ScryptCost | None = None,
) -> KeyPaths:
    """Generate the unit's key pair, the intake's signing key and the intake secret.

    Refuses (:class:`KeysExist`) if a key file is already there, unless ``force``. Even then the
    old key pair is kept, renamed ``unit_private.<key id>.pem`` / ``unit_public.<key id>.pem``,
    because every referral sealed to it needs it to open. An existing intake secret is kept unless
    ``new_intake_secret``: replacing it breaks the links between earlier and later referrals. The
    signing key is never replaced: what it signed could no longer be checked.
    """
    if not passphrase:
        raise KeyFileError("refusing to protect the private key with an empty passphrase")
    paths = KeyPaths.in_directory(directory)
    existing = [p for p in (paths.private_key, paths.public_key, paths.intake_secret) if p.exists()]
    if existing and not force:
        names = ", ".join(p.name for p in existing)
        raise KeysExist(f"{names} already in {paths.directory}; use force to replace the key pair")

    paths.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if force:
        _retire_key_pair(paths)
    _write_key_pair(paths, passphrase, cost)
    if new_intake_secret or not paths.intake_secret.exists():
        secret = secrets.token_hex(INTAKE_SECRET_BYTES).encode("ascii") + b"\n"
        write_atomically(paths.intake_secret, secret, 0o600)
    ensure_linking_secret(paths.directory)
    ensure_signing_key(paths.directory)
    return paths


def rotate_keys(directory: Path, passphrase: bytes, *, cost: ScryptCost | None = None) -> str:
    """Make a new unit key pair; the old one is kept beside it. Returns the new key id.

    The passphrase must open the current private key: every key of the unit is protected by the
    same one, so the console can load them all at start with it."""
    paths = KeyPaths.in_directory(directory)
    load_private_key(paths.private_key, passphrase)  # raises WrongPassphrase
    _retire_key_pair(paths)
    return _write_key_pair(paths, passphrase, cost)


def _write_key_pair(paths: KeyPaths, passphrase: bytes, cost: ScryptCost | None) -> str:
    private_key = XWingPrivateKey.generate()
    info = pkcs8.private_key_info(pkcs8.OID_XWING, private_key.private_bytes_raw())
    public = private_key.public_key()
    public_pem = pkcs8.pem(
        "PUBLIC KEY", pkcs8.public_key_info(pkcs8.OID_XWING, public.public_bytes_raw())
    )
    encrypted = pkcs8.encrypt(info, passphrase, cost or DEFAULT_SCRYPT)
    write_atomically(paths.private_key, encrypted, 0o600)
    write_atomically(paths.public_key, public_pem, 0o644)
    return key_id(public)


def ensure_linking_secret(directory: Path) -> Path:
    """Create ``linking_secret.key`` if it is missing; never replace one (links would break)."""
    path = Path(directory) / LINKING_SECRET_FILE
    if not path.exists():
        secret = secrets.token_hex(INTAKE_SECRET_BYTES).encode("ascii") + b"\n"
        write_atomically(path, secret, 0o600)
    return path


def load_linking_secret(path: Path) -> bytes:
    """The root key of the blind indexes (bot/linking.py)."""
    try:
        return load_intake_secret(path)
    except KeyFileError:
        raise KeyFileError(
            f"cannot read the linking secret {path}; `familyvoice keys init` creates it"
        ) from None


def load_public_key(path: Path) -> UnitPublicKey:
    """The unit's public key: what the intake side seals to."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read public key {path}: {error.strerror}") from None
    try:
        algorithm, raw = pkcs8.read_public_key_info(pkcs8.unpem(data, "PUBLIC KEY"))
        if algorithm == pkcs8.OID_XWING:
            return XWingPublicKey(raw)
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise KeyFileError(f"cannot read public key {path}: {error}") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path} is not an X-Wing or X25519 public key")
    return key


def load_sealing_key(path: Path) -> XWingPublicKey:
    """The unit's current public key for an intake process: it must be post-quantum.

    Checks first that this machine can seal with X-Wing at all, so a missing ML-KEM in OpenSSL
    stops the process at start with a clear message instead of failing the first referral."""
    check_supported()
    key = load_public_key(path)
    if not isinstance(key, XWingPublicKey):
        raise ClassicalKey(
            f"{path} is an X25519 key: referrals sealed to it would not stay closed for decades. "
            "Run `familyvoice keys rotate` where the private key is, and copy the new "
            f"{PUBLIC_KEY_FILE} to the intake hosts."
        )
    return key


def load_private_key(path: Path, passphrase: bytes) -> UnitPrivateKey:
    """One of the unit's private keys; :class:`WrongPassphrase` if the passphrase is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read private key {path}: {error.strerror}") from None
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data:
        # An unprotected private key defeats the security model: refuse rather than use it.
        raise KeyFileError(f"{path} is not a passphrase-protected private key")
    if path.stat().st_mode & 0o077:
        log.warning("private key file %s is readable by other users; chmod 600 it", path)
    if not passphrase:
        raise WrongPassphrase(f"an empty passphrase cannot open {path}")
    try:
        algorithm, raw = pkcs8.read_private_key_info(pkcs8.decrypt(data, passphrase))
    except pkcs8.BadPassphrase:
        raise WrongPassphrase(f"wrong passphrase for {path} (or the file is damaged)") from None
    except pkcs8.FormatError:
        return _load_other_private_key(path, data, passphrase)
    try:
        if algorithm == pkcs8.OID_XWING:
            return XWingPrivateKey(raw)
        if algorithm == _OID_X25519:
            return X25519PrivateKey.from_private_bytes(raw)
    except ValueError:
        raise KeyFileError(f"{path} holds a damaged key") from None
    raise KeyFileError(f"{path} is not an X-Wing or X25519 private key")


def _load_other_private_key(path: Path, data: bytes, passphrase: bytes) -> X25519PrivateKey:
    """A protected key written by another tool (e.g. PBKDF2): cryptography's reader."""
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except ValueError:
        # cryptography gives the same ValueError for a wrong passphrase and for a damaged file.
        raise WrongPassphrase(f"wrong passphrase for {path} (or the file is damaged)") from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(f"{path} is not an X-Wing or X25519 private key")
    return key


def load_unit_keys(directory: Path, passphrase: bytes) -> UnitKeys:
    """The current private key and every retired one (``unit_private.<key id>.pem``).

    The current key must open with the passphrase. A retired key that does not (made with
    another passphrase by ``init --force``) is left out with a warning: what was sealed to it
    is then shown as sealed to a key the console has not loaded."""
    paths = KeyPaths.in_directory(directory)
    current = load_private_key(paths.private_key, passphrase)
    current_id = key_id(current.public_key())
    found: dict[str, UnitPrivateKey] = {current_id: current}
    for retired in sorted(paths.directory.glob("unit_private.*.pem")):
        try:
            key = load_private_key(retired, passphrase)
        except KeyFileError as error:
            log.warning(
                "keys.retired_key_not_loaded file=%s reason=%s", retired.name, type(error).__name__
            )
            continue
        found[key_id(key.public_key())] = key
    return UnitKeys(found, current_id)


def load_intake_secret(path: Path) -> bytes:
    """The intake side's 32-byte HMAC key."""
    try:
        secret = bytes.fromhex(Path(path).read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        raise KeyFileError(f"cannot read intake secret {path}") from None
    if len(secret) != INTAKE_SECRET_BYTES:
        raise KeyFileError(f"intake secret {path} must hold {INTAKE_SECRET_BYTES} bytes")
    return secret


def passphrase_from_env(environ: Mapping[str, str]) -> bytes:
    """The private key's passphrase, from FAMILYVOICE_KEY_PASSPHRASE or the file named by
    FAMILYVOICE_KEY_PASSPHRASE_FILE (e.g. a Docker or systemd secret)."""
    direct = environ.get(PASSPHRASE_ENV)
    file_name = environ.get(PASSPHRASE_FILE_ENV)
    if direct and file_name:
        raise KeyFileError(f"set only one of {PASSPHRASE_ENV} and {PASSPHRASE_FILE_ENV}")
    if direct:
        return direct.encode("utf-8")
    if file_name:
        try:
            # Drop the newline editors add; anything else is part of the passphrase.
            passphrase = Path(file_name).read_bytes().rstrip(b"\r\n")
        except OSError as error:
            raise KeyFileError(
                f"cannot read {PASSPHRASE_FILE_ENV} file {file_name}: {error.strerror}"
            ) from None
        if not passphrase:
            raise NoPassphrase(f"the file named by {PASSPHRASE_FILE_ENV} is empty")
        return passphrase
    raise NoPassphrase(
        f"the private key's passphrase is needed: set {PASSPHRASE_ENV}, "
        f"or {PASSPHRASE_FILE_ENV} to the name of a file holding it"
    )


def _retire_key_pair(paths: KeyPaths) -> None:
    if not paths.private_key.exists():
        paths.public_key.unlink(missing_ok=True)  # a public key alone opens nothing
        return
    try:
        suffix = key_id(load_public_key(paths.public_key))
    except KeyFileError:
        suffix = "unknown-" + secrets.token_hex(4)
    for current in (paths.private_key, paths.public_key):
        if current.exists():
            retired = current.with_name(f"{current.stem}.{suffix}{current.suffix}")
            os.replace(current, retired)
            log.info("kept the old key file as %s", retired.name)
