"""What the audit chain is held against outside the database, where a database writer cannot reach.

- The head file (``audit.head``, beside the console key): the newest (seq, mac) this host
  wrote, replaced atomically after each append under a file lock, so it only ever moves on.
- Signed checkpoints in the console's log: ``{"event": "audit.checkpoint", "seq", "mac",
  "at", "signature"}``, an Ed25519 signature by a key derived from ``console.key`` (never in
  the database) over the newest entry's seq and mac. Logs are shipped off the host, so even
  someone who can also rewrite the head file cannot take back what a checkpoint recorded;
  ``familyvoice audit verify --checkpoints LOGFILE`` checks the database against each one.
- Entries kept aside (``audit.pending``): while the database's chain does not reach the head,
  nothing is appended to it (that would bury the gap under valid entries); each entry is kept
  in this file instead, with its own MAC, until ``familyvoice audit resume`` appends it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

HEAD_FILE = "audit.head"
PENDING_FILE = "audit.pending"
CHECKPOINT_EVENT = "audit.checkpoint"
_CHECKPOINT_CONTEXT = "familyvoice/audit-checkpoint/v1"


class HeadUnreadable(ValueError):
    """The head file exists but does not hold a seq and a mac."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    mac: str
    at: str
    signature: str
    where: str = ""  # file:line it was read from

    def message(self) -> bytes:
        return json.dumps([_CHECKPOINT_CONTEXT, self.seq, self.mac, self.at],
                          separators=(",", ":")).encode()

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(bytes.fromhex(self.signature), self.message())
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_log_fields(self) -> dict[str, Any]:
        return {"seq": self.seq, "mac": self.mac, "at": self.at, "signature": self.signature}


def sign_checkpoint(key: Ed25519PrivateKey, seq: int, mac: str, at: dt.datetime) -> Checkpoint:
    unsigned = Checkpoint(seq, mac, at.astimezone(dt.timezone.utc).isoformat(), "")
    return Checkpoint(seq, mac, unsigned.at, key.sign(unsigned.message()).hex())


def read_checkpoints(paths: Iterable[Path]) -> list[Checkpoint]:
    """Every checkpoint line in these log files (other lines, JSON or not, are skipped)."""
    found = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if CHECKPOINT_EVENT not in line:
                    continue
                try:
                    fields = json.loads(line)
                    if fields.get("event") != CHECKPOINT_EVENT:
                        continue
                    found.append(Checkpoint(int(fields["seq"]), str(fields["mac"]),
                                            str(fields["at"]), str(fields["signature"]),
                                            f"{path}:{number}"))
                except (ValueError, KeyError, TypeError, AttributeError):
                    found.append(Checkpoint(0, "", "", "", f"{path}:{number}"))  # fails to verify
    return found


class Anchors:
    """The head file and the entries kept aside, for one keys directory (None: no anchors,
    e.g. a tool that only reads). Whatever changes a file is called inside :meth:`locked`."""

    def __init__(self, keys_dir: Path | None, mac_key: bytes) -> None:
        self._dir = keys_dir
        self._key = mac_key

    @property
    def enabled(self) -> bool:
        return self._dir is not None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One writer at a time on this host: check the chain, append, move the head. (flock is
        per open file: never nest this, not even in one thread.)"""
        if self._dir is None:
            yield
            return
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self._dir / f".{HEAD_FILE}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    # --- the head ---------------------------------------------------------------------------

    def read_head(self) -> tuple[int, str] | None:
        if self._dir is None:
            return None
        path = self._dir / HEAD_FILE
        try:
            seq, mac = path.read_text(encoding="ascii").split()
            return int(seq), mac
        except FileNotFoundError:
            return None
        except (OSError, ValueError, UnicodeDecodeError):
            raise HeadUnreadable(f"the audit head file {path} is unreadable") from None

    def advance_head(self, seq: int, mac: str) -> None:
        """Record (seq, mac) as the newest entry written, unless a newer one already is."""
        if self._dir is None:
            return
        try:
            current = self.read_head()
        except HeadUnreadable:
            current = None  # damaged: the new head replaces it
        if current is not None and current[0] >= seq:
            return
        self._replace(HEAD_FILE, f"{seq} {mac}\n")

    def _replace(self, name: str, content: str) -> None:
        assert self._dir is not None
        temporary = self._dir / f".{name}.{secrets.token_hex(4)}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self._dir / name)

    # --- entries kept aside while the chain is broken ------------------------------------------

    def _pending_mac(self, fields: dict[str, Any]) -> str:
        body = json.dumps(["pending", fields["at"], fields["actor"], fields["action"],
                           fields["reference"], fields["detail"]], separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        return hmac.new(self._key, body, hashlib.sha256).hexdigest()

    def keep_aside(self, at: str, actor: str, action: str, reference: str | None,
                   detail: str) -> None:
        if self._dir is None:
            raise RuntimeError("the audit chain is broken and there is nowhere to keep entries")
        fields = {"at": at, "actor": actor, "action": action, "reference": reference,
                  "detail": detail}
        line = json.dumps({**fields, "mac": self._pending_mac(fields)}, ensure_ascii=False)
        fd = os.open(self._dir / PENDING_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def has_kept_aside(self) -> bool:
        return self._dir is not None and (self._dir / PENDING_FILE).exists()

    def kept_aside(self) -> tuple[list[dict[str, Any]], int]:
        """The entries kept aside, oldest first, and how many lines did not verify."""
        if self._dir is None:
            return [], 0
        try:
            lines = (self._dir / PENDING_FILE).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return [], 0
        good, bad = [], 0
        for line in lines:
            try:
                fields = json.loads(line)
                mac = fields.pop("mac")
                if hmac.compare_digest(self._pending_mac(fields), mac):
                    good.append(fields)
                    continue
            except (ValueError, KeyError, TypeError, AttributeError):
                pass
            bad += 1
        return good, bad

    def forget_kept_aside(self) -> None:
        if self._dir is not None:
            (self._dir / PENDING_FILE).unlink(missing_ok=True)
