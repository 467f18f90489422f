"""The unit's keys on disk.

Three files in one directory:
- ``unit_public.pem`` (0644): the X25519 public key. The intake side needs this and nothing else
  to seal referrals.
- ``unit_private.pem`` (0600): the matching private key, passphrase-protected; only the console
  loads it.
- ``intake_secret.key`` (0600): 32 random bytes, hex. The intake side's HMAC key for idempotency
  keys and blind indexes. It is not the private key and opens nothing.
- ``linking_secret.key`` (0600): 32 random bytes, hex. The root of the per-field keys of the
  blind indexes that link referrals about the same child (bot/linking.py). Kept apart from the
  intake secret so it can be handed to the console (to search by child) without the rest.

The private key file is standard PKCS#8 (RFC 5958) "ENCRYPTED PRIVATE KEY": PBES2 with scrypt
(RFC 7914) and AES-256-CBC. ``cryptography`` can read that but only writes PKCS#8 with PBKDF2 at
2048 iterations, which is cheap to brute-force, so we write the (small, fixed) DER ourselves. Any
PKCS#8 reader opens it; note that the ``openssl`` command line caps scrypt at 32 MiB by default,
below our default cost, so use ``cryptography`` (or raise OpenSSL's limit) to read it elsewhere.

Nothing here logs or prints key material or passphrases.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from bot.sealing import key_id

log = logging.getLogger(__name__)

PRIVATE_KEY_FILE = "unit_private.pem"
PUBLIC_KEY_FILE = "unit_public.pem"
INTAKE_SECRET_FILE = "intake_secret.key"
INTAKE_SECRET_BYTES = 32
LINKING_SECRET_FILE = "linking_secret.key"  # same format as the intake secret

PASSPHRASE_ENV = "FAMILYVOICE_KEY_PASSPHRASE"
PASSPHRASE_FILE_ENV = "FAMILYVOICE_KEY_PASSPHRASE_FILE"


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's cost parameters; memory used is about 128 * n * r bytes."""

    n: int = 2**17
    r: int = 8
    p: int = 1


# OWASP's recommended minimum for scrypt (128 MiB, about 0.4 s). Read at call time so tests can
# swap in something cheap (see the ``cheap_key_derivation`` fixture).
DEFAULT_SCRYPT = ScryptCost()


class KeyFileError(Exception):
    """A key file is missing, unreadable, of the wrong kind, or not protected as it should be."""


class KeysExist(KeyFileError):
    """init_keys would overwrite existing keys and was not told to."""


class WrongPassphrase(KeyFileError):
    """The passphrase does not open the private key."""


class NoPassphrase(KeyFileError):
    """Neither passphrase environment variable is set."""


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
    """Generate the unit's key pair and the intake secret in ``directory``.

    Refuses (:class:`KeysExist`) if a key file is already there, unless ``force``. Even then the
    old key pair is kept, renamed ``unit_private.<key id>.pem`` / ``unit_public.<key id>.pem``,
    because every referral sealed to it needs it to open. An existing intake secret is kept unless
    ``new_intake_secret``: replacing it breaks the links between earlier and later referrals.
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

    private_key = X25519PrivateKey.generate()
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_atomically(paths.private_key, _encrypt_private_key(private_key, passphrase, cost), 0o600)
    _write_atomically(paths.public_key, public_pem, 0o644)
    if new_intake_secret or not paths.intake_secret.exists():
        secret = secrets.token_hex(INTAKE_SECRET_BYTES).encode("ascii") + b"\n"
        _write_atomically(paths.intake_secret, secret, 0o600)
    ensure_linking_secret(paths.directory)
    return paths


def ensure_linking_secret(directory: Path) -> Path:
    """Create ``linking_secret.key`` if it is missing; never replace one (links would break)."""
    path = Path(directory) / LINKING_SECRET_FILE
    if not path.exists():
        secret = secrets.token_hex(INTAKE_SECRET_BYTES).encode("ascii") + b"\n"
        _write_atomically(path, secret, 0o600)
    return path


def load_linking_secret(path: Path) -> bytes:
    """The root key of the blind indexes (bot/linking.py)."""
    try:
        return load_intake_secret(path)
    except KeyFileError:
        raise KeyFileError(f"cannot read the linking secret {path}; `familyvoice keys init` creates it") from None


def load_public_key(path: Path) -> X25519PublicKey:
    """The unit's public key: all the intake side needs to seal."""
    try:
        key = serialization.load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise KeyFileError(f"cannot read public key {path}: {error}") from None
    if not isinstance(key, X25519PublicKey):
        raise KeyFileError(f"{path} is not an X25519 public key")
    return key


def load_private_key(path: Path, passphrase: bytes) -> X25519PrivateKey:
    """The unit's private key; raises :class:`WrongPassphrase` if the passphrase is wrong."""
    path = Path(path)
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise KeyFileError(f"cannot read private key {path}: {error.strerror}") from None
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in pem:
        # An unprotected private key defeats the security model: refuse rather than use it.
        raise KeyFileError(f"{path} is not a passphrase-protected private key")
    if path.stat().st_mode & 0o077:
        log.warning("private key file %s is readable by other users; chmod 600 it", path)
    if not passphrase:
        raise WrongPassphrase(f"an empty passphrase cannot open {path}")
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except ValueError:
        # cryptography gives the same ValueError for a wrong passphrase and for a damaged file.
        raise WrongPassphrase(f"wrong passphrase for {path} (or the file is damaged)") from None
    if not isinstance(key, X25519PrivateKey):
        raise KeyFileError(f"{path} is not an X25519 private key")
    return key


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


# --- writing files ---------------------------------------------------------------------------


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write via a temporary file (created 0600) and rename, so no reader ever sees half a key
    and the private key is never briefly readable by others."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


# --- PKCS#8 with scrypt ----------------------------------------------------------------------

_OID_PBES2 = "1.2.840.113549.1.5.13"  # RFC 8018
_OID_SCRYPT = "1.3.6.1.4.1.11591.4.11"  # RFC 7914
_OID_AES256_CBC = "2.16.840.1.101.3.4.1.42"  # NIST


def _encrypt_private_key(
    key: X25519PrivateKey, passphrase: bytes, cost: ScryptCost | None
) -> bytes:
    """PEM "ENCRYPTED PRIVATE KEY": PKCS#8 EncryptedPrivateKeyInfo, PBES2(scrypt, AES-256-CBC)."""
    cost = cost or DEFAULT_SCRYPT
    plain = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, iv = os.urandom(16), os.urandom(16)
    aes_key = Scrypt(salt=salt, length=32, n=cost.n, r=cost.r, p=cost.p).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()

    scrypt_params = _seq(_octets(salt), _integer(cost.n), _integer(cost.r), _integer(cost.p))
    pbes2_params = _seq(
        _seq(_oid(_OID_SCRYPT), scrypt_params),
        _seq(_oid(_OID_AES256_CBC), _octets(iv)),
    )
    der = _seq(_seq(_oid(_OID_PBES2), pbes2_params), _octets(encrypted))
    return _pem("ENCRYPTED PRIVATE KEY", der)


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        length = bytes([size])
    else:
        digits = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(digits)]) + digits
    return bytes([tag]) + length + content


def _seq(*parts: bytes) -> bytes:
    return _der(0x30, b"".join(parts))


def _octets(data: bytes) -> bytes:
    return _der(0x04, data)


def _integer(value: int) -> bytes:
    # Non-negative only; the extra byte keeps the sign bit clear, as DER requires.
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(arc) for arc in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _der(0x06, bytes(body))


def _pem(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()
