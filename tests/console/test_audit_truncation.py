"""Deleting the newest audit entries: caught at the next append, and never buried under new ones.

A database writer deletes the newest N entries (to hide that someone opened a referral); the
console goes on. Nothing more may go into the database's chain (new entries with valid MACs
would fill the gap), the alarm must be raised in the log, on the console and by `audit
verify`, and nothing officers do meanwhile may go unrecorded. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import structlog
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bot.cli import main
from bot.console.appkeys import ACCOUNTS, AUDIT, STORE
from bot.console.audit import AuditLog, open_audit_log
from bot.console.audit_anchors import HEAD_FILE, PENDING_FILE, read_checkpoints
from bot.console.audit_verify import verify
from bot.console.consolekey import load_console_key
from bot.store import Store
from tests.bot.test_logs import captured  # noqa: F401 - logging into a buffer, put back afterwards
from tests.bot.test_store import postgres_admin, postgres_url  # noqa: F401 - PostgreSQL fixtures
from tests.console.conftest import NOON, PASSWORD, make_referral, queue_referral, sign_in

UTC = dt.timezone.utc
AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
WRITTEN = 6


@pytest.fixture
def var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("FAMILYVOICE_KEYS_DIR", raising=False)
    return tmp_path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, var: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = (f"sqlite:///{var / 'familyvoice.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("FAMILYVOICE_DB_URL", url)  # for `familyvoice audit ...`
    created = Store(url)
    created.create_all()
    yield created
    created.engine.dispose()


def console_log(store: Store, var: Path) -> AuditLog:
    return open_audit_log(store.engine, load_console_key(var / "keys", create=True), var / "keys")


@pytest.fixture
def log(store: Store, var: Path) -> AuditLog:
    audit = console_log(store, var)
    for n in range(WRITTEN):
        audit.append("olive", "opened", reference=f"FV-AAAA-000{n}",
                     at=AT + dt.timedelta(minutes=n))
    return audit


def delete_newest(store: Store, count: int) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM console_audit WHERE seq > :keep"),
                           {"keep": WRITTEN - count})


def seqs(store: Store) -> list[int]:
    with store.engine.connect() as connection:
        return list(connection.execute(
            text("SELECT seq FROM console_audit ORDER BY seq")).scalars())


def cli(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("deleted", [1, 3, WRITTEN])
def test_an_append_after_the_newest_entries_are_deleted_refuses_to_fill_the_gap(
        log, store, var, capsys, deleted):
    # Given the newest entries were deleted from the database
    delete_newest(store, deleted)
    # When the console goes on appending, in this process and in a fresh one
    with structlog.testing.capture_logs() as said:
        kept = [log.append("olive", "opened", reference="FV-BBBB-0001") for _ in range(3)]
        kept.append(console_log(store, var).append("morag", "login"))
    # Then nothing new is in the database's chain: the gap stays where it was
    assert seqs(store) == list(range(1, WRITTEN - deleted + 1))
    assert [entry.seq for entry in kept] == [0, 0, 0, 0]
    assert (var / "keys" / HEAD_FILE).read_text().split()[0] == str(WRITTEN)
    # and the alarm is raised: in the log, on the console, and by `audit verify`
    alarms = [line for line in said if line["event"] == "audit.alarm"]
    assert alarms and alarms[0]["log_level"] == "error"
    assert "newest entries deleted" in alarms[0]["problem"]
    assert "newest entries deleted" in log.alarm
    code, out = cli(capsys, "audit", "verify")
    assert code == 1 and "newest entries deleted" in out and "4 entries are kept aside" in out
    # and what happened meanwhile is not lost: kept aside, with its MACs
    assert len(log.anchors.kept_aside()[0]) == 4


def test_before_this_fix_the_gap_was_filled_silently(log, store):
    """What the attack looked like: the deleted numbers reused, with valid MACs, and the head
    file moved past the old head. Both must now be impossible."""
    delete_newest(store, 2)
    for _ in range(5):
        log.append("olive", "login")
    assert max(seqs(store)) == WRITTEN - 2
    result = verify(log)
    assert not result.ok and any("newest entries deleted" in problem for problem in result.problems)


def test_a_replaced_head_entry_is_caught_too(log, store):
    # An insider deletes the newest entry and puts back one with another entry's fields and MAC
    with store.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM console_audit WHERE seq = {WRITTEN}"))
        connection.execute(text(
            "INSERT INTO console_audit (seq, at, actor, action, reference, detail, prev_mac, mac) "
            f"SELECT {WRITTEN}, at, actor, action, reference, detail, prev_mac, mac "
            "FROM console_audit WHERE seq = 2"))
    assert log.append("olive", "login").seq == 0
    assert "entry 6" in log.alarm


def test_the_console_watch_raises_the_alarm_without_an_append(log, store):
    assert log.check() is None
    delete_newest(store, 1)
    assert "newest entries deleted" in log.check()


def test_resume_records_the_loss_then_adds_what_was_kept_aside(log, store, var, capsys):
    delete_newest(store, 2)
    log.append("olive", "opened", reference="FV-CCCC-0001")
    log.append("olive", "decision", reference="FV-CCCC-0001", detail={"decision": "early_help"})
    # The administrator looks into it, then resumes
    code, out = cli(capsys, "audit", "resume")
    assert code == 0 and "entries 5 to 6 are recorded as lost" in out
    assert "2 entries kept aside" in out
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 7, 8, 9]  # the lost numbers are never reused
    assert [e.action for e in entries[4:]] == ["chain_resumed", "opened", "decision"]
    assert entries[4].detail["db_end"] == 4 and entries[4].detail["head_seq"] == 6
    assert not (var / "keys" / PENDING_FILE).exists()
    # verify passes again, and still tells of the loss
    code, out = cli(capsys, "audit", "verify")
    assert code == 0 and "(acknowledged) entries 5 to 6 were lost" in out
    # the alarm is over: appends go into the chain again
    assert console_log(store, var).append("olive", "login").seq == 10
    assert verify(log).ok
    # and resuming an intact log is refused
    code, out = cli(capsys, "audit", "resume")
    assert code == 1 and "nothing to resume" in out


def test_resume_does_not_hide_a_later_deletion(log, store, var, capsys):
    delete_newest(store, 1)
    log.append("olive", "login")
    assert cli(capsys, "audit", "resume")[0] == 0
    log.append("olive", "login")
    log.append("olive", "logout")
    delete_newest_after = max(seqs(store))
    with store.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM console_audit WHERE seq = {delete_newest_after}"))
    code, out = cli(capsys, "audit", "verify")
    assert code == 1 and "newest entries deleted" in out


def test_the_head_is_anchored_in_signed_checkpoints_too(store, var, capsys, captured):  # noqa: F811
    # Given a console that wrote its checkpoints to its log
    audit = console_log(store, var)
    for n in range(120):
        audit.append("olive", "opened", reference=f"FV-DDDD-{n:04d}")
    audit.check()
    log_file = var / "console.log"
    log_file.write_text(captured.getvalue())
    checkpoints = read_checkpoints([log_file])
    assert [c.seq for c in checkpoints][-1] == 120 and len(checkpoints) >= 2
    assert cli(capsys, "audit", "verify", "--checkpoints", str(log_file))[0] == 0
    # When someone deletes the newest entries AND rolls the head file back with them
    delete_newest_from = 101
    with store.engine.begin() as connection:
        mac = connection.execute(text("SELECT mac FROM console_audit WHERE seq = 100")).scalar()
        connection.execute(text(f"DELETE FROM console_audit WHERE seq >= {delete_newest_from}"))
    (var / "keys" / HEAD_FILE).write_text(f"100 {mac}\n")
    # Then the head alone no longer shows it, but the log's checkpoints do
    assert cli(capsys, "audit", "verify")[0] == 0
    code, out = cli(capsys, "audit", "verify", "--checkpoints", str(log_file))
    assert code == 1 and "records entry 120" in out and "newest entries deleted" in out


def test_a_checkpoint_not_signed_by_the_console_is_reported(log, var, capsys):
    forged = {"event": "audit.checkpoint", "seq": 3, "mac": "0" * 64,
              "at": "2026-03-10T09:00:00+00:00", "signature": "00" * 64}
    log_file = var / "forged.log"
    log_file.write_text("not json\n" + json.dumps(forged) + "\n")
    code, out = cli(capsys, "audit", "verify", "--checkpoints", str(log_file))
    assert code == 1 and f"{log_file}:2 is not signed by this console's key" in out


def test_checkpoints_are_checked_with_a_public_key_anyone_may_hold(log, var, capsys):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    code, out = cli(capsys, "audit", "checkpoint-key")
    public = load_pem_public_key(out.encode())
    assert code == 0 and public.public_bytes_raw() == log.checkpoint_public_key.public_bytes_raw()


async def test_during_the_alarm_officers_work_on_and_everything_is_still_recorded(
        client, app, signed_in, clock):
    queue_referral(app, make_referral("FV-ALRM-0001", priority="RED"), deadline=NOON)
    assert "Audit alarm" not in await (await client.get("/")).text()
    with app[STORE].engine.begin() as connection:  # the newest entries go
        connection.execute(text("DELETE FROM console_audit WHERE seq > 1"))
    # The officer opens a RED referral: she still can, and every page says what is wrong
    page = await (await client.get("/referrals/FV-ALRM-0001")).text()
    assert "He had a black eye" in page and "Audit alarm" in page
    # Another officer signs in meanwhile
    app[ACCOUNTS].add("morag", PASSWORD, "manager")
    second = TestClient(client.server)
    await second.start_server()
    await sign_in(second, "morag", clock=clock)
    assert "Audit alarm" in await (await second.get("/")).text()
    # Nothing went into the broken chain; all of it was kept aside, and goes in on resume
    assert len(app[AUDIT].entries()) == 1
    kept = [entry["action"] for entry in app[AUDIT].anchors.kept_aside()[0]]
    assert "opened" in kept and "mfa_enrolled" in kept and kept.count("login") == 1
    app[AUDIT].resume()
    actions = [entry.action for entry in app[AUDIT].entries()]
    assert actions[1] == "chain_resumed" and actions[2:] == kept
    assert "Audit alarm" not in await (await client.get("/")).text()
