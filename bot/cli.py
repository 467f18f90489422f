"""``familyvoice``: keys, the referral queue, and starting everything.

Only ``referrals show`` touches the private key, and only with a passphrase given at the time.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Sequence

from bot import internal_auth, keys, logs, tracker_crypto
from bot.config import PROJECT_ROOT, Settings, settings
from bot.references import normalise_reference
from bot.referral import Referral
from bot.sealing import CannotOpen
from bot.signing_keys import ensure_signing_key
from bot.xwing import XWingPublicKey
from bot.store import Store


def _passphrase(cfg: Settings) -> bytes:
    try:
        return keys.passphrase_from_env(os.environ)
    except keys.NoPassphrase:
        pass  # fall through to the development file or a prompt
    if cfg.dev_passphrase_path.exists():
        return cfg.dev_passphrase_path.read_bytes().strip()
    if sys.stdin.isatty():
        return getpass.getpass("Passphrase for the unit's private key: ").encode()
    raise SystemExit("Set FAMILYVOICE_KEY_PASSPHRASE or FAMILYVOICE_KEY_PASSPHRASE_FILE to open referrals.")


def cmd_keys_init(args: argparse.Namespace, cfg: Settings) -> int:
    tracker_crypto.create_tracker_key(cfg.keys_dir)  # issue 6: conversations at rest; never replaced
    # What Rasa shows the action server (bot/internal_auth.py); kept if present.
    internal_auth.create_action_secret(cfg.keys_dir)
    if cfg.private_key_path.exists() and args.dev and not args.force:
        keys.ensure_linking_secret(cfg.keys_dir)  # issue 6: key directories made before linking
        ensure_signing_key(cfg.keys_dir)  # key directories made before the intake signed
        if not isinstance(keys.load_public_key(cfg.public_key_path), XWingPublicKey):
            # A development key from before X-Wing: the intake would refuse it.
            keys.rotate_keys(cfg.keys_dir, cfg.dev_passphrase_path.read_bytes().strip())
            print(f"Rotated the development key pair in {cfg.keys_dir} to X-Wing.")
        return 0  # `make run` calls this every time; existing keys are kept
    cfg.keys_dir.mkdir(parents=True, exist_ok=True)
    if args.dev:
        # A random passphrase in a git-ignored file: fine for a laptop, never for a council.
        passphrase = secrets.token_urlsafe(24).encode()
    else:
        passphrase = _passphrase(cfg)
    try:
        keys.init_keys(cfg.keys_dir, passphrase, force=args.force)
    except keys.KeysExist:
        ensure_signing_key(cfg.keys_dir)  # key directories made before the intake signed
        if not cfg.linking_secret_path.exists():  # issue 6: key directories made before linking
            keys.ensure_linking_secret(cfg.keys_dir)
            print(f"Added {cfg.linking_secret_path.name} to the existing keys in {cfg.keys_dir}.")
            return 0
        print(f"Keys already exist in {cfg.keys_dir}; use --force to replace them.", file=sys.stderr)
        return 1
    if args.dev:
        cfg.dev_passphrase_path.touch(mode=0o600)
        cfg.dev_passphrase_path.write_bytes(passphrase)
    print(f"Wrote the unit's key pair and the intake secret to {cfg.keys_dir}.")
    return 0


def _refused(problem: keys.KeyFileError) -> int:
    """Exit 2 for a wrong passphrase, 1 for a missing or unreadable key; nothing was changed."""
    if isinstance(problem, keys.WrongPassphrase):
        print("Wrong passphrase for the unit's private key: nothing was changed.", file=sys.stderr)
        return 2
    print(f"{problem}", file=sys.stderr)
    return 1


def cmd_keys_rotate(args: argparse.Namespace, cfg: Settings) -> int:
    """A new unit key pair; the old ones stay (same passphrase), so everything still opens."""
    try:
        new_id = keys.rotate_keys(cfg.keys_dir, _passphrase(cfg))
    except keys.KeyFileError as problem:
        return _refused(problem)
    print(f"The unit's new key is {new_id}; the old ones are kept beside it in {cfg.keys_dir}.")
    print(f"Copy {cfg.public_key_path.name} to every intake host and restart them; then run "
          "`familyvoice keys reseal` to move what is stored onto the new key.")
    return 0


def _officer_side(cfg: Settings):
    """What the officer side holds: the unit's private keys, and the checks of the console."""
    from bot import signing_keys
    from bot.console.consolekey import load_console_key
    from bot.console.integrity import ConsoleRecords, Integrity
    from bot.origin import Verifier

    unit_keys = keys.load_unit_keys(cfg.keys_dir, _passphrase(cfg))
    console_key = load_console_key(cfg.keys_dir, create=True)
    integrity = Integrity(Verifier(signing_keys.load_signing_public_keys(cfg.keys_dir)),
                          ConsoleRecords(console_key))
    return unit_keys, console_key, integrity


