"""Blind indexes and links in the store: which earlier referrals are about the same child.

Two tables on ``bot.store.Base``:
- ``child_indexes(reference, child, field, digest)``: one row per blind-index digest of each
  child of a referral (``child`` is the child's position in ``referral.children``), so Mason's
  name and Lily's age never combine into a third child (bot/linking.py). No plaintext: a digest
  is an HMAC under a key the database never holds.
- ``child_links(reference, earlier_reference, matched_fields, linked_at)``: every link found
  when a referral came in, so the console can show an earlier referral its later ones too
  (the sealed referral lists only the earlier ones: it was sealed before the later came).

Both are deleted with their referral (foreign keys, ON DELETE CASCADE).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint, and_, or_, select
from sqlalchemy.orm import Session

from bot import linking
from bot.store import Base, ReferralRow, Store, UTCDateTime

REPEAT_WINDOW = dt.timedelta(days=365)  # R-REPEAT: "in the last 12 months"
# Possible links are listed for the officer to judge; a common first name could give dozens.
MAX_POSSIBLE = 5
# Earlier referrals are looked up by the fields that can start a link (see linking.match);
# age, area and school alone are too common to search by.
_LOOKUP_FIELDS = (linking.NAME, linking.SCHOOL)


class ChildIndexRow(Base):
    __tablename__ = "child_indexes"

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), nullable=False, index=True)
    child = Column(Integer, nullable=False, default=0, server_default="0")  # position in referral.children
    field = Column(String(16), nullable=False)
    digest = Column(LargeBinary(linking.DIGEST_BYTES), nullable=False)


Index("ix_child_indexes_lookup", ChildIndexRow.field, ChildIndexRow.digest)


class ChildLinkRow(Base):
    __tablename__ = "child_links"

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), nullable=False, index=True)
    earlier_reference = Column(
        String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), nullable=False, index=True
    )
    matched_fields = Column(String(128), nullable=False)  # comma-separated field names
    strength = Column(String(16), nullable=False, default=linking.LIKELY)
    linked_at = Column(UTCDateTime, nullable=False)

    __table_args__ = (UniqueConstraint("reference", "earlier_reference", name="pair"),)


@dataclass(frozen=True)
class Link:
    """An earlier referral about the same child, the fields that said so, and how sure."""

    reference: str
    received_at: dt.datetime
    matched_fields: tuple[str, ...]
    strength: str = linking.LIKELY
    child: int = 0  # which of this referral's children (position in referral.children)
    earlier_child: int = 0  # which child of the earlier referral

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``linked_references`` in the referral JSON."""
        return {
            "reference": self.reference,
            "received_at": self.received_at.isoformat(),
            "matched_fields": list(self.matched_fields),
            "strength": self.strength,
            "child": self.child,
            "earlier_child": self.earlier_child,
        }


def _each_child(indexes: linking.Indexes | Sequence[linking.Indexes]) -> list[linking.Indexes]:
    """One referral's children's indexes: a single child's mapping is a list of one."""
    return [indexes] if isinstance(indexes, Mapping) else list(indexes)


def _better(link: Link, than: Link | None) -> bool:
    if than is None:
        return True
    rank = {linking.LIKELY: 1, linking.POSSIBLE: 0}
    return (rank[link.strength], len(link.matched_fields)) > (rank[than.strength], len(than.matched_fields))


