"""The tracker key: what it seals opens only with the same key, for the same conversation."""

from __future__ import annotations

import stat

import pytest

from bot.tracker_crypto import (
    OVERHEAD,
    TRACKER_KEY_ENV,
    TRACKER_KEY_FILE_ENV,
    CannotDecrypt,
    TrackerCryptoError,
    TrackerKey,
    create_tracker_key,
    key_path,
    load_tracker_key,
)

EVENT = '{"event":"user","text":"My grandson Zebedee has bruises"}'.encode()


@pytest.fixture
def key() -> TrackerKey:
    return TrackerKey.generate()


def test_an_event_opens_with_the_same_key_and_conversation(key):
    blob = key.seal(EVENT, "webchat-abc")
    assert key.open(blob, "webchat-abc") == EVENT
    assert b"Zebedee" not in blob
    assert len(blob) == len(EVENT) + OVERHEAD  # version byte, 96-bit nonce, 128-bit tag


def test_the_same_event_never_seals_to_the_same_blob(key):
    # A fresh random nonce each time: equal messages cannot be spotted in the table.
    assert key.seal(EVENT, "webchat-abc") != key.seal(EVENT, "webchat-abc")


def test_another_key_cannot_open_it(key):
    blob = key.seal(EVENT, "webchat-abc")
    with pytest.raises(CannotDecrypt):
        TrackerKey.generate().open(blob, "webchat-abc")


def test_a_blob_moved_to_another_conversation_does_not_open(key):
    blob = key.seal(EVENT, "webchat-abc")
    with pytest.raises(CannotDecrypt):
        key.open(blob, "webchat-abd")


def test_a_blob_of_another_purpose_does_not_open(key):
    blob = key.seal(b"webchat-abc", "handle", purpose="conversation-id")
    with pytest.raises(CannotDecrypt):
        key.open(blob, "handle")  # as an event


@pytest.mark.parametrize("damage", ["flip", "truncate", "version", "empty"])
def test_a_damaged_blob_is_refused_not_misread(key, damage):
    blob = bytearray(key.seal(EVENT, "c"))
    if damage == "flip":
        blob[20] ^= 0x01
    elif damage == "truncate":
        blob = blob[:-1]
    elif damage == "version":
        blob[0] = 2
    else:
        blob = bytearray()
    with pytest.raises(CannotDecrypt):
        key.open(bytes(blob), "c")


def test_the_stored_handle_is_keyed_stable_and_reveals_no_number(key):
    number = "+447700900123"
    handle = key.handle(number)
    assert handle == key.handle(number) and len(handle) == 32
    assert "7700" not in handle
    assert handle != key.handle("+447700900124")
    # Without the key nobody can test guesses: another key gives another handle.
    assert TrackerKey.generate().handle(number) != handle


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(TrackerCryptoError):
        TrackerKey(b"short")


def test_keys_init_writes_a_private_key_file_once(tmp_path):
    keys_dir = tmp_path / "keys"
    assert create_tracker_key(keys_dir) is True
    first = key_path(keys_dir).read_text()
    assert stat.S_IMODE(key_path(keys_dir).stat().st_mode) == 0o600
    # Never replaced: conversations in progress would become unreadable.
    assert create_tracker_key(keys_dir) is False
    assert key_path(keys_dir).read_text() == first
    loaded = load_tracker_key(keys_dir, environ={})
    assert loaded.master == bytes.fromhex(first.strip())


def test_the_key_may_come_from_the_environment_or_a_named_file(tmp_path):
    secret = TrackerKey.generate().master
    assert load_tracker_key(tmp_path, {TRACKER_KEY_ENV: secret.hex()}).master == secret
    named = tmp_path / "elsewhere.key"
    named.write_text(secret.hex() + "\n")
    assert load_tracker_key(tmp_path / "nowhere", {TRACKER_KEY_FILE_ENV: str(named)}).master == secret


@pytest.mark.parametrize("content", ["not hex", "abcd", ""])
def test_a_missing_or_bad_key_is_a_clear_error(tmp_path, content):
    with pytest.raises(TrackerCryptoError, match="keys init|hex|bytes"):
        load_tracker_key(tmp_path, {})
    key_path(tmp_path).write_text(content)
    with pytest.raises(TrackerCryptoError, match="hex|bytes"):
        load_tracker_key(tmp_path, {})


def test_the_key_is_not_in_its_repr():
    key = TrackerKey.generate()
    assert key.master.hex() not in repr(key)
