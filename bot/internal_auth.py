"""Calls between our own servers: where they listen, and the secret every action call carries.

The action server runs ``bot/`` for whoever calls it: a forged call could seal text onto any
referral, raise it to emergency, or file invented ones. So it listens on loopback unless told
otherwise, and refuses every call (but the health check) that does not carry the action secret:
``endpoints.yml`` makes Rasa send it in the ``X-FamilyVoice-Action-Secret`` header, through
Rasa's ``${FAMILYVOICE_ACTION_SECRET}`` interpolation, and the action server compares it in
constant time.

The secret is 32 random bytes, hex, in ``action_secret.key`` (0600) in the keys directory, made
by ``familyvoice keys init`` and kept if present; or given in FAMILYVOICE_ACTION_SECRET or the
file named by FAMILYVOICE_ACTION_SECRET_FILE. Every Rasa host and action server needs the same
one. It opens nothing: it only proves a call came from our Rasa.

Who can read what: whoever holds the secret can call the action server as Rasa does, so it is
kept like the intake secret (never in git, never in a log, never on a command line).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from pathlib import Path
from typing import Mapping

from bot.tracker_crypto import create_hex_secret

ACTION_SECRET_FILE = "action_secret.key"
ACTION_SECRET_ENV = "FAMILYVOICE_ACTION_SECRET"
ACTION_SECRET_FILE_ENV = "FAMILYVOICE_ACTION_SECRET_FILE"
ACTION_SECRET_HEADER = "X-FamilyVoice-Action-Secret"
SECRET_BYTES = 32

# Where internal servers (action servers, Rasa workers behind the balancer) listen. Loopback
# unless a multi-host deployment says otherwise, e.g. the host's address on a private network.
INTERNAL_HOST_ENV = "FAMILYVOICE_INTERNAL_HOST"
LOOPBACK = "127.0.0.1"
# Off loopback the secret would cross the network in the clear: refused unless the action server
# has TLS, or the operator says the network is encrypted below us (a VPN, a service mesh).
PLAIN_HTTP_ENV = "FAMILYVOICE_INTERNAL_PLAIN_HTTP"


class InternalAuthError(Exception):
    """The action secret is missing or malformed, or a server would listen unsafely."""


def create_action_secret(keys_dir: Path) -> bool:
    """Write a new random ``action_secret.key`` (0600) unless one exists; True if written."""
    return create_hex_secret(Path(keys_dir) / ACTION_SECRET_FILE, SECRET_BYTES)


def load_action_secret(keys_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """The action secret from the environment, the file it names, or the keys directory."""
    env = os.environ if environ is None else environ
    direct, file_name = env.get(ACTION_SECRET_ENV), env.get(ACTION_SECRET_FILE_ENV)
    if direct and file_name:
        raise InternalAuthError(f"set only one of {ACTION_SECRET_ENV} and {ACTION_SECRET_FILE_ENV}")
    if direct:
        return _checked(direct.strip(), ACTION_SECRET_ENV)
    path = Path(file_name) if file_name else Path(keys_dir) / ACTION_SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise InternalAuthError(
            f"cannot read the action secret {path}: run `familyvoice keys init`, "
            f"or set {ACTION_SECRET_ENV}"
        ) from None
    return _checked(text, str(path))


def _checked(secret: str, where: str) -> str:
    try:
        raw = bytes.fromhex(secret)
    except ValueError:
        raise InternalAuthError(f"the action secret in {where} is not hex") from None
    if len(raw) != SECRET_BYTES:
        raise InternalAuthError(
            f"the action secret in {where} must be {SECRET_BYTES} bytes "
            f"({2 * SECRET_BYTES} hex digits)"
        )
    return secret


def export_action_secret(keys_dir: Path, environ: dict[str, str] | None = None) -> bool:
    """Put the action secret where endpoints.yml's ``${FAMILYVOICE_ACTION_SECRET}`` finds it,
    if it is not there already; False if there is none (Rasa then refuses to start, naming it)."""
    env = os.environ if environ is None else environ
    if env.get(ACTION_SECRET_ENV):
        return True
    try:
        env[ACTION_SECRET_ENV] = load_action_secret(keys_dir, env)
    except InternalAuthError:
        return False
    env.pop(ACTION_SECRET_FILE_ENV, None)  # only one of the two may be set
    return True


def is_authorised(presented: str | None, secret: str) -> bool:
    """Constant-time comparison, so the time taken says nothing about how much was right."""
    if not presented:
        return False
    return hmac.compare_digest(presented.strip().encode("utf-8", "replace"), secret.encode("ascii"))


def internal_host(environ: Mapping[str, str] | None = None) -> str:
    """The address internal servers listen on: loopback, unless FAMILYVOICE_INTERNAL_HOST says."""
    env = os.environ if environ is None else environ
    return (env.get(INTERNAL_HOST_ENV) or LOOPBACK).strip()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen_address(host: str, *, tls: bool, environ: Mapping[str, str] | None = None) -> None:
    """Refuse to listen off loopback in plain HTTP unless the operator explicitly allows it."""
    env = os.environ if environ is None else environ
    if is_loopback(host) or tls or env.get(PLAIN_HTTP_ENV) == "1":
        return
    raise InternalAuthError(
        f"refusing to listen on {host} without TLS: the action secret would cross the network in "
        f"the clear. Give --ssl-certificate/--ssl-keyfile (and Rasa the CA in endpoints.yml's "
        f"cafile), or set {PLAIN_HTTP_ENV}=1 if the network itself is encrypted."
    )
