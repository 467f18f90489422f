"""Writing key files safely: the one place a secret file is written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class KeyFileError(Exception):
    """A key file is missing, unreadable, of the wrong kind, or not protected as it should be."""


def write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write via a temporary file (created 0600) and rename, so no reader ever sees half a key
    and a private key is never briefly readable by others."""
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
