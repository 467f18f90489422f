"""Nothing lost, nothing kept: pass on idle conversations, then forget them.

Reads the encrypted tracker store directly (it holds the tracker key; it needs no Rasa):

- a report left unfinished past its channel's idle limit (2 h web chat, 24 h SMS by default)
  is sealed and queued as an ``incomplete`` referral with everything said so far, rated by
  the same rules, and the conversation is cut down to its residue (the reference), so what
  she says if she comes back is added to that report;
- anything said after a report was sealed that has not reached it yet is added to it;
- a conversation with nothing worth passing on ("hello", then silence) is deleted;
- a residue is deleted after the retention period.

Every submission goes through ``Intake.submit``, which files a report once per conversation
and start time: if the SMS channel (or a retry of this sweep) already queued it, even at the
same moment, the same receipt comes back and nothing is queued twice (the database's claim on
the conversation decides, bot/store.py).

``familyvoice purge`` runs one sweep; ``python -m bot.sweeper`` (started by the launcher)
runs one every FAMILYVOICE_SWEEP_EVERY_SECONDS (default 60).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import structlog

from bot import retention
from bot.config import settings
from bot.intake import Intake
from bot.tracker_crypto import load_tracker_key
from bot.tracker_db import ConversationBusy, ConversationChanged, EncryptedEventLog, IdleConversation, tracker_db_url

log = structlog.get_logger("bot.sweeper")  # not "__main__" when run with -m

LEASE_SECONDS = 120.0  # how long a claim keeps turns out while one conversation is sealed
SWEEP_EVERY_ENV = "FAMILYVOICE_SWEEP_EVERY_SECONDS"


@dataclass
class SweepResult:
    incomplete: list[str] = field(default_factory=list)  # references queued (or found queued)
    additions: int = 0  # late messages added to sealed reports
    compacted: int = 0
    deleted: int = 0
    skipped: int = 0  # busy, or she came back while we looked
    failed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "incomplete": self.incomplete,
            "additions": self.additions,
            "compacted": self.compacted,
            "deleted": self.deleted,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def report_segments(events: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """The reports of one conversation: a restart closes one and opens the next. The message
    that asked for the restart ("/restart" from the SMS channel) is a command, not her words."""
    segments: list[list[dict[str, Any]]] = [[]]
    for event in events:
        if event.get("event") == "restart":
            segments.append([])
        elif not _is_restart_command(event):
            segments[-1].append(dict(event))
    return segments


def _is_restart_command(event: Mapping[str, Any]) -> bool:
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    return event.get("event") == "user" and intent == "restart"


def _at(event: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or time.time()), tz=timezone.utc)


class Sweeper:
    def __init__(self, events: EncryptedEventLog, intake: Intake, policy: retention.RetentionPolicy) -> None:
        self.events = events
        self.intake = intake
        self.policy = policy

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Sweeper":
        """The sweeper of this installation: the same tracker database, key and queue as the
        running Rasa and action servers (FAMILYVOICE_* variables, see README)."""
        cfg = settings(environ)
        key = load_tracker_key(cfg.keys_dir, environ)
        return cls(
            EncryptedEventLog.from_url(tracker_db_url(environ), key),
            Intake.from_settings(cfg),
            retention.RetentionPolicy.from_env(environ),
        )

    def sweep(self, now: float | None = None) -> SweepResult:
        """One pass over every conversation idle long enough to need a look."""
        now = time.time() if now is None else now
        result = SweepResult()
        for idle in self.events.idle(since=now - self.policy.shortest):
            try:
                self._one(idle, now, result)
            except (ConversationBusy, ConversationChanged):
                result.skipped += 1  # she is typing again, or another sweeper has it
            except Exception:  # noqa: BLE001 - one bad conversation must not stop the rest
                result.failed += 1
                log.exception("sweeper.conversation_failed", conversation=idle.conversation_id)
        return result

    def _one(self, idle: IdleConversation, now: float, result: SweepResult) -> None:
        snapshot = self.events.load(idle.conversation_id, all_sessions=True, now=now)
        events = snapshot.events
        age = now - idle.last_event_at
        segments = report_segments(events)
        if len(segments) == 1 and retention.may_compact(segments[0]):
            if age < self.policy.retention:
                return  # sealed, nothing pending: she may still add to it until the retention ends
        elif age < self.policy.idle_limit(retention.channel_of(events)):
            return  # she may still be coming back to it

        generation = self.events.claim(idle.conversation_id, generation=snapshot.generation or 0, lease=LEASE_SECONDS, now=now)
        if generation is None:
            result.skipped += 1
            return
        reference = None
        try:
            for segment in segments:
                reference = self._pass_on(idle.conversation_id, segment, result)
        except BaseException:
            # E.g. the queue's database is down: let her carry on now, try again next sweep.
            self.events.release(idle.conversation_id, generation=generation)
            raise
        if reference is None or age >= self.policy.retention:
            self.events.delete(idle.conversation_id, generation=generation, claimed=True, now=now)
            result.deleted += 1
            log.info("conversation.deleted", conversation=idle.conversation_id, idle_seconds=round(age))
        else:
            self.events.replace(idle.conversation_id, retention.residue(reference, now), generation=generation, claimed=True)
            result.compacted += 1

    def _pass_on(self, conversation_id: str, segment: list[dict[str, Any]], result: SweepResult) -> str | None:
        """Make sure the unit has everything said in one report; its reference, if it has one."""
        slots = retention.slot_values(segment)
        if retention.is_sealed(slots):
            reference = str(slots[retention.REFERENCE_SLOT])
            for message in retention.unsealed_texts(segment):
                self.intake.add_to_report(reference, str(message.get("text") or ""), at=_at(message))
                result.additions += 1
                log.info("referral.added_late", conversation=conversation_id, reference=reference)
            return reference
        if not retention.has_something_to_pass_on(slots):
            return None
        receipt = self.intake.submit(
            slots, segment, channel=retention.channel_of(segment), conversation_id=conversation_id, status="incomplete"
        )
        result.incomplete.append(receipt.reference)
        log.info(
            "referral.queued",
            conversation=conversation_id,
            reference=receipt.reference,
            status=receipt.status,
            priority=receipt.priority,
            reason="idle",
        )
        return receipt.reference


# --- the process started by the launcher ------------------------------------------------------


def run_forever(sweeper: Sweeper, every: float, stop: threading.Event) -> None:
    log.info("sweeper.started", every_seconds=every, policy=sweeper.policy.__dict__)
    while not stop.is_set():
        try:
            result = sweeper.sweep()
            if any((result.incomplete, result.additions, result.compacted, result.deleted, result.failed)):
                log.info("sweeper.swept", **result.as_dict())
        except Exception:  # noqa: BLE001 - e.g. the database restarting: try again next round
            log.exception("sweeper.failed")
        stop.wait(every)
    log.info("sweeper.stopped")


def main(argv: Sequence[str] | None = None) -> int:
    from bot import logs  # noqa: PLC0415 - only the process configures logging, not importers

    parser = argparse.ArgumentParser(prog="python -m bot.sweeper", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=None, help=f"seconds between sweeps (default ${SWEEP_EVERY_ENV} or 60)")
    args = parser.parse_args(argv)
    logs.configure("sweeper")
    every = args.every if args.every is not None else float(os.environ.get(SWEEP_EVERY_ENV) or 60)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_forever(Sweeper.from_env(), every, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --- `familyvoice purge` -------------------------------------------------------------------------


def cmd_purge(args: argparse.Namespace, _cfg: Any) -> int:
    result = Sweeper.from_env().sweep()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        print(
            f"Queued {len(result.incomplete)} unfinished report(s) as incomplete, added {result.additions} late "
            f"message(s), kept {result.compacted} reference(s) without text, deleted {result.deleted} conversation(s)."
            + (f" {result.skipped} in use, left for the next sweep." if result.skipped else "")
            + (f" {result.failed} FAILED: see the log." if result.failed else "")
        )
    return 1 if result.failed else 0


def add_purge_command(sub: Any) -> None:
    purge = sub.add_parser(
        "purge",
        help="pass on idle conversations (as incomplete referrals) and delete old ones, once",
        description="One sweep of the tracker store; `familyvoice up` runs one every minute. Limits: "
        "FAMILYVOICE_IDLE_WEBCHAT_SECONDS (7200), FAMILYVOICE_IDLE_SMS_SECONDS (86400), "
        "FAMILYVOICE_TRACKER_RETENTION_SECONDS (604800).",
    )
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(func=cmd_purge)
