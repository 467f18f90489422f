"""The console's own secret: a key file beside the unit's keys, never in the database.

``console.key`` (0600) holds 32 random bytes, hex. Keys are derived from it (HKDF-SHA256),
one per job, so no use weakens another:
- the audit log's HMAC key: whoever can write to the database but not read this file cannot
  forge, edit, reorder or delete audit entries without ``familyvoice audit verify`` noticing;
- the audit checkpoints' Ed25519 signing key: the checkpoints written to the console's log
  can be checked by anyone given its public key, and made only by the console;
- the key that encrypts officers' TOTP secrets (AES-256-GCM), so a stolen database does not
  hand out second factors;
- the MAC key of officers' case events and rating changes, and of `keys reseal`'s attestations
  (bot/console/integrity.py): a database writer cannot forge or edit a decision;
- an Ed25519 key the console signs what it forwards with (rating changes, decisions), whose
  public half, ``console_signing_public.pem``, the relay and the receiver check it with;
- the key of the digests that name client addresses in sign-in counters and audit entries;
- the key of the HMACs that stand for session tokens in the database, so a database writer
  cannot mint a session.

The console (or the first ``officers``/``audit`` command) creates the file on first use; `keys
init` does not need to know about it. Back it up with the private key: without it the audit
log cannot be verified and every officer must re-enrol their second factor.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CONSOLE_KEY_FILE = "console.key"
_KEY_BYTES = 32


class ConsoleKeyError(Exception):
    """The console key file is missing (where it must exist), unreadable or malformed."""


class ConsoleKey:
    def __init__(self, master: bytes) -> None:
        if len(master) != _KEY_BYTES:
            raise ConsoleKeyError(f"the console key must be {_KEY_BYTES} bytes")
        self._master = master

    def _derive(self, purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"familyvoice/console/" + purpose).derive(
            self._master
        )

    @property
    def audit_mac_key(self) -> bytes:
        return self._derive(b"audit-mac")

    @property
    def record_mac_key(self) -> bytes:
        return self._derive(b"record-mac")

    def signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._derive(b"forward-signing"))

    @property
    def checkpoint_signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._derive(b"audit-checkpoint"))

    @property
    def source_key(self) -> bytes:
        return self._derive(b"client-address")

    @property
    def session_key(self) -> bytes:
        return self._derive(b"session-token")

    def encrypt_totp(self, secret: str, username: str) -> bytes:
        """Encrypt a TOTP secret, bound to its account (a secret copied onto another row fails)."""
        nonce = os.urandom(12)
        return nonce + AESGCM(self._derive(b"totp")).encrypt(nonce, secret.encode(), username.encode())

    def decrypt_totp(self, blob: bytes, username: str) -> str:
        from cryptography.exceptions import InvalidTag

        try:
            return AESGCM(self._derive(b"totp")).decrypt(blob[:12], blob[12:], username.encode()).decode()
        except (InvalidTag, ValueError):
            raise ConsoleKeyError("the TOTP secret does not open with this console key") from None


def load_console_key(keys_dir: Path, *, create: bool) -> ConsoleKey:
    """The console key from ``keys_dir``; made (0600, atomically, once) if ``create`` and missing."""
    path = Path(keys_dir) / CONSOLE_KEY_FILE
    if create and not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{CONSOLE_KEY_FILE}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link() fails if the file exists: when two processes start at once, one key wins
            # and both use it; nobody ever reads a half-written file.
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    try:
        master = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        raise ConsoleKeyError(f"no console key at {path}: start the console once, or restore it from backup") from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise ConsoleKeyError(f"cannot read the console key {path}") from None
    return ConsoleKey(master)