def cmd_keys_reseal(args: argparse.Namespace, cfg: Settings) -> int:
    """Re-seal stored referrals, additions and notes to the newest key (bot/console/reseal.py)."""
    from datetime import datetime, timezone

    from bot.console.audit import open_audit_log
    from bot.console.reseal import reseal_all

    try:
        unit_keys, console_key, integrity = _officer_side(cfg)
    except keys.KeyFileError as problem:
        return _refused(problem)
    store = _store(cfg)
    audit = open_audit_log(store.engine, console_key, cfg.keys_dir)
    report = reseal_all(store, unit_keys, integrity, audit, lambda: datetime.now(timezone.utc))
    print(f"Resealed {report.blobs} blobs of {report.resealed} referrals "
          f"to key {unit_keys.current_id}.")
    for reference in report.refused:
        print(f"  {reference}: left as it is: it does not verify (see it in the console).",
              file=sys.stderr)
    for reference in report.changed_meanwhile:
        print(f"  {reference}: changed while resealing; run again to finish it.", file=sys.stderr)
    return 1 if report.refused or report.changed_meanwhile else 0


def _store(cfg: Settings) -> Store:
    store = Store(cfg.db_url)
    store.create_all()  # a fresh machine has an empty queue, not an error
    return store




def cmd_referrals_list(args: argparse.Namespace, cfg: Settings) -> int:
    store = _store(cfg)
    rows = store.list_queue(status=args.status, priority=args.priority, limit=args.limit)
    if args.json:
        print(json.dumps([r.queue_fields() for r in rows], indent=2))
    else:
        for r in rows:
            flag = " EMERGENCY" if r.emergency else ""
            print(f"{r.reference}  {r.priority:<5}{flag}  due {r.deadline:%Y-%m-%d %H:%M}Z  {r.status}  {r.channel}")
    return 0


def cmd_referrals_show(args: argparse.Namespace, cfg: Settings) -> int:
    store = _store(cfg)
    reference = normalise_reference(args.reference, prefix_optional=True)
    row = store.get(reference) if reference else None
    if row is None:
        print(f"No referral {args.reference}.", file=sys.stderr)
        return 1
    try:
        unit_keys, _, integrity = _officer_side(cfg)
        check = integrity.referral(row, store.rating_changes([row.reference])[row.reference])
        if not check.origin.ok:
            problems = " ".join(check.problems)
            print(f"Referral {row.reference} is not shown: {problems}", file=sys.stderr)
            return 3
        referral = Referral.from_json(
            unit_keys.open(row.sealed, row.reference, "referral", suite=row.suite, key=row.key_id)
        )
        additions = [
            json.loads(
                unit_keys.open(a.sealed, row.reference, "addendum", suite=a.suite, key=a.key_id)
            )
            for a in store.addenda(row.reference)
            if integrity.addendum(a).ok
        ]
    except keys.WrongPassphrase:
        print("Wrong passphrase for the unit's private key.", file=sys.stderr)
        return 2
    except CannotOpen:
        print(f"Referral {row.reference} cannot be opened with this key (wrong key, or the record was altered).", file=sys.stderr)
        return 2
    data = referral.to_dict()
    data["additions"] = additions
    data["verified"] = {"ok": check.ok, "problems": check.problems}
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(f"{data['reference']}  {data['priority']}  {data['status']}\n{data['concern']['description']}")
    return 0


