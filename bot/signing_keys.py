"""The signing keys' files: the intake's Ed25519 key pair, and the console's public half.

- ``intake_signing.pem`` (0600, intake hosts only): the intake's private signing key, made by
  `familyvoice keys init` if missing and never replaced (what it signed could no longer be
  checked). Plain PKCS#8, 0600, like ``intake_secret.key``: intake hosts start unattended.
- ``intake_signing_public.pem`` (0644): its public half, for the console and the relay. Every
  ``intake_signing_public*.pem`` in the directory is trusted, so a replaced key's public half
  can be kept beside the new one as ``intake_signing_public.<id>.pem``.
- ``console_signing_public.pem`` (0644): the public half of the key the console signs what it
  forwards with (derived from ``console.key``); the console writes it at start, for the relay
  and the receiving system.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from bot.files import KeyFileError, write_atomically
from bot.origin import signer_id

SIGNING_KEY_FILE = "intake_signing.pem"
SIGNING_PUBLIC_FILE = "intake_signing_public.pem"
CONSOLE_PUBLIC_FILE = "console_signing_public.pem"


def ensure_signing_key(directory: Path) -> Path:
    """Create the intake's signing key pair if it is missing; never replace it."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, public_path = directory / SIGNING_KEY_FILE, directory / SIGNING_PUBLIC_FILE
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        write_atomically(private_path, private_pem, 0o600)
        _write_public(public_path, key.public_key())
    elif not public_path.exists():
        _write_public(public_path, load_signing_key(private_path).public_key())
    return private_path


def _write_public(path: Path, key: Ed25519PublicKey) -> None:
    public_pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    write_atomically(path, public_pem, 0o644)


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The intake's signing key (intake hosts only)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        raise KeyFileError(
            f"cannot read the intake signing key {path}; `familyvoice keys init` creates it"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key")
    return key


def _public_keys(directory: Path, pattern: str) -> dict[str, Ed25519PublicKey]:
    found: dict[str, Ed25519PublicKey] = {}
    for path in sorted(Path(directory).glob(pattern)):
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError) as error:
            raise KeyFileError(f"cannot read {path}: {error}") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFileError(f"{path} is not an Ed25519 public key")
        found[signer_id(key)] = key
    return found


def load_signing_public_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    """Every intake signing public key in ``directory``, by id; :class:`KeyFileError` if none:
    without one nothing could be trusted."""
    found = _public_keys(directory, "intake_signing_public*.pem")
    if not found:
        raise KeyFileError(
            f"no {SIGNING_PUBLIC_FILE} in {directory}: copy it from the intake's keys "
            "(`familyvoice keys init` makes it)"
        )
    return found


def write_console_signing_key(directory: Path, key: Ed25519PublicKey) -> None:
    """Publish the console's forwarding key beside the others (rewritten only if it changed)."""
    path = Path(directory) / CONSOLE_PUBLIC_FILE
    if signer_id(key) not in _public_keys(directory, CONSOLE_PUBLIC_FILE):
        _write_public(path, key)


def load_console_public_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    """The console's forwarding keys, by id (none if the console never ran here)."""
    return _public_keys(directory, "console_signing_public*.pem")
