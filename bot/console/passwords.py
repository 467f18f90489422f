"""Officers' passwords: the policy, and scrypt hashes with their parameters stored beside them.

Stored form: ``scrypt$n=32768,r=8,p=1$<salt b64>$<hash b64>``. The algorithm's name and cost
travel with each hash (as GlobaLeaks does), so the cost can be raised later: an old hash still
verifies, and ``needs_rehash`` tells the caller to store a new one at the next good login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache
from pathlib import Path

from bot.keys import ScryptCost  # the same (n, r, p) as the unit's key file

MIN_LENGTH = 12
MAX_LENGTH = 1024  # scrypt takes any length; a cap stops a megabyte "password" costing CPU
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


# Memory used is about 128 * n * r bytes. OWASP's equivalent scrypt minimums are n=2**17, r=8,
# p=1 (128 MiB, what the unit's key file uses) or n=2**15, r=8, p=3 (32 MiB, three passes): we
# take the second, so several officers signing in at once cannot exhaust the console's memory.
# Read at call time so tests can swap in something cheap.
DEFAULT_COST = ScryptCost(n=2**15, r=8, p=3)
_SALT_BYTES = 16
_HASH_BYTES = 32
_FORMAT = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})


class WeakPassword(ValueError):
    """The password breaks the policy; the message says why, in words an officer understands."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    """What is left of a password once the usual decorations are taken off."""
    lowered = password.lower()
    stripped = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)  # "Password123!" -> "password"
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", stripped.translate(_LEET))


def check_policy(password: str, username: str = "") -> None:
    """Raise :class:`WeakPassword` unless the password is long, uncommon and not the username."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"The password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"The password must be at most {MAX_LENGTH} characters long.")
    common = common_passwords()
    core = _core(password)
    if password.lower() in common or core in common:
        raise WeakPassword("That password is on the list of common passwords; choose another.")
    if len(set(password)) < 5:
        raise WeakPassword("That password is too easy to guess: it repeats too few characters.")
    if not core:
        raise WeakPassword("That password is too easy to guess: use some letters as well.")
    if username and username.lower() in password.lower():
        raise WeakPassword("The password must not contain the username.")


def hash_password(password: str, cost: ScryptCost | None = None) -> str:
    cost = cost or DEFAULT_COST
    salt = os.urandom(_SALT_BYTES)
    digest = _scrypt(password, salt, cost)
    return "scrypt$n={},r={},p={}${}${}".format(
        cost.n, cost.r, cost.p, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``; False for a wrong password or a damaged hash."""
    match = _FORMAT.fullmatch(stored)
    if match is None or len(password) > MAX_LENGTH:
        return False
    n, r, p = (int(group) for group in match.group(1, 2, 3))
    salt, expected = base64.b64decode(match.group(4)), base64.b64decode(match.group(5))
    return hmac.compare_digest(_scrypt(password, salt, ScryptCost(n, r, p)), expected)


def needs_rehash(stored: str) -> bool:
    cost = DEFAULT_COST
    return not stored.startswith(f"scrypt$n={cost.n},r={cost.r},p={cost.p}$")


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to check when the username is unknown, so that answer takes as long as a wrong
    password and nobody can tell the two apart by timing."""
    return hash_password(os.urandom(16).hex())


def _scrypt(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    maxmem = 256 * cost.n * cost.r + 1024 * 1024  # room for scrypt's working memory and then some
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=maxmem, dklen=_HASH_BYTES
    )
