"""The unit's queue as duty officers see it: RED, then AMBER, then GREEN, each by deadline.

Reads only the clear columns (never the sealed blobs) and walks the ``ix_referrals_queue``
index (priority_rank DESC, deadline) in order, so a page costs the same with 100 or 100,000
referrals. Pages are keyset ("after this row"), not OFFSET: page 2,000 is as quick as page 1
and a referral arriving mid-read neither repeats nor skips a row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.console.tables import CaseEventRow
from bot.followup import ReferralAdditionsRow
from bot.store import PRIORITY_RANK, STATUSES, ReferralRow

PAGE_SIZE = 50
STAGES = {"open": "Awaiting a decision", "decided": "Decided", "all": "All"}
_CURSOR = re.compile(r"([123])~(\d{10,16})~(\d{1,18})")


class BadFilter(ValueError):
    """A filter or page link that does not make sense (answered with 400, never a crash)."""


@dataclass(frozen=True)
class Filters:
    priority: Optional[str] = None
    status: Optional[str] = None
    stage: str = "open"

    @classmethod
    def parse(cls, query: dict[str, str]) -> "Filters":
        priority = query.get("rating") or None
        status = query.get("status") or None
        stage = query.get("stage") or "open"
        if priority is not None and priority not in PRIORITY_RANK:
            raise BadFilter("rating must be RED, AMBER or GREEN")
        if status is not None and status not in STATUSES:
            raise BadFilter("status must be complete or incomplete")
        if stage not in STAGES:
            raise BadFilter("stage must be open, decided or all")
        return cls(priority, status, stage)

    def as_query(self) -> dict[str, str]:
        values = {"rating": self.priority, "status": self.status, "stage": self.stage}
        return {k: v for k, v in values.items() if v and not (k == "stage" and v == "open")}


@dataclass(frozen=True)
class QueueRow:
    id: int
    reference: str
    received_at: dt.datetime
    channel: str
    status: str
    priority: str
    emergency: bool
    deadline: dt.datetime

    @property
    def cursor(self) -> str:
        """Where the next page starts: this row's place in the queue's order."""
        micros = int(self.deadline.timestamp() * 1_000_000)
        return f"{PRIORITY_RANK[self.priority]}~{micros}~{self.id}"


@dataclass(frozen=True)
class Page:
    rows: list[QueueRow]
    next_cursor: Optional[str]


def _decided():
    return exists().where(CaseEventRow.reference == ReferralRow.reference, CaseEventRow.kind == "decision")


def _filtered(query, filters: Filters):
    if filters.priority is not None:
        query = query.where(ReferralRow.priority_rank == PRIORITY_RANK[filters.priority])
    if filters.status is not None:
        query = query.where(ReferralRow.status == filters.status)
    if filters.stage == "open":
        query = query.where(~_decided())
    elif filters.stage == "decided":
        query = query.where(_decided())
    return query


def _after(cursor: str):
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise BadFilter("that page link is not one the console made")
    rank, micros, row_id = (int(g) for g in match.groups())
    deadline = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(microseconds=micros)
    # The queue's order is (rank DESC, deadline ASC, id ASC); "after" follows it exactly.
    return or_(
        ReferralRow.priority_rank < rank,
        and_(ReferralRow.priority_rank == rank,
             or_(ReferralRow.deadline > deadline, and_(ReferralRow.deadline == deadline, ReferralRow.id > row_id))),
    )


def page_query(filters: Filters, after: Optional[str] = None, size: int = PAGE_SIZE):
    """The SELECT for one page (exposed so tests can EXPLAIN it)."""
    query = select(
        ReferralRow.id, ReferralRow.reference, ReferralRow.received_at, ReferralRow.channel, ReferralRow.status,
        ReferralRow.priority, ReferralRow.emergency, ReferralRow.deadline,
    )
    query = _filtered(query, filters)
    if after:
        query = query.where(_after(after))
    return query.order_by(ReferralRow.priority_rank.desc(), ReferralRow.deadline.asc(), ReferralRow.id.asc()).limit(size + 1)


def page(engine: Engine, filters: Filters, after: Optional[str] = None, size: int = PAGE_SIZE) -> Page:
    with Session(engine, future=True) as session:
        rows = [QueueRow(*found[:6], bool(found[6]), found[7]) for found in session.execute(page_query(filters, after, size))]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1].cursor if more and rows else None)


def unseen_additions(engine: Engine, references: list[str]) -> dict[str, int]:
    """How many things reporters added to these referrals that no officer has opened yet."""
    if not references:
        return {}
    query = select(ReferralAdditionsRow.reference, ReferralAdditionsRow.unseen).where(
        ReferralAdditionsRow.reference.in_(references), ReferralAdditionsRow.unseen > 0)
    with Session(engine, future=True) as session:
        return dict(session.execute(query).all())


def time_left(deadline: dt.datetime, now: dt.datetime) -> tuple[bool, str]:
    """(overdue?, words) for the SLA clock, e.g. (False, "3 h 05 min left")."""
    seconds = int((deadline - now).total_seconds())
    words = _duration(abs(seconds))
    return (True, f"overdue by {words}") if seconds < 0 else (False, f"{words} left")


def _duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
