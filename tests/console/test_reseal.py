"""Rotating the unit's keys and resealing: everything opens after each, and stays verified.

A council that installed FamilyVoice before X-Wing has referrals sealed with X25519 alone. It
runs `familyvoice keys rotate` (a new X-Wing key pair, the old one kept) and later
`familyvoice keys reseal` (everything moved onto the newest key, from the officer side).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select, text

from bot import cli, keys, pkcs8, sealing, signing_keys
from bot.console import reseal
from bot.console.app import init_app
from bot.console.appkeys import ACCOUNTS, AUDIT, CASEWORK, CONFIG, INTEGRITY, STORE
from bot.console.tables import CaseEventRow
from bot.intake import Intake
from bot.store import AddendumRow, ReferralRow
from tests.console.conftest import NOON, PASSWORD, sign_in

PASSPHRASE = b"test passphrase"  # the conftest's unit_key fixture made the keys with it
EVENTS = [{"event": "user", "text": "She has marks on her arms", "timestamp": NOON.timestamp()}]


@pytest.fixture
def keys_dir(tmp_path, unit_key):
    """A key directory as an install from before X-Wing has it: the unit's key is X25519."""
    directory = tmp_path / "keys"
    old = X25519PrivateKey.generate()
    info = pkcs8.private_key_info("1.3.101.110", old.private_bytes_raw())
    (directory / keys.PRIVATE_KEY_FILE).write_bytes(
        pkcs8.encrypt(info, PASSPHRASE, keys.ScryptCost(n=2**4))
    )
    (directory / keys.PUBLIC_KEY_FILE).write_bytes(
        old.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return directory


def intake(app, public_key) -> Intake:
    signing_key = signing_keys.load_signing_key(
        app[CONFIG].keys_dir / signing_keys.SIGNING_KEY_FILE
    )
    return Intake(app[STORE], public_key, b"i" * 32, signing_key=signing_key)


def file(app, public_key, conversation: str, text_: str) -> str:
    return (
        intake(app, public_key)
        .submit(
            {"concern_description": text_},
            EVENTS,
            channel="sms",
            conversation_id=conversation,
            now=NOON,
        )
        .reference
    )


def console_with_all_keys(config, keys_dir):
    return init_app(replace(config, private_key=keys.load_unit_keys(keys_dir, PASSPHRASE)))


def key_ids(app) -> set[str]:
    with app[STORE].engine.connect() as connection:
        found = set()
        for table in (ReferralRow.__table__, AddendumRow.__table__, CaseEventRow.__table__):
            found |= {row[0] for row in connection.execute(select(table.c.key_id)) if row[0]}
        return found


async def open_page(client, reference) -> str:
    reply = await client.get(f"/referrals/{reference}")
    assert reply.status == 200, reply.status
    return await reply.text()


async def test_referrals_under_each_key_open_after_rotate_and_after_reseal(
    config, keys_dir, aiohttp_client, clock, monkeypatch, tmp_path
):
    # Given a referral sealed with the old X25519 key, an addition, and an officer's note
    before = init_app(replace(config, private_key=keys.load_unit_keys(keys_dir, PASSPHRASE)))
    classical = keys.load_public_key(keys_dir / keys.PUBLIC_KEY_FILE)
    old_ref = file(before, classical, "c-old", "She has marks on her arms")
    intake(before, classical).add_to_report(
        old_ref, "They are bruises", at=NOON + dt.timedelta(hours=1)
    )
    olive = before[ACCOUNTS].add("olive", PASSWORD, "officer")
    before[CASEWORK].add_note(old_ref, olive, "Called the school.")
    before[STORE].engine.dispose()

    # When the keys are rotated, and a referral comes in under the new key
    new_id = keys.rotate_keys(keys_dir, PASSPHRASE)
    app = console_with_all_keys(config, keys_dir)
    client = await aiohttp_client(app)
    signed = await sign_in(client, "olive", clock=clock)
    newest = keys.load_sealing_key(keys_dir / keys.PUBLIC_KEY_FILE)
    new_ref = file(app, newest, "c-new", "He is not fed")
    assert app[STORE].get(new_ref).suite == sealing.SUITE_XWING

    # Then the console opens both, each with its own key, verified
    for reference, words in ((old_ref, "They are bruises"), (new_ref, "He is not fed")):
        html = await open_page(client, reference)
        assert words in html and "NOT VERIFIED" not in html and "ALTERED" not in html
    assert "Called the school." in await open_page(client, old_ref)
    assert len(key_ids(app)) == 2

    # When everything is resealed, from the command line as an administrator would
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FAMILYVOICE_KEYS_DIR", str(keys_dir))
    monkeypatch.setenv("FAMILYVOICE_DB_URL", config.db_url)
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", PASSPHRASE.decode())
    assert cli.main(["keys", "reseal"]) == 0

    # Then everything is sealed to the newest key, X-Wing, and still opens and verifies
    assert key_ids(app) == {new_id}
    assert app[STORE].get(old_ref).suite == sealing.SUITE_XWING
    html = await open_page(client, old_ref)
    assert "They are bruises" in html and "Called the school." in html and "She has marks" in html
    assert "NOT VERIFIED" not in html and "ALTERED" not in html and "re-sealed" in html
    # And it was audited, once per referral, and running again changes nothing (resumable)
    assert [e.reference for e in app[AUDIT].entries() if e.action == "resealed"] == [old_ref]
    assert (
        reseal.reseal_all(
            app[STORE], app[CONFIG].unit_keys, app[INTEGRITY], app[AUDIT], clock
        ).resealed
        == 0
    )
    # And once the retired keys are destroyed, the newest key alone opens everything
    for retired in keys_dir.glob("unit_private.*.pem"):
        retired.unlink()
    alone = console_with_all_keys(config, keys_dir)
    assert alone[CONFIG].unit_keys.ids == [new_id]
    client = await aiohttp_client(alone)
    await sign_in(client, "olive", secret=signed.secret, clock=clock)
    assert "They are bruises" in await open_page(client, old_ref)


async def test_reseal_never_launders_a_forgery(config, keys_dir, clock):
    app = console_with_all_keys(config, keys_dir)
    classical = keys.load_public_key(keys_dir / keys.PUBLIC_KEY_FILE)
    genuine, forged = (file(app, classical, f"c{i}", "She has marks on her arms") for i in (1, 2))
    other = sealing.seal(json.dumps({"reference": forged}).encode(), classical, forged)
    with app[STORE].engine.begin() as connection:
        connection.execute(
            text("UPDATE referrals SET sealed = :b WHERE reference = :r"), {"b": other, "r": forged}
        )
    keys.rotate_keys(keys_dir, PASSPHRASE)
    app = console_with_all_keys(config, keys_dir)
    report = reseal.reseal_all(app[STORE], app[CONFIG].unit_keys, app[INTEGRITY], app[AUDIT], clock)
    assert report.resealed == 1 and report.refused == [forged]
    check = app[INTEGRITY].referrals(app[STORE], [genuine, forged])
    assert check[genuine].ok and check[genuine].resealed
    assert (
        not check[forged].ok and app[STORE].get(forged).key_id != app[CONFIG].unit_keys.current_id
    )


async def test_a_reseal_that_stops_half_way_leaves_each_referral_whole_and_resumes(
    config, keys_dir, clock, monkeypatch
):
    app = console_with_all_keys(config, keys_dir)
    classical = keys.load_public_key(keys_dir / keys.PUBLIC_KEY_FILE)
    references = [file(app, classical, f"c{i}", "She has marks on her arms") for i in range(3)]
    for reference in references:
        intake(app, classical).add_to_report(reference, "more", at=NOON + dt.timedelta(hours=1))
    keys.rotate_keys(keys_dir, PASSPHRASE)
    app = console_with_all_keys(config, keys_dir)
    newest = app[CONFIG].unit_keys.current_id

    # When the run dies on the second referral's addition (after its own blob was resealed)
    real = reseal._reseal_signed
    calls = {"n": 0}

    def dying(connection, table_row, record, purpose, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:  # referral 1, its addition, referral 2, then its addition
            raise RuntimeError("power cut")
        return real(connection, table_row, record, purpose, *args, **kwargs)

    monkeypatch.setattr(reseal, "_reseal_signed", dying)
    with pytest.raises(RuntimeError):
        reseal.reseal_all(app[STORE], app[CONFIG].unit_keys, app[INTEGRITY], app[AUDIT], clock)

    # Then the first referral is all on the new key, the second all on the old one
    def keys_of(reference):
        return {app[STORE].get(reference).key_id} | {
            a.key_id for a in app[STORE].addenda(reference)
        }

    assert keys_of(references[0]) == {newest}
    assert newest not in keys_of(references[1]) and newest not in keys_of(references[2])
    # And running it again finishes the job, and everything verifies
    monkeypatch.setattr(reseal, "_reseal_signed", real)
    report = reseal.reseal_all(app[STORE], app[CONFIG].unit_keys, app[INTEGRITY], app[AUDIT], clock)
    assert report.resealed == 2 and not report.refused
    assert all(keys_of(reference) == {newest} for reference in references)
    assert all(check.ok for check in app[INTEGRITY].referrals(app[STORE], references).values())
