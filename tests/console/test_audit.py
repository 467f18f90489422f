"""The audit log: hash-chained, keyed outside the database, and `audit verify` catches tampering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from bot.console.audit import AuditLog, open_audit_log
from bot.console.audit_verify import verify as verify_chain
from bot.console.consolekey import CONSOLE_KEY_FILE, load_console_key
from bot.store import Store

UTC = dt.timezone.utc


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    for name in ("FAMILYVOICE_DB_URL", "FAMILYVOICE_KEYS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def store(var: Path) -> Store:
    created = Store(f"sqlite:///{var / 'familyvoice.db'}")
    created.create_all()
    return created


@pytest.fixture
def log(store: Store, var: Path) -> AuditLog:
    key = load_console_key(var / "keys", create=True)
    audit = open_audit_log(store.engine, key, var / "keys")
    at = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    for n, (actor, action, reference) in enumerate([
        ("olive", "login", None), ("olive", "opened", "FV-AAAA-BBBB"), ("olive", "rating_changed", "FV-AAAA-BBBB"),
        ("morag", "login", None), ("morag", "opened", "FV-AAAA-BBBB"), ("olive", "decision", "FV-AAAA-BBBB"),
    ]):
        detail = {"from": "AMBER", "to": "RED"} if action == "rating_changed" else {}
        audit.append(actor, action, reference=reference, detail=detail, at=at + dt.timedelta(minutes=n))
    return audit


def sql(store: Store, statement: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement))


def verify(capsys: pytest.CaptureFixture) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["audit", "verify"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_an_untouched_log_verifies(log, capsys):
    assert verify_chain(log).ok
    code, said = verify(capsys)
    assert code == 0 and "intact: 6 entries" in said


def test_the_key_is_a_file_outside_the_database(log, var):
    key_file = var / "keys" / CONSOLE_KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.read_text().strip() not in (var / "familyvoice.db").read_bytes().decode("latin-1")


@pytest.mark.parametrize("tamper, expected", [
    # an insider makes the decision look like someone else's
    ("UPDATE console_audit SET actor = 'morag' WHERE seq = 6", "entry 6 was altered"),
    ("UPDATE console_audit SET detail = '{\"from\":\"AMBER\",\"to\":\"GREEN\"}' WHERE seq = 3", "entry 3 was altered"),
    ("UPDATE console_audit SET at = '2026-03-10 08:00:00.000000' WHERE seq = 2", "entry 2 was altered"),
    # ... deletes that they opened it
    ("DELETE FROM console_audit WHERE seq = 5", "entry 5 is missing"),
    # ... deletes it and renumbers the rest to hide the gap
    ("DELETE FROM console_audit WHERE seq = 5; UPDATE console_audit SET seq = 5 WHERE seq = 6", "entry 5"),
    # ... deletes the newest entries
    ("DELETE FROM console_audit WHERE seq >= 5", "newest entries deleted"),
    # ... or everything
    ("DELETE FROM console_audit", "newest entries deleted"),
    # ... swaps the order of two entries (renumbering them)
    ("UPDATE console_audit SET seq = -1 WHERE seq = 2; UPDATE console_audit SET seq = 2 WHERE seq = 3;"
     " UPDATE console_audit SET seq = 3 WHERE seq = -1", "entry 2"),
])
def test_tampering_is_detected(log, store, capsys, tamper, expected):
    for statement in tamper.split(";"):
        sql(store, statement)
    result = verify_chain(log)
    assert not result.ok
    assert any(expected in problem for problem in result.problems), result.problems
    code, said = verify(capsys)
    assert code == 1 and "tampered" in said and expected in said


def test_a_forged_entry_without_the_key_is_detected(log, store, var, capsys):
    forger = AuditLog(store.engine, b"\x00" * 32)  # a chain the insider computes with a guessed key
    forger.append("olive", "login")
    assert any("entry 7 was altered" in p for p in verify_chain(log).problems)


def test_verify_without_the_key_file_says_so(log, var, capsys):
    (var / "keys" / CONSOLE_KEY_FILE).unlink()
    code, said = verify(capsys)
    assert code == 2 and "no console key" in said


def test_two_writers_keep_one_unbroken_chain(store, var):
    import threading

    key = load_console_key(var / "keys", create=True)
    logs = [open_audit_log(store.engine, key, var / "keys") for _ in range(4)]
    threads = [threading.Thread(target=lambda a=a: [a.append("olive", "opened", reference="FV-AAAA-BBBB") for _ in range(10)])
               for a in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify_chain(logs[0])
    assert result.ok and result.entries == 40, result.problems
