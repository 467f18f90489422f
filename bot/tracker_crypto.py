"""Conversations in progress, encrypted at rest: the tracker key and what it seals.

Who can read what:
- The tracker key is an INTAKE-side secret (Rasa and the sweeper hold it; the action server and
  the duty officers' console do not need it). It is not the unit's private key: it opens only
  conversations still in progress, never a sealed referral.
- Each stored event is AES-256-GCM under a key derived from it, with a fresh random 96-bit nonce
  and the conversation id as associated data, so an event copied into another conversation's
  rows does not open.
- The conversation id itself is stored only as a keyed HMAC (a "handle"), so a phone number used
  as an id cannot be read off the table, nor found by hashing every number.

Blob layout (version 1): ``0x01 || nonce (12) || ciphertext || tag (16)``. The version byte is
also bound into the associated data, so a blob cannot be passed off as another format.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TRACKER_KEY_FILE = "tracker.key"
TRACKER_KEY_ENV = "FAMILYVOICE_TRACKER_KEY"  # 64 hex digits, e.g. from a secrets manager
TRACKER_KEY_FILE_ENV = "FAMILYVOICE_TRACKER_KEY_FILE"
KEY_BYTES = 32

VERSION = 1
ALGORITHM = "AES-256-GCM"  # of VERSION 1; a new algorithm gets a new version byte
_NONCE_BYTES = 12  # 96 bits, GCM's native nonce size
_TAG_BYTES = 16
OVERHEAD = 1 + _NONCE_BYTES + _TAG_BYTES  # bytes added to each event
HANDLE_HEX = 32  # 128 bits of HMAC-SHA256: no collisions among any number of conversations


class TrackerCryptoError(Exception):
    """The tracker key is missing or unusable, or a blob does not open."""


class CannotDecrypt(TrackerCryptoError):
    """Wrong key, a tampered or truncated blob, or a blob from another conversation."""


@dataclass(frozen=True)
class TrackerKey:
    """The tracker key and the two keys derived from it (one per use, so neither can stand in
    for the other)."""

    master: bytes = field(repr=False)
    _aead: AESGCM = field(init=False, repr=False, compare=False)
    _handle_key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.master) != KEY_BYTES:
            raise TrackerCryptoError(f"the tracker key must be {KEY_BYTES} bytes, not {len(self.master)}")
        # Derived once: every turn seals and opens many events.
        object.__setattr__(self, "_aead", AESGCM(_derive(self.master, b"familyvoice/tracker/events/v1")))
        object.__setattr__(self, "_handle_key", _derive(self.master, b"familyvoice/tracker/handle/v1"))

    @classmethod
    def generate(cls) -> "TrackerKey":
        return cls(secrets.token_bytes(KEY_BYTES))

    def handle(self, conversation_id: str) -> str:
        """The conversation id as stored: a keyed HMAC, stable for the lifetime of the key."""
        digest = hmac.new(self._handle_key, conversation_id.encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:HANDLE_HEX]

    def seal(self, plaintext: bytes, conversation_id: str, purpose: str = "event") -> bytes:
        """Encrypt one event (or other record) of ``conversation_id``."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, _aad(conversation_id, purpose))
        return bytes([VERSION]) + nonce + sealed

    def open(self, blob: bytes, conversation_id: str, purpose: str = "event") -> bytes:
        """Decrypt a blob made by :meth:`seal` for the same conversation and purpose."""
        blob = bytes(blob)
        if len(blob) < OVERHEAD or blob[0] != VERSION:
            raise CannotDecrypt("not a version-1 tracker blob (truncated, or another format)")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, _aad(conversation_id, purpose))
        except InvalidTag:
            # GCM cannot tell these apart, by design.
            raise CannotDecrypt("wrong tracker key, a tampered blob, or another conversation's blob") from None


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master)


def _aad(conversation_id: str, purpose: str) -> bytes:
    # "\0" cannot occur in the purpose, so the associated data has only one reading.
    return bytes([VERSION]) + purpose.encode("ascii") + b"\0" + conversation_id.encode("utf-8")


# --- the key on disk or in the environment -----------------------------------------------------


def key_path(keys_dir: Path) -> Path:
    return Path(keys_dir) / TRACKER_KEY_FILE


def load_tracker_key(keys_dir: Path, environ: Mapping[str, str] | None = None) -> TrackerKey:
    """The tracker key from FAMILYVOICE_TRACKER_KEY (hex), the file named by
    FAMILYVOICE_TRACKER_KEY_FILE, or ``tracker.key`` in the keys directory, in that order."""
    env = os.environ if environ is None else environ
    if env.get(TRACKER_KEY_ENV):
        return TrackerKey(_from_hex(env[TRACKER_KEY_ENV], TRACKER_KEY_ENV))
    path = Path(env[TRACKER_KEY_FILE_ENV]) if env.get(TRACKER_KEY_FILE_ENV) else key_path(keys_dir)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise TrackerCryptoError(
            f"cannot read the tracker key {path}: run `familyvoice keys init`, or set {TRACKER_KEY_ENV}"
        ) from None
    return TrackerKey(_from_hex(text, str(path)))


def create_tracker_key(keys_dir: Path) -> bool:
    """Write a new random ``tracker.key`` (0600) unless one exists; True if one was written.

    Never overwritten: conversations in progress would become unreadable and could not be
    passed on. To rotate, let the sweeper seal and purge every conversation first.
    """
    return create_hex_secret(key_path(keys_dir), KEY_BYTES)


def create_hex_secret(path: Path, size: int) -> bool:
    """Write ``size`` random bytes as hex to ``path`` (0600) unless it exists; True if written."""
    if path.exists():
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(size) + "\n")
        os.chmod(temporary, 0o600)
        os.link(temporary, path)  # fails if another process made one meanwhile: keep theirs
    except FileExistsError:
        return False
    finally:
        Path(temporary).unlink(missing_ok=True)
    return True


def _from_hex(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise TrackerCryptoError(f"the tracker key in {where} is not hex") from None
    if len(key) != KEY_BYTES:
        raise TrackerCryptoError(f"the tracker key in {where} must be {KEY_BYTES} bytes ({2 * KEY_BYTES} hex digits)")
    return key