def find_links(
    store: Store, indexes: linking.Indexes | Sequence[linking.Indexes], *, before: dt.datetime
) -> list[Link]:
    """Referrals received up to ``before`` that ``linking.match`` links to, child by child (each
    child of the new referral against each child of the earlier one; the strongest pair counts):
    every likely one, then the newest ``MAX_POSSIBLE`` possible ones; newest first within each."""
    children = _each_child(indexes)
    wanted = [
        and_(ChildIndexRow.field == field, ChildIndexRow.digest.in_(sorted(child[field])))
        for child in children
        for field in _LOOKUP_FIELDS
        if child.get(field)
    ]
    if not wanted:
        return []
    with Session(store.engine, future=True) as session:
        candidates = (
            select(ChildIndexRow.reference)
            .join(ReferralRow, ReferralRow.reference == ChildIndexRow.reference)
            .where(or_(*wanted), ReferralRow.received_at <= before)
            .distinct()
        )
        rows = session.execute(
            select(ChildIndexRow.reference, ChildIndexRow.child, ChildIndexRow.field, ChildIndexRow.digest,
                   ReferralRow.received_at)
            .join(ReferralRow, ReferralRow.reference == ChildIndexRow.reference)
            .where(ChildIndexRow.reference.in_(candidates))
        ).all()
    earlier: dict[tuple[str, int], dict[str, set[bytes]]] = defaultdict(lambda: defaultdict(set))
    received: dict[str, dt.datetime] = {}
    for reference, child, field, digest, received_at in rows:
        earlier[(reference, child)][field].add(bytes(digest))
        received[reference] = received_at
    best: dict[str, Link] = {}
    for (reference, their_child), theirs in earlier.items():
        old = {f: frozenset(d) for f, d in theirs.items()}
        for position, mine in enumerate(children):
            found = linking.match(mine, old)
            if found is None:
                continue
            link = Link(reference, received[reference], tuple(found.fields), found.strength, position, their_child)
            if _better(link, best.get(reference)):
                best[reference] = link
    links = list(best.values())
    links.sort(key=lambda link: (link.received_at, link.reference), reverse=True)
    likely = [link for link in links if link.strength == linking.LIKELY]
    possible = [link for link in links if link.strength != linking.LIKELY]
    return likely + possible[:MAX_POSSIBLE]


def within_repeat_window(links: list[Link], now: dt.datetime) -> int:
    """How many LIKELY links came in the 12 months before ``now`` (R-REPEAT's count)."""
    return sum(
        1 for link in links if link.strength == linking.LIKELY and now - REPEAT_WINDOW <= link.received_at <= now
    )


def rows(
    reference: str, indexes: linking.Indexes | Sequence[linking.Indexes], links: list[Link], at: dt.datetime
) -> list[Any]:
    """A new referral's digests (each child's) and the links found for it, to be stored in the
    referral's own transaction (Store.add_referral(..., also=...)), so a referral never lacks them."""
    return [
        *(
            ChildIndexRow(reference=reference, child=position, field=field, digest=digest)
            for position, child in enumerate(_each_child(indexes))
            for field, digest in linking.all_digests(child)
        ),
        *(
            ChildLinkRow(
                reference=reference,
                earlier_reference=link.reference,
                matched_fields=",".join(link.matched_fields),
                strength=link.strength,
                linked_at=at,
            )
            for link in links
        ),
    ]


def record(
    store: Store, reference: str, indexes: linking.Indexes | Sequence[linking.Indexes], links: list[Link],
    at: dt.datetime,
) -> None:
    """Store a referral's digests and links on their own (for referrals stored before linking)."""
    with Session(store.engine, future=True) as session, session.begin():
        session.add_all(rows(reference, indexes, links, at))


def links_of(store: Store, reference: str) -> list[dict[str, Any]]:
    """Both directions, for the console: earlier referrals this one linked to, and later ones
    that linked to it. Each: {"reference", "direction": "earlier"|"later", "matched_fields",
    "strength": "likely"|"possible"}."""
    with Session(store.engine, future=True) as session:
        found = session.execute(
            select(ChildLinkRow).where(
                or_(ChildLinkRow.reference == reference, ChildLinkRow.earlier_reference == reference)
            ).order_by(ChildLinkRow.linked_at, ChildLinkRow.id)
        ).scalars()
        return [
            {
                "reference": row.earlier_reference if row.reference == reference else row.reference,
                "direction": "earlier" if row.reference == reference else "later",
                "matched_fields": row.matched_fields.split(","),
                "strength": row.strength,
            }
            for row in found
        ]
