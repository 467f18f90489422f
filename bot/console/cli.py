"""``familyvoice officers add|disable|reset-mfa|unlock|list``,
``audit verify|resume|checkpoint-key`` and ``console``.

Wired into ``bot/cli.py`` by :func:`add_console_commands`. Passwords are read from a prompt
(twice) or, for scripts, one line on stdin with ``--password-stdin``; never from the command
line, where other users and shell history could see them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.console.tables import ROLES


def _services(cfg: Settings) -> tuple[Any, Any]:
    from bot.console.accounts import Accounts
    from bot.console.audit import open_audit_log
    from bot.console.consolekey import load_console_key
    from bot.store import Store

    store = Store(cfg.db_url)
    store.create_all()
    key = load_console_key(cfg.keys_dir, create=True)
    audit = open_audit_log(store.engine, key, cfg.keys_dir)
    return Accounts(store.engine, key, audit), audit


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SystemExit("No terminal to ask for the password: use --password-stdin.")
    first = getpass.getpass(f"Password for {args.username} (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise SystemExit("The two passwords differ; nothing was changed.")
    return first


def cmd_officers_add(args: argparse.Namespace, cfg: Settings) -> int:
    from bot.console.accounts import AccountError

    accounts, _ = _services(cfg)
    try:
        officer = accounts.add(args.username, _read_password(args), args.role)
    except AccountError as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"Created {officer.role} {officer.username}. At the first sign-in they set up an authenticator app.")
    return 0


def _change(args: argparse.Namespace, cfg: Settings, method: str, done: str) -> int:
    from bot.console.accounts import AccountError

    accounts, _ = _services(cfg)
    try:
        getattr(accounts, method)(args.username)
    except AccountError as problem:
        print(problem, file=sys.stderr)
        return 1
    print(done.format(args.username.lower()))
    return 0


def cmd_officers_disable(args: argparse.Namespace, cfg: Settings) -> int:
    return _change(args, cfg, "disable", "Disabled {0}; every session it had has ended.")


def cmd_officers_reset_mfa(args: argparse.Namespace, cfg: Settings) -> int:
    return _change(args, cfg, "reset_mfa", "Reset {0}'s authenticator; they set up a new one at the next sign-in.")


def cmd_officers_unlock(args: argparse.Namespace, cfg: Settings) -> int:
    return _change(args, cfg, "unlock", "Unlocked {0}: earlier failed sign-ins no longer count.")


def cmd_officers_list(args: argparse.Namespace, cfg: Settings) -> int:
    from bot.console.accounts import utc_now

    accounts, _ = _services(cfg)
    now = utc_now()
    for officer in accounts.all():
        state = "active" if officer.active else "disabled"
        mfa = "authenticator set up" if officer.mfa_enrolled else "no authenticator yet"
        locked = officer.locked_until is not None and officer.locked_until > now
        lock = (f"; locked from new addresses until {officer.locked_until:%H:%M} UTC"
                if locked else "")
        print(f"{officer.username:<24} {officer.role:<8} {state:<9} {mfa}{lock}")
    return 0


def _audit_log(cfg: Settings) -> Any:
    """The audit log as the console keeps it; None (and why, on stderr) without the console key."""
    from bot.console.audit import open_audit_log
    from bot.console.consolekey import ConsoleKeyError, load_console_key
    from bot.store import Store

    try:
        key = load_console_key(cfg.keys_dir, create=False)
    except ConsoleKeyError as problem:
        print(problem, file=sys.stderr)
        return None
    store = Store(cfg.db_url)
    store.create_all()
    return open_audit_log(store.engine, key, cfg.keys_dir)


def cmd_audit_verify(args: argparse.Namespace, cfg: Settings) -> int:
    import structlog

    from bot.console.audit_anchors import read_checkpoints
    from bot.console.audit_verify import verify

    audit = _audit_log(cfg)
    if audit is None:
        return 2
    try:
        checkpoints = read_checkpoints(args.checkpoints)
    except OSError as problem:
        print(f"Cannot read the log file: {problem}", file=sys.stderr)
        return 2
    result = verify(audit, checkpoints)
    held = f"; {result.checkpoints} signed checkpoints held against it" if args.checkpoints else ""
    for note in result.acknowledged:
        print(f"  (acknowledged) {note}")
    if result.ok:
        print(f"The audit log is intact: {result.entries} entries, each chained to the one "
              f"before{held}.")
        return 0
    structlog.get_logger(__name__).error("audit.alarm", problems=len(result.problems),
                                         problem=result.problems[0])
    print(f"The audit log has been tampered with ({result.entries} entries read{held}):",
          file=sys.stderr)
    for problem in result.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


def cmd_audit_resume(args: argparse.Namespace, cfg: Settings) -> int:
    from bot.console.audit import AuditError

    audit = _audit_log(cfg)
    if audit is None:
        return 2
    try:
        entry = audit.resume()
    except AuditError as problem:
        print(problem, file=sys.stderr)
        return 1
    detail = entry.detail
    lost = (f"entries {detail['db_end'] + 1} to {detail['head_seq']} are recorded as lost"
            if detail["head_seq"] > detail["db_end"]
            else "the replaced entries are recorded as such")
    print(f"Resumed the audit log at entry {entry.seq}: {lost}, and {detail['kept_aside']} entries "
          "kept aside were added after it.")
    return 0


def cmd_audit_checkpoint_key(args: argparse.Namespace, cfg: Settings) -> int:
    from cryptography.hazmat.primitives import serialization

    audit = _audit_log(cfg)
    if audit is None:
        return 2
    public = audit.checkpoint_public_key
    print(public.public_bytes(serialization.Encoding.PEM,
                              serialization.PublicFormat.SubjectPublicKeyInfo).decode(), end="")
    return 0


def cmd_console(args: argparse.Namespace, cfg: Settings) -> int:
    from aiohttp import web

    from bot import keys
    from bot.console.app import LISTEN_BACKLOG, init_app
    from bot.console.client_address import BadProxySetting
    from bot.console.config import config_from_env

    if not (os.environ.get(keys.PASSPHRASE_ENV) or os.environ.get(keys.PASSPHRASE_FILE_ENV)):
        if cfg.dev_passphrase_path.exists():  # `make run`'s development keys only
            os.environ[keys.PASSPHRASE_FILE_ENV] = str(cfg.dev_passphrase_path)
    try:
        config = config_from_env()
    except (keys.KeyFileError, BadProxySetting) as problem:
        print(f"The console cannot start: {problem}", file=sys.stderr)
        return 2
    web.run_app(init_app(config), host=args.host, port=args.port, backlog=LISTEN_BACKLOG,
                access_log_format='%a %t "%r" %s %b %Tf',  # no Referer or User-Agent
                print=lambda _: print(f"Duty officers' console on http://{args.host}:{args.port}/", flush=True))
    return 0


def add_console_commands(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    officers = sub.add_parser("officers", help="duty officers' accounts for the console").add_subparsers(
        dest="officers_command", required=True)
    add = officers.add_parser("add", help="create an account (password prompted; authenticator set up at first sign-in)")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="officer")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    add.set_defaults(func=cmd_officers_add)
    for name, func, text in (
        ("disable", cmd_officers_disable, "disable an account and end its sessions"),
        ("reset-mfa", cmd_officers_reset_mfa, "forget an account's authenticator (lost phone)"),
        ("unlock", cmd_officers_unlock, "end an account's lock-outs after failed sign-ins"),
    ):
        command = officers.add_parser(name, help=text)
        command.add_argument("username")
        command.set_defaults(func=func)
    officers.add_parser("list", help="every account, its role and state").set_defaults(func=cmd_officers_list)

    audit = sub.add_parser("audit", help="the console's audit log").add_subparsers(dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="check no entry was edited, deleted or reordered")
    verify.add_argument("--checkpoints", nargs="+", type=Path, default=[], metavar="LOGFILE",
                        help="also hold the log against the signed checkpoints in these "
                             "console logs")
    verify.set_defaults(func=cmd_audit_verify)
    audit.add_parser("resume", help="after an audit alarm: record the loss, add the entries kept "
                     "aside, and go on").set_defaults(func=cmd_audit_resume)
    audit.add_parser("checkpoint-key", help="the public key that checks the log's audit "
                     "checkpoints (PEM)").set_defaults(func=cmd_audit_checkpoint_key)

    console = sub.add_parser("console", help="run the duty officers' console (needs the private key's passphrase)")
    console.add_argument("--host", default="127.0.0.1")
    console.add_argument("--port", type=int, default=8080)
    console.set_defaults(func=cmd_console)
