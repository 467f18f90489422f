"""Officers' passwords: the policy, and scrypt hashes that carry their own parameters."""

from __future__ import annotations

import pytest

from bot.console import passwords
from bot.console.passwords import WeakPassword, check_policy, hash_password, needs_rehash, verify_password

REAL_COST = passwords.DEFAULT_COST  # read at import, before the tests' cheap cost is swapped in


@pytest.mark.parametrize("weak, why", [
    ("short pass", "at least 12"),
    ("password1234", "common"),
    ("Password123!", "common"),          # a common word with the usual decorations
    ("P@ssw0rd2024!", "common"),         # ... and l33t spelling
    ("Safeguarding2026", "common"),      # the word anyone would guess here
    ("qwertyuiop12", "common"),
    ("123456789012", "common"),
    ("aaaaaaaaaaaaaaaa", "too easy"),
    ("8392017483920", "letters"),
    ("olive-likes-long-walks", "username"),
])
def test_weak_passwords_are_refused_with_a_reason(weak, why):
    with pytest.raises(WeakPassword, match=why):
        check_policy(weak, username="olive")


@pytest.mark.parametrize("good", ["correct horse battery staple", "Tr4ffic-cone-at-dawn", "mizzle over the fells 7"])
def test_long_uncommon_passwords_are_accepted(good):
    check_policy(good, username="olive")


def test_the_hash_carries_its_algorithm_and_cost_and_verifies():
    stored = hash_password("correct horse battery staple")
    cost = passwords.DEFAULT_COST
    assert stored.startswith(f"scrypt$n={cost.n},r={cost.r},p={cost.p}$")
    assert "correct horse" not in stored
    assert verify_password("correct horse battery staple", stored)
    assert not verify_password("correct horse battery stapler", stored)
    assert hash_password("correct horse battery staple") != stored  # a fresh salt each time


def test_an_old_cost_still_verifies_and_asks_to_be_rehashed(monkeypatch):
    old = hash_password("correct horse battery staple", passwords.ScryptCost(n=2**3, r=8, p=1))
    assert verify_password("correct horse battery staple", old)
    assert needs_rehash(old)
    assert not needs_rehash(hash_password("correct horse battery staple"))


def test_the_real_cost_is_memory_hard():
    assert 128 * REAL_COST.n * REAL_COST.r >= 32 * 1024 * 1024  # 32 MiB a guess
    assert REAL_COST.n * REAL_COST.p >= 2**15 * 3  # OWASP's minimum for that memory


@pytest.mark.parametrize("damaged", ["", "bcrypt$whatever", "scrypt$n=16,r=8,p=1$!!$!!", "scrypt$n=16,r=8,p=1$AAAA"])
def test_a_damaged_hash_never_verifies(damaged):
    assert not verify_password("anything at all 123", damaged)
