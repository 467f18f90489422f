"""Where things are, from the environment, with development defaults under ``var/``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_url: str
    keys_dir: Path
    # The unit's case-management system, if referrals are also pushed there (bot/relay.py).
    forward_url: str | None = None

    @property
    def public_key_path(self) -> Path:
        return self.keys_dir / "unit_public.pem"

    @property
    def private_key_path(self) -> Path:
        return self.keys_dir / "unit_private.pem"

    @property
    def signing_key_path(self) -> Path:
        return self.keys_dir / "intake_signing.pem"  # bot/origin.py: intake hosts only

    @property
    def intake_secret_path(self) -> Path:
        return self.keys_dir / "intake_secret.key"

    @property
    def forward_secret_path(self) -> Path:
        return self.keys_dir / "forward_secret.key"

    @property
    def linking_secret_path(self) -> Path:
        return self.keys_dir / "linking_secret.key"  # bot/linking.py: blind-index keys

    @property
    def dev_passphrase_path(self) -> Path:
        # Only `make run` on a developer's machine writes this; production passes the
        # passphrase in FAMILYVOICE_KEY_PASSPHRASE(_FILE) and never stores it beside the key.
        return self.keys_dir / "dev-passphrase"


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    var = Path(env.get("FAMILYVOICE_VAR_DIR", PROJECT_ROOT / "var"))
    return Settings(
        db_url=env.get("FAMILYVOICE_DB_URL", f"sqlite:///{var / 'familyvoice.db'}"),
        keys_dir=Path(env.get("FAMILYVOICE_KEYS_DIR", var / "keys")),
        forward_url=env.get("FAMILYVOICE_FORWARD_URL") or None,
    )
