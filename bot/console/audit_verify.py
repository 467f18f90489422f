"""``familyvoice audit verify``: walk the whole chain and say what, if anything, was changed.

Besides the chain itself (every MAC, every ``seq``, every ``prev_mac``), the database is held
against what was recorded outside it: the head file, any checkpoints read from log files
(each must carry this console's signature, and name an entry the database still holds,
unchanged), and the entries kept aside while the chain was broken. A loss that ``audit
resume`` recorded is reported as acknowledged, not as a new problem.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from typing import Sequence

from bot.console.audit import GENESIS, AuditLog
from bot.console.audit_anchors import Checkpoint, HeadUnreadable
from bot.console.tables import AuditRow


@dataclass
class Verification:
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)  # losses `audit resume` recorded
    checkpoints: int = 0  # checkpoints held against the database

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Resumed:
    up_to: int = 0  # anything the anchors recorded up to this seq may be gone, knowingly
    when: str = ""


def verify(audit: AuditLog, checkpoints: Sequence[Checkpoint] = (),
           max_problems: int = 20) -> Verification:
    result = Verification()
    try:
        head = audit.anchors.read_head()
    except HeadUnreadable as unreadable:
        head = None
        result.problems.append(str(unreadable))
    wanted = {checkpoint.seq for checkpoint in checkpoints} | ({head[0]} if head else set())
    macs: dict[int, str] = {}
    resumed = _Resumed()
    expected_seq, prev_mac = 1, GENESIS
    for row in audit.walk():
        result.entries += 1
        computed = audit.mac(row.seq, row.at, row.actor, row.action, row.reference, row.detail,
                             row.prev_mac)
        authentic = hmac.compare_digest(computed, row.mac)
        if not authentic:
            result.problems.append(f"entry {row.seq} was altered (its MAC does not match)")
        if authentic and _resumes(row, expected_seq, prev_mac):
            detail = json.loads(row.detail)
            resumed.up_to = max(resumed.up_to, int(detail.get("head_seq") or 0), row.seq - 1)
            resumed.when = row.at.isoformat(timespec="seconds")
            lost = (f"entries {expected_seq} to {row.seq - 1} were lost"
                    if row.seq > expected_seq else "the newest entries written had been replaced")
            result.acknowledged.append(f"{lost}; `audit resume` recorded it at {resumed.when}")
        else:
            if row.seq != expected_seq:
                result.problems.append(
                    f"entry {expected_seq} is missing (the next entry is {row.seq}): deleted"
                    if row.seq > expected_seq else f"entry {row.seq} is out of order")
            if row.prev_mac != prev_mac:
                result.problems.append(f"entry {row.seq} does not follow the entry before it: "
                                       "entries deleted, reordered or replaced")
        if row.seq in wanted:
            macs[row.seq] = row.mac
        expected_seq, prev_mac = row.seq + 1, row.mac
        if len(result.problems) >= max_problems:
            return result

    end = expected_seq - 1
    if head is not None:
        _hold_against(result, head[0], head[1], "the head file", end, macs, resumed)
    elif audit.anchors.enabled and result.entries:
        result.problems.append("the audit head file is missing: whether the newest entries were "
                               "deleted cannot be told")
    public_key = audit.checkpoint_public_key
    for checkpoint in checkpoints:
        if public_key is None or not checkpoint.signed_by(public_key):
            result.problems.append(f"the checkpoint at {checkpoint.where} is not signed by this "
                                   "console's key: forged or damaged")
            continue
        result.checkpoints += 1
        _hold_against(result, checkpoint.seq, checkpoint.mac,
                      f"the checkpoint of {checkpoint.at} ({checkpoint.where})", end, macs, resumed)
    kept, unverified = audit.anchors.kept_aside()
    if kept:
        result.problems.append(f"{len(kept)} entries are kept aside in audit.pending while the "
                               "chain is broken: find the cause, then run `familyvoice audit "
                               "resume`")
    if unverified:
        result.problems.append(f"{unverified} lines of audit.pending do not match their MAC: "
                               "altered")
    return result


def _resumes(row: AuditRow, expected_seq: int, prev_mac: str) -> bool:
    """A (MAC-checked) ``chain_resumed`` entry continuing the chain walked so far."""
    if row.action != "chain_resumed" or row.prev_mac != prev_mac or row.seq < expected_seq:
        return False
    try:
        return json.loads(row.detail).get("db_end") == expected_seq - 1
    except (ValueError, AttributeError):
        return False


def _hold_against(result: Verification, seq: int, mac: str, what: str, end: int,
                  macs: dict[int, str], resumed: _Resumed) -> None:
    held = macs.get(seq)
    if held is not None and hmac.compare_digest(held, mac):
        return
    if seq <= resumed.up_to:
        result.acknowledged.append(f"{what} names entry {seq}, lost before `audit resume` of "
                                   f"{resumed.when}")
    elif held is None:
        result.problems.append(f"the log ends at entry {end} but {what} records entry {seq}: "
                               "newest entries deleted" if seq > end else
                               f"{what} records entry {seq}, which is missing: deleted")
    else:
        result.problems.append(f"entry {seq} is not the entry {what} records (replaced)")
