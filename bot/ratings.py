"""A referral's rating over time: changed only by numbered, signed or MAC'd rating changes.

The queue sorts by the clear ``priority``, ``emergency`` and ``deadline`` columns, so whoever
can write to the database could move a referral down it. Every change therefore goes through
:func:`apply_rating_change`, in the same transaction as whatever caused it: it locks the
referral, numbers the change one above the row's ``revision``, writes the ``rating_changes`` row
(its statement signed by the intake, or MAC'd by the console), and updates the row to match. The
console trusts a rating only if it is the one the newest change records (bot/console/integrity.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bot.store import PRIORITY_RANK, RatingChangeRow, ReferralRow, StoreError, UnknownReference


@dataclass(frozen=True)
class RatingState:
    """What a referral's rating is now, read under the lock :func:`apply_rating_change` takes."""

    reference: str
    received_at: dt.datetime
    priority: str
    emergency: bool
    deadline: dt.datetime
    revision: int


@dataclass(frozen=True)
class RatingChange:
    """A new rating and the signed (or MAC'd) statement that vouches for it."""

    reference: str
    revision: int
    at: dt.datetime
    priority: str
    emergency: bool
    deadline: dt.datetime
    by: str  # "intake" or "console"
    statement: bytes
    auth: bytes


class ReferralChanged(StoreError):
    """Another change to the same referral got there first; try again."""


def apply_rating_change(
    connection: Connection,
    reference: str,
    make: Callable[[RatingState], Optional[RatingChange]],
) -> Optional[RatingChange]:
    """Change a referral's rating, in the caller's transaction, which must not have read yet.

    The referral's row is locked first (a no-op UPDATE: a row lock in PostgreSQL, the write lock
    in SQLite), so ``make`` sees the rating as it really is and no other change can slip in
    before this one commits. ``make`` returns the change (revision one up, signed or MAC'd) or
    None to change nothing."""
    table = ReferralRow.__table__
    locked = connection.execute(
        update(table).where(table.c.reference == reference).values(revision=table.c.revision)
    )
    if locked.rowcount != 1:
        raise UnknownReference(reference)
    found = connection.execute(
        select(
            table.c.reference,
            table.c.received_at,
            table.c.priority,
            table.c.emergency,
            table.c.deadline,
            table.c.revision,
        ).where(table.c.reference == reference)
    ).one()
    current = RatingState(
        found.reference,
        found.received_at,
        found.priority,
        bool(found.emergency),
        found.deadline,
        found.revision,
    )
    change = make(current)
    if change is None:
        return None
    if change.revision != current.revision + 1 or change.reference != reference:
        raise StoreError("a rating change must follow the referral's current revision")
    moved = connection.execute(
        update(table)
        .where(table.c.reference == reference, table.c.revision == current.revision)
        .values(
            priority=change.priority,
            priority_rank=PRIORITY_RANK[change.priority],
            emergency=change.emergency,
            deadline=change.deadline,
            revision=change.revision,
        )
    )
    if moved.rowcount != 1:
        raise ReferralChanged(reference)
    connection.execute(
        RatingChangeRow.__table__.insert(),
        {
            "reference": reference,
            "revision": change.revision,
            "at": change.at,
            "by": change.by,
            "statement": change.statement,
            "auth": change.auth,
        },
    )
    return change
