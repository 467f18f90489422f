"""`familyvoice officers add|disable|reset-mfa|unlock|list` as an administrator uses them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.console.audit import AuditLog
from bot.console.consolekey import load_console_key
from bot.console.tables import OfficerRow
from bot.store import Store
from sqlalchemy import select
from sqlalchemy.orm import Session


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    for name in ("FAMILYVOICE_DB_URL", "FAMILYVOICE_KEYS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(monkeypatch, capsys, *args: str, stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def rows(var: Path) -> list[OfficerRow]:
    store = Store(f"sqlite:///{var / 'familyvoice.db'}")
    with Session(store.engine) as session:
        return list(session.execute(select(OfficerRow)).scalars())


def test_add_an_officer_with_the_password_on_stdin(var, monkeypatch, capsys):
    code, said = run(monkeypatch, capsys, "officers", "add", "Olive", "--password-stdin",
                     stdin="correct horse battery staple\n")
    assert code == 0 and "Created officer olive" in said
    [row] = rows(var)
    assert row.username == "olive" and row.role == "officer" and row.active
    assert "correct horse" not in row.password_hash and row.password_hash.startswith("scrypt$")
    assert row.totp_secret is None  # enrolled at the first sign-in


def test_a_weak_password_is_refused_and_nothing_is_created(var, monkeypatch, capsys):
    code, said = run(monkeypatch, capsys, "officers", "add", "olive", "--password-stdin", stdin="Password123!\n")
    assert code == 1 and "common passwords" in said
    code, said = run(monkeypatch, capsys, "officers", "add", "olive", "--password-stdin", stdin="short\n")
    assert code == 1 and "12 characters" in said
    assert rows(var) == []


def test_a_manager_and_a_duplicate(var, monkeypatch, capsys):
    assert run(monkeypatch, capsys, "officers", "add", "morag", "--role", "manager", "--password-stdin",
               stdin="mizzle over the fells 7\n")[0] == 0
    code, said = run(monkeypatch, capsys, "officers", "add", "morag", "--password-stdin", stdin="another long passphrase\n")
    assert code == 1 and "already an account" in said
    code, said = run(monkeypatch, capsys, "officers", "list")
    assert "morag" in said and "manager" in said and "no authenticator yet" in said


def test_disable_and_reset_mfa_are_audited(var, monkeypatch, capsys):
    run(monkeypatch, capsys, "officers", "add", "olive", "--password-stdin", stdin="correct horse battery staple\n")
    assert run(monkeypatch, capsys, "officers", "reset-mfa", "olive")[0] == 0
    code, said = run(monkeypatch, capsys, "officers", "disable", "olive")
    assert code == 0 and "Disabled olive" in said
    assert not rows(var)[0].active
    code, said = run(monkeypatch, capsys, "officers", "disable", "nobody")
    assert code == 1 and "no account called nobody" in said
    store = Store(f"sqlite:///{var / 'familyvoice.db'}")
    audit = AuditLog(store.engine, load_console_key(var / "keys", create=False).audit_mac_key)
    assert [e.action for e in audit.entries()] == ["officer_added", "mfa_reset", "officer_disabled"]
    assert main(["audit", "verify"]) == 0


def test_without_a_terminal_the_password_must_come_on_stdin(var, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(SystemExit, match="--password-stdin"):
        main(["officers", "add", "olive"])


def test_list_shows_a_lock_out_and_unlock_ends_it(var, monkeypatch, capsys):
    import datetime as dt

    from bot.console.lockout import LOCK_AFTER, Lockout, Scope

    run(monkeypatch, capsys, "officers", "add", "olive", "--password-stdin",
        stdin="correct horse battery staple\n")
    store = Store(f"sqlite:///{var / 'familyvoice.db'}")
    lockout = Lockout(store.engine, b"k" * 32)
    for _ in range(LOCK_AFTER):  # five failures from addresses she never signed in from
        lockout.take_try(Scope(rows(var)[0].id, None), dt.datetime.now(dt.timezone.utc))
    assert "locked from new addresses until" in run(monkeypatch, capsys, "officers", "list")[1]
    code, said = run(monkeypatch, capsys, "officers", "unlock", "olive")
    assert code == 0 and "Unlocked olive" in said
    assert "locked" not in run(monkeypatch, capsys, "officers", "list")[1]
    assert run(monkeypatch, capsys, "officers", "unlock", "nobody")[0] == 1
