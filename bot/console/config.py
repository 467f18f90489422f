"""What the console needs to start: the store, the keys directory, and the unit's private keys.

The private keys are the current one and every retired one (`familyvoice keys rotate` keeps
them), so referrals sealed before a rotation still open. The intake's public signing key is read
from the keys directory too (bot/console/app.py): without it nothing could be trusted.

The private key's passphrase comes from FAMILYVOICE_KEY_PASSPHRASE or the file named by
FAMILYVOICE_KEY_PASSPHRASE_FILE, is used once to load the key, and is then dropped (also from
this process's environment): it is never written anywhere.

FAMILYVOICE_CONSOLE_TRUSTED_PROXIES names the reverse proxies in front of the console whose
X-Forwarded-For is believed when counting failed sign-ins per client address (see
bot/console/client_address.py); unset, the TCP peer is the client.

FAMILYVOICE_CONSOLE_DEV_HTTP=1 is the development switch for plain HTTP on localhost (``make
run`` sets it): the session cookie loses its ``__Host-`` prefix and ``Secure`` flag, which a
browser would otherwise refuse over http://. Never set it where the console is reached over a
network; in production put the console behind TLS and leave it unset.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, MutableMapping

from bot import keys
from bot.sealing import UnitKeys, UnitPrivateKey
from bot.xwing import check_supported
from bot.config import settings
from bot.console.accounts import Clock, utc_now
from bot.console.client_address import TRUSTED_PROXIES_ENV, Network, parse_trusted_proxies
from bot.console.sessions import ABSOLUTE, IDLE

DEV_HTTP_ENV = "FAMILYVOICE_CONSOLE_DEV_HTTP"


@dataclass(frozen=True)
class ConsoleConfig:
    db_url: str
    keys_dir: Path
    private_key: UnitKeys | UnitPrivateKey = field(repr=False)  # one key, or all the unit's
    dev_http: bool = False
    clock: Clock = utc_now
    idle: dt.timedelta = IDLE
    absolute: dt.timedelta = ABSOLUTE
    forward: bool = False  # rating changes and decisions also go to case management

    @property
    def unit_keys(self) -> UnitKeys:
        key = self.private_key
        return key if isinstance(key, UnitKeys) else UnitKeys.single(key)
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def session_cookie(self) -> str:
        return "fv_session" if self.dev_http else "__Host-fv_session"

    @property
    def login_cookie(self) -> str:
        """A pre-sign-in cookie, so the sign-in form has a CSRF token too."""
        return "fv_login" if self.dev_http else "__Host-fv_login"


def dev_http_from_env(environ: Mapping[str, str]) -> bool:
    return environ.get(DEV_HTTP_ENV, "").strip().lower() in ("1", "true", "yes")


def config_from_env(environ: MutableMapping[str, str] | None = None) -> ConsoleConfig:
    """Load the private key with the passphrase from the environment, then forget the passphrase."""
    env = os.environ if environ is None else environ
    check_supported()  # notes are sealed with X-Wing: stop now if this machine cannot
    cfg = settings(env)
    # before the key is loaded, so a wrong setting fails at once
    trusted_proxies = parse_trusted_proxies(env.get(TRUSTED_PROXIES_ENV))
    passphrase = keys.passphrase_from_env(env)
    try:
        unit_keys = keys.load_unit_keys(cfg.keys_dir, passphrase)
    finally:
        env.pop(keys.PASSPHRASE_ENV, None)  # nothing this process starts or dumps inherits it
        del passphrase
    return ConsoleConfig(db_url=cfg.db_url, keys_dir=cfg.keys_dir, private_key=unit_keys,
                         dev_http=dev_http_from_env(env), forward=cfg.forward_url is not None,
                         trusted_proxies=trusted_proxies)
