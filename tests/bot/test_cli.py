"""The `familyvoice` command as an operator uses it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.cli import main
from bot.config import settings
from bot.intake import Intake

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def var(tmp_path, monkeypatch, cheap_key_derivation):
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    for name in ("FAMILYVOICE_DB_URL", "FAMILYVOICE_KEYS_DIR", "FAMILYVOICE_KEY_PASSPHRASE", "FAMILYVOICE_KEY_PASSPHRASE_FILE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["keys", "init", "--dev"]) == 0
    return tmp_path


def queue_one(description: str = "He has a black eye") -> str:
    intake = Intake.from_settings(settings())
    events = [{"event": "user", "text": description, "timestamp": NOW.timestamp()}]
    return intake.submit({"concern_description": description}, events, channel="webchat", conversation_id="c1", now=NOW).reference


def test_dev_keys_are_made_once_and_kept(var):
    before = (var / "keys" / "unit_private.pem").read_bytes()
    assert main(["keys", "init", "--dev"]) == 0
    assert (var / "keys" / "unit_private.pem").read_bytes() == before
    assert (var / "keys" / "dev-passphrase").stat().st_mode & 0o777 == 0o600


def test_init_without_force_refuses_to_replace_keys(var, capsys):
    assert main(["keys", "init"]) == 1
    assert "already exist" in capsys.readouterr().err


def test_list_shows_the_queue_without_the_private_key(var, capsys):
    reference = queue_one()
    (var / "keys" / "unit_private.pem").unlink()  # the list must not need it
    capsys.readouterr()
    assert main(["referrals", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["reference"] == reference and row["priority"] == "AMBER" and row["status"] == "complete"
    assert set(row) == {"reference", "received_at", "channel", "status", "priority", "emergency", "deadline"}


def test_show_decrypts_with_the_passphrase(var, capsys):
    reference = queue_one()
    capsys.readouterr()
    assert main(["referrals", "show", reference.lower().replace("-", ""), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference"] == reference
    assert shown["concern"]["description"] == "He has a black eye"
    assert shown["reasons"][0]["rule"] == "R-INJURY"


def test_show_with_the_wrong_passphrase_says_so(var, capsys, monkeypatch):
    reference = queue_one()
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", "not the passphrase")
    assert main(["referrals", "show", reference, "--json"]) == 2
    assert "Wrong passphrase" in capsys.readouterr().err


def test_show_an_unknown_reference(var, capsys):
    assert main(["referrals", "show", "FV-0000-0000", "--json"]) == 1
    assert "No referral" in capsys.readouterr().err


def test_up_with_several_workers_and_no_redis_refuses_before_starting_anything(var, capsys, monkeypatch):
    monkeypatch.delenv("FAMILYVOICE_REDIS_URL", raising=False)
    assert main(["up", "--workers", "2"]) == 2
    assert "needs --redis" in capsys.readouterr().err
    assert not (var / "run").exists()  # no endpoints written, no process started


def test_referrals_show_refuses_a_referral_not_from_our_intake(var, capsys):
    reference = queue_one()
    from sqlalchemy import text

    from bot import sealing
    from bot.keys import load_public_key
    from bot.store import Store

    cfg = settings()
    forged = sealing.seal(b'{"reference": "x"}', load_public_key(cfg.public_key_path), reference)
    with Store(cfg.db_url).engine.begin() as connection:
        connection.execute(text("UPDATE referrals SET sealed = :b WHERE reference = :r"),
                           {"b": forged, "r": reference})
    assert main(["referrals", "show", reference, "--json"]) == 3
    assert "not what our intake sealed" in capsys.readouterr().err


def test_a_development_key_from_before_x_wing_is_rotated_by_keys_init(var):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from bot import keys, pkcs8
    from bot.xwing import XWingPublicKey

    old = X25519PrivateKey.generate()
    directory = var / "keys"
    passphrase = (directory / "dev-passphrase").read_bytes().strip()
    info = pkcs8.private_key_info("1.3.101.110", old.private_bytes_raw())
    (directory / "unit_private.pem").write_bytes(pkcs8.encrypt(info, passphrase, keys.DEFAULT_SCRYPT))
    (directory / "unit_public.pem").write_bytes(old.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert main(["keys", "init", "--dev"]) == 0
    assert isinstance(keys.load_sealing_key(directory / "unit_public.pem"), XWingPublicKey)
    assert len(keys.load_unit_keys(directory, passphrase).ids) == 2


def test_keys_rotate_needs_the_passphrase_and_keeps_the_old_key(
    tmp_path, monkeypatch, cheap_key_derivation
):
    monkeypatch.setenv("FAMILYVOICE_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("FAMILYVOICE_KEYS_DIR", raising=False)
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", "the unit's passphrase")
    assert main(["keys", "init"]) == 0
    before = sorted(p.name for p in (tmp_path / "keys").iterdir())
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", "a guess")
    assert main(["keys", "rotate"]) == 2
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == before
    monkeypatch.setenv("FAMILYVOICE_KEY_PASSPHRASE", "the unit's passphrase")
    assert main(["keys", "rotate"]) == 0
    assert len(list((tmp_path / "keys").glob("unit_private.*.pem"))) == 1