def cmd_up(args: argparse.Namespace, cfg: Settings) -> int:
    from bot.launcher import start_console, start_stack  # imports nothing heavy, but only `up` needs it

    import signal

    # `kill`, a service manager or a background shell stops us with SIGTERM (a background job
    # never sees Ctrl-C): shut the servers down the same way, not leave them running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    var_dir = Path(os.environ.get("FAMILYVOICE_VAR_DIR", PROJECT_ROOT / "var"))
    model = Path(args.model)
    if args.workers < 1 or (args.workers > 1 and not args.redis):
        print("familyvoice up: --workers above 1 needs --redis (or FAMILYVOICE_REDIS_URL): without a shared "
              "lock store two workers could answer one reporter's messages out of order.", file=sys.stderr)
        return 2
    started = time.monotonic()
    stack = start_stack(model=model, var_dir=var_dir, rasa_port=args.port, actions_port=args.actions_port,
                        workers=args.workers, redis_url=args.redis if args.workers > 1 else None)
    start_console(stack, var_dir, port=args.console_port)  # issue 5: the duty officers' console
    print(f"FamilyVoice is ready ({time.monotonic() - started:.1f} s).")
    print(f"  Duty console:     {stack.console_url}  (accounts: familyvoice officers add NAME)")
    print(f"  Web chat webhook: POST {stack.webchat_url}")
    print(f"  Web chat demo:    http://127.0.0.1:{stack.rasa_port}/webhooks/webchat/demo  (a council page with the chat widget)")
    print(f"  SMS webhook:      POST http://127.0.0.1:{stack.rasa_port}/webhooks/twilio_sms/webhook  (Twilio: README, 'Connecting a Twilio number')")
    print(f"  Action server:    http://127.0.0.1:{stack.actions_port}/health")
    print(f"  Store:            {cfg.db_url}")
    print(f"  Logs:             {var_dir / 'log'}")
    print("Try:  curl -s -H 'Content-Type: application/json' -d '{\"sender\":\"demo\",\"message\":\"hello\"}' " + stack.webchat_url)
    print("Press Ctrl-C to stop.")
    try:
        while all(p.poll() is None for p in stack.processes):
            time.sleep(1)
        print("A process stopped; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


def cmd_relay(args: argparse.Namespace, cfg: Settings) -> int:
    """Forward sealed referrals to the case-management system until stopped (bot/relay.py)."""
    import asyncio

    from bot import signing_keys
    from bot.origin import Verifier
    from bot.relay import RelayConfig, run

    if not cfg.forward_url:
        print("Set FAMILYVOICE_FORWARD_URL to the case-management system's address.", file=sys.stderr)
        return 1
    secret_file = Path(os.environ.get("FAMILYVOICE_FORWARD_SECRET_FILE", cfg.forward_secret_path))
    if not secret_file.exists():
        print(f"No signing secret at {secret_file} (shared with the receiving system).", file=sys.stderr)
        return 1
    try:
        intake = Verifier(signing_keys.load_signing_public_keys(cfg.keys_dir))
    except keys.KeyFileError as problem:
        print(f"{problem} (the relay checks that what it forwards came from our intake).",
              file=sys.stderr)
        return 1
    console = Verifier(signing_keys.load_console_public_keys(cfg.keys_dir), "console")
    config = RelayConfig(
        url=cfg.forward_url,
        secret=secret_file.read_bytes().strip(),
        intake=intake,
        console=console,
        max_attempts=args.max_attempts,
        base_delay=args.base_delay,
        timeout=args.timeout,
        lease=args.lease,
    )
    try:
        asyncio.run(run(_store(cfg).engine, config))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_db_upgrade(args: argparse.Namespace, cfg: Settings) -> int:
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plug-in chatter is not news
    Store(cfg.db_url).migrate()
    print("The store's schema is up to date.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="familyvoice", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="start the Rasa server and the action server")
    up.add_argument("--model", default=str(PROJECT_ROOT / "models" / "current.tar.gz"))
    up.add_argument("--port", type=int, default=5005)
    up.add_argument("--actions-port", type=int, default=5055)
    up.add_argument("--console-port", type=int, default=8080)  # issue 5: the duty officers' console
    # Production shape on one machine (README, "Running in production"): N Rasa workers and N
    # action servers behind HAProxy, Redis ordering each conversation's turns across workers.
    up.add_argument("--workers", type=int, default=1, help="Rasa workers and action servers (more than 1 needs --redis)")
    up.add_argument("--redis", default=os.environ.get("FAMILYVOICE_REDIS_URL"), help="Redis URL for Rasa's lock store, e.g. redis://127.0.0.1:6379/0")
    up.set_defaults(func=cmd_up)

    key_cmd = sub.add_parser("keys", help="the unit's key pair").add_subparsers(dest="keys_command", required=True)
    init = key_cmd.add_parser("init", help="create the unit's key pair and the intake secret")
    init.add_argument("--dev", action="store_true", help="development keys with a random passphrase in var/keys")
    init.add_argument("--force", action="store_true", help="replace existing keys (old referrals become unreadable)")
    init.set_defaults(func=cmd_keys_init)
    rotate = key_cmd.add_parser(
        "rotate", help="a new unit key pair; old keys kept, so old referrals open"
    )
    rotate.set_defaults(func=cmd_keys_rotate)
    reseal = key_cmd.add_parser(
        "reseal", help="re-seal stored referrals to the newest key (officer side)"
    )
    reseal.set_defaults(func=cmd_keys_reseal)

    ref = sub.add_parser("referrals", help="the unit's queue").add_subparsers(dest="referrals_command", required=True)
    lst = ref.add_parser("list", help="the queue, most urgent first (no private key needed)")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--status", choices=["complete", "incomplete"])
    lst.add_argument("--priority", choices=["RED", "AMBER", "GREEN"])
    lst.add_argument("--limit", type=int, default=100)
    lst.set_defaults(func=cmd_referrals_list)
    show = ref.add_parser("show", help="decrypt one referral with the unit's private key")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_referrals_show)
    db = sub.add_parser("db", help="the store's schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the Alembic migrations (make run does)").set_defaults(func=cmd_db_upgrade)
    relay = sub.add_parser("relay", help="forward sealed referrals to the case-management system")
    relay.add_argument("--max-attempts", type=int, default=8)
    relay.add_argument("--base-delay", type=float, default=2.0, help="seconds before the first retry")
    relay.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the receiver")
    relay.add_argument("--lease", type=float, default=60.0, help="seconds before an unconfirmed send is retried")
    relay.set_defaults(func=cmd_relay)

    # --- the duty officers' console (issue 5): officers, audit verify, console ---
    from bot.console.cli import add_console_commands

    add_console_commands(sub)

    # --- conversations at rest (issue 6): purge ---
    from bot.sweeper import add_purge_command

    add_purge_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if argv is None:  # issue 6: a process of its own (not main([...]) inside a test): JSON log lines
        logs.configure(f"cli.{args.command}")
    return int(args.func(args, settings()) or 0)


if __name__ == "__main__":
    sys.exit(main())
