"""The store: sealed referrals and the unit's queue, in SQLite or PostgreSQL.

Only what the queue needs to sort and filter is kept in the clear: reference, times, channel,
status, priority, emergency flag and deadline. Everything the reporter said is inside ``sealed``
(see bot/sealing.py), so there are deliberately no name, text or phone number columns.
``conversation_key`` is a keyed HMAC of the conversation id made by the caller, never the id.
A report is filed once per conversation key: its claim (``referral_claims``, the key as primary
key) is written in the referral's own transaction, so of two callers sealing one conversation at
once the database lets one through and the other gets :class:`AlreadyFiled`.

Each referral and addition also carries the intake's signed statement (``origin``,
``origin_sig``: bot/origin.py). A referral's rating (priority, emergency, deadline) changes
only through bot/ratings.py, which writes a numbered ``rating_changes`` row, signed by the
intake (an addition saying the child is in danger now) or MAC'd by the console (an officer), in
the same transaction; ``referrals.revision`` says which one the row shows, and the unique
(reference, revision) makes two changes at once take turns instead of both claiming a number.
``resealed_at`` and ``reseal_mac`` are set by `familyvoice keys reseal` (bot/console/reseal.py).

Callers get frozen dataclasses, not ORM objects, so no session leaks out of this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, declarative_base

from bot.db import DEFAULT_PRAGMAS, make_engine

PRIORITY_RANK = {"RED": 3, "AMBER": 2, "GREEN": 1}  # higher is more urgent
STATUSES = ("complete", "incomplete")

# Stable constraint names, so later migrations (Alembic) can refer to them.
_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base: Any = declarative_base(metadata=MetaData(naming_convention=_NAMING))


class StoreError(Exception):
    """The store refused a write."""


class DuplicateReference(StoreError):
    """A referral with this reference is already stored."""


class UnknownReference(StoreError):
    """No referral has this reference."""


class AlreadyFiled(StoreError):
    """This conversation was filed first by another caller: ``referral`` is that one, and
    ``attachments`` the digests of what was sealed into it."""

    def __init__(self, referral: "StoredReferral", attachments: frozenset[str]) -> None:
        super().__init__(referral.reference)
        self.referral = referral
        self.attachments = attachments


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite has no time zones: we store naive UTC there and put the UTC tzinfo back on reading.
    Naive datetimes are refused, since nobody could later tell which clock they came from.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"refusing a naive datetime ({value!r}); give it a time zone")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class ReferralRow(Base):
    __tablename__ = "referrals"

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), nullable=False, unique=True, index=True)
    received_at = Column(UTCDateTime, nullable=False)
    channel = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    priority = Column(String(8), nullable=False)
    priority_rank = Column(Integer, nullable=False)
    emergency = Column(Boolean, nullable=False, default=False)
    deadline = Column(UTCDateTime, nullable=False)
    key_id = Column(String(64), nullable=False)
    suite = Column(String(64), nullable=False)
    sealed = Column(LargeBinary, nullable=False)
    conversation_key = Column(String(128), nullable=True, index=True)
    origin = Column(LargeBinary, nullable=True)  # the intake's signed statement
    origin_sig = Column(LargeBinary, nullable=True)
    revision = Column(Integer, nullable=False, default=0)  # the rating change the row shows
    resealed_at = Column(UTCDateTime, nullable=True)
    reseal_mac = Column(LargeBinary, nullable=True)

    __table_args__ = (
        CheckConstraint("status IN ('complete', 'incomplete')", name="status"),
        CheckConstraint("priority IN ('RED', 'AMBER', 'GREEN')", name="priority"),
        CheckConstraint(
            "(priority = 'RED' AND priority_rank = 3) OR (priority = 'AMBER' AND priority_rank = 2)"
            " OR (priority = 'GREEN' AND priority_rank = 1)",
            name="priority_rank",
        ),
    )


# The duty officers' queue: most urgent first, then the nearest deadline.
Index("ix_referrals_queue", ReferralRow.priority_rank.desc(), ReferralRow.deadline)


class ClaimRow(Base):
    """One report per conversation: the first to seal a conversation's report claims its key."""

    __tablename__ = "referral_claims"

    conversation_key = Column(String(128), primary_key=True)
    reference = Column(
        String(32), ForeignKey("referrals.reference", ondelete="CASCADE"), nullable=False
    )
    attachments = Column(Text, nullable=False, default="")  # keyed digests, space-separated


class AddendumRow(Base):
    __tablename__ = "addenda"

    id = Column(Integer, primary_key=True)
    reference = Column(
        String(32),
        ForeignKey("referrals.reference", ondelete="CASCADE"),  # purging a referral purges these
        nullable=False,
        index=True,
    )
    received_at = Column(UTCDateTime, nullable=False)
    key_id = Column(String(64), nullable=False)
    suite = Column(String(64), nullable=False)
    sealed = Column(LargeBinary, nullable=False)
    origin = Column(LargeBinary, nullable=True)
    origin_sig = Column(LargeBinary, nullable=True)
    resealed_at = Column(UTCDateTime, nullable=True)
    reseal_mac = Column(LargeBinary, nullable=True)


class RatingChangeRow(Base):
    """A change of a referral's rating, numbered per referral; ``auth`` is the intake's signature
    or the console's MAC over ``statement`` (bot/origin.py, bot/console/integrity.py)."""

    __tablename__ = "rating_changes"

    id = Column(Integer, primary_key=True)
    reference = Column(
        String(32),
        ForeignKey("referrals.reference", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    revision = Column(Integer, nullable=False)
    at = Column(UTCDateTime, nullable=False)
    by = Column(String(16), nullable=False)
    statement = Column(LargeBinary, nullable=False)
    auth = Column(LargeBinary, nullable=False)

    __table_args__ = (
        UniqueConstraint("reference", "revision", name="uq_rating_changes_revision"),
        CheckConstraint("by IN ('intake', 'console')", name="by"),
    )


@dataclass(frozen=True)
class StoredReferral:
    """One row of ``referrals``; ``sealed`` opens only with the unit's private key.

    ``priority_rank`` may be left out: it is filled in from ``priority`` (and checked if given).
    """

    reference: str
    received_at: dt.datetime
    channel: str
    status: str
    priority: str
    emergency: bool
    deadline: dt.datetime
    key_id: str
    suite: str
    sealed: bytes
    conversation_key: Optional[str] = None
    priority_rank: int = 0
    origin: Optional[bytes] = None
    origin_sig: Optional[bytes] = None
    revision: int = 0
    resealed_at: Optional[dt.datetime] = None
    reseal_mac: Optional[bytes] = None

    def __post_init__(self) -> None:
        if self.priority not in PRIORITY_RANK:
            allowed = sorted(PRIORITY_RANK)
            raise ValueError(f"priority must be one of {allowed}, not {self.priority!r}")
        rank = PRIORITY_RANK[self.priority]
        if self.priority_rank == 0:
            object.__setattr__(self, "priority_rank", rank)
        elif self.priority_rank != rank:
            raise ValueError(
                f"priority_rank of {self.priority} is {rank}, not {self.priority_rank}"
            )
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        for name in ("received_at", "deadline"):
            value = getattr(self, name)
            if not isinstance(value, dt.datetime) or value.utcoffset() is None:
                raise ValueError(f"{name} must be a time-zone aware datetime, not {value!r}")


    def queue_fields(self) -> dict[str, Any]:
        """What anyone may see of a referral without the private key, as JSON-ready values."""
        return {
            "reference": self.reference,
            "received_at": self.received_at.isoformat(),
            "channel": self.channel,
            "status": self.status,
            "priority": self.priority,
            "emergency": self.emergency,
            "deadline": self.deadline.isoformat(),
        }


@dataclass(frozen=True)
class StoredAddendum:
    """Something a reporter added after submitting; sealed and signed like the referral itself."""

    reference: str
    received_at: dt.datetime
    key_id: str
    suite: str
    sealed: bytes
    origin: Optional[bytes] = None
    origin_sig: Optional[bytes] = None
    resealed_at: Optional[dt.datetime] = None
    reseal_mac: Optional[bytes] = None
    id: int = 0


@dataclass(frozen=True)
class StoredRatingChange:
    """A row of ``rating_changes`` as stored: trust it only once its ``auth`` checks out."""

    reference: str
    revision: int
    at: dt.datetime
    by: str
    statement: bytes
    auth: bytes


def import_table_modules() -> None:
    """Import every module that adds tables to ``Base.metadata`` (each owns its own)."""
    import bot.sms_state  # noqa: F401 - the SMS channel's tables (issue 3)
    import bot.console.tables  # noqa: F401 - the duty officers' console's tables (issue 5)
    import bot.outbox  # noqa: F401 - referrals waiting to be forwarded (issue 7)
    import bot.linking_store  # noqa: F401 - blind indexes over the child's identity (issue 6)
    import bot.followup  # noqa: F401 - follow-up PINs and what is new for officers (issue 6)


class Store:
    def __init__(self, url: str) -> None:
        # SQLite ignores foreign keys unless asked.
        self.engine: Engine = make_engine(url, pragmas=(*DEFAULT_PRAGMAS, "foreign_keys=ON"))

    def create_all(self) -> None:
        """Create the tables that are missing. Tests and `referrals list` on a fresh machine
        use this; deployed stores are changed only by migrations (`familyvoice db upgrade`)."""
        import_table_modules()
        Base.metadata.create_all(self.engine)

    def migrate(self) -> None:
        """Bring the schema up to date with the Alembic migrations in migrations/."""
        from alembic import command
        from alembic.config import Config

        from sqlalchemy import inspect

        config = Config(str(Path(__file__).resolve().parent.parent / "alembic.ini"))
        config.attributes["url"] = str(self.engine.url.render_as_string(hide_password=False))
        tables = set(inspect(self.engine).get_table_names())
        if "referrals" in tables and "alembic_version" not in tables:
            # Made by create_all before migrations existed (a developer's var/): complete it
            # and record it as current, rather than fail on tables that already exist.
            self.create_all()
            command.stamp(config, "head")
            return
        command.upgrade(config, "head")

    def add_referral(self, row: StoredReferral, *, forward: bool = False, also: Iterable[Any] = (),
                     attachments: Iterable[str] = ()) -> None:
        """Store a sealed referral; raises :class:`DuplicateReference` if the reference is taken
        and :class:`AlreadyFiled` if its ``conversation_key`` is.

        With ``forward``, its outbox row for the case-management system is written in the
        same transaction (bot/outbox.py), so a crash cannot keep one without the other.
        ``also``: other rows that belong with it (its blind indexes), in the same transaction.
        ``attachments``: digests of what was sealed into it, kept with the claim.
        """
        # Core inserts, one statement per table (the ORM's unit of work and a statement per
        # row took half the time of sealing a referral). The row mirrors the dataclass field
        # for field.
        fields = {field.name: getattr(row, field.name) for field in dataclasses.fields(row)}  # flat: no deep copy
        rows = [ReferralRow(**{**fields, "sealed": bytes(row.sealed)}), *also]
        if row.conversation_key is not None:
            rows.append(ClaimRow(conversation_key=row.conversation_key, reference=row.reference,
                                 attachments=" ".join(attachments)))
        if forward:
            from bot import outbox

            rows.append(outbox.new_row(row, dt.datetime.now(dt.timezone.utc)))
        by_table: dict[Any, list[dict[str, Any]]] = {}
        for record in rows:  # the referral first: the other rows refer to it
            by_table.setdefault(record.__table__, []).append(_column_values(record))
        try:
            with self.engine.begin() as connection:
                for table, values in by_table.items():
                    connection.execute(table.insert(), values)
        except IntegrityError:
            # The unique keys are the real guard (two processes may race); say which it was.
            filed = self.filed(row.conversation_key) if row.conversation_key is not None else None
            if filed is not None and filed.referral.reference != row.reference:
                raise filed from None
            if self.get(row.reference) is not None:
                raise DuplicateReference(row.reference) from None
            raise

    def get(self, reference: str) -> Optional[StoredReferral]:
        with Session(self.engine, future=True) as session:
            found = session.execute(
                select(ReferralRow).where(ReferralRow.reference == reference)
            ).scalar_one_or_none()
            return _referral(found) if found is not None else None

    def get_many(self, references: Iterable[str]) -> list[StoredReferral]:
        """These referrals (those that exist), in no particular order."""
        references = list(references)
        if not references:
            return []
        table = ReferralRow.__table__
        with self.engine.connect() as connection:
            found = connection.execute(select(table).where(table.c.reference.in_(references)))
            return [_referral(row) for row in found]

    def find_by_conversation_key(self, key: str) -> Optional[StoredReferral]:
        """The referral filed from this conversation, so it is not filed twice."""
        filed = self.filed(key)
        return filed.referral if filed is not None else None

    def filed(self, key: str) -> Optional[AlreadyFiled]:
        """The claim on this conversation key, if it was filed: its referral and attachments."""
        claims, table = ClaimRow.__table__, ReferralRow.__table__
        with self.engine.connect() as connection:
            found = connection.execute(
                select(table, claims.c.attachments)
                .join(claims, claims.c.reference == table.c.reference)
                .where(claims.c.conversation_key == key)
            ).first()
        if found is None:
            return None
        return AlreadyFiled(_referral(found), frozenset(found.attachments.split()))

    def note_attachments(self, key: str, digests: Iterable[str]) -> None:
        """Attachments added to a conversation's referral after it was filed."""
        claims = ClaimRow.__table__
        with self.engine.begin() as connection:
            connection.execute(update(claims).where(claims.c.conversation_key == key).values(
                attachments=claims.c.attachments + " " + " ".join(digests)))

    def list_queue(
        self,
        *,
        status: Optional[str] = None,
        priority: Optional[str] = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[StoredReferral]:
        """Referrals RED, AMBER, GREEN, each by nearest deadline first."""
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        query = select(ReferralRow)
        if status is not None:
            query = query.where(ReferralRow.status == status)
        if priority is not None:
            query = query.where(ReferralRow.priority == priority)
        query = (
            query.order_by(
                ReferralRow.priority_rank.desc(),
                ReferralRow.deadline.asc(),
                ReferralRow.id.asc(),  # a stable order, so pages do not overlap
            )
            .limit(limit)
            .offset(offset)
        )
        with Session(self.engine, future=True) as session:
            return [_referral(found) for found in session.execute(query).scalars()]

    def add_addendum(
        self,
        reference: str,
        received_at: dt.datetime,
        key_id: str,
        suite: str,
        sealed: bytes,
        *,
        origin: Optional[bytes] = None,
        origin_sig: Optional[bytes] = None,
        first: Optional[Callable[[Connection], Any]] = None,
        forward: bool = False,
    ) -> Any:
        """Store something the reporter added later; raises :class:`UnknownReference`.

        ``first`` runs in the same transaction before the addition is written, and what it
        returns is returned: an addition saying the child is in danger now brings its rating
        change that way (bot/ratings.py), so both, and with ``forward`` their outbox rows, are
        written together or not at all."""
        addendum = StoredAddendum(
            reference, received_at, key_id, suite, bytes(sealed), origin, origin_sig
        )
        with self.engine.begin() as connection:
            result = None
            if first is not None:
                result = first(connection)
            if not _exists(connection, reference):
                raise UnknownReference(reference)
            values = {name: getattr(addendum, name) for name in _ADDENDUM_COLUMNS}
            connection.execute(AddendumRow.__table__.insert(), values)
            if forward:
                from bot import outbox

                now = dt.datetime.now(dt.timezone.utc)
                outbox.write(connection, [outbox.addition_row(addendum, now)])
        return result

    def addenda(self, reference: str) -> list[StoredAddendum]:
        """Everything added to a referral, oldest first."""
        table = AddendumRow.__table__
        query = (
            select(table)
            .where(table.c.reference == reference)
            .order_by(table.c.received_at, table.c.id)
        )
        with self.engine.connect() as connection:
            return [_addendum(found) for found in connection.execute(query)]

    def rating_changes(self, references: Iterable[str]) -> dict[str, dict[int, StoredRatingChange]]:
        """Every rating change of these referrals, by reference and revision (unchecked)."""
        references = list(references)
        found: dict[str, dict[int, StoredRatingChange]] = {
            reference: {} for reference in references
        }
        if not references:
            return found
        table = RatingChangeRow.__table__
        query = select(table).where(table.c.reference.in_(references)).order_by(table.c.id)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                found[row.reference][row.revision] = _rating_change(row)
        return found


_ADDENDUM_COLUMNS = (
    "reference",
    "received_at",
    "key_id",
    "suite",
    "sealed",
    "origin",
    "origin_sig",
    "resealed_at",
    "reseal_mac",
)


def _exists(connection: Connection, reference: str) -> bool:
    table = ReferralRow.__table__
    return (
        connection.execute(select(table.c.id).where(table.c.reference == reference)).first()
        is not None
    )


def _addendum(found: Any) -> StoredAddendum:
    return StoredAddendum(
        reference=found.reference,
        received_at=found.received_at,
        key_id=found.key_id,
        suite=found.suite,
        sealed=bytes(found.sealed),
        origin=_bytes(found.origin),
        origin_sig=_bytes(found.origin_sig),
        resealed_at=found.resealed_at,
        reseal_mac=_bytes(found.reseal_mac),
        id=found.id,
    )


def _rating_change(found: Any) -> StoredRatingChange:
    return StoredRatingChange(
        found.reference,
        found.revision,
        found.at,
        found.by,
        bytes(found.statement),
        bytes(found.auth),
    )


def _bytes(value: Any) -> Optional[bytes]:
    return None if value is None else bytes(value)


def _column_values(record: Any) -> dict[str, Any]:
    """A mapped object's column values for a Core insert; unset ones are left to their defaults."""
    values = {}
    for attribute in sa_inspect(record).mapper.column_attrs:
        value = getattr(record, attribute.key)
        if value is not None:
            values[attribute.columns[0].key] = value
    return values


def _referral(found: Any) -> StoredReferral:
    """From an ORM row or a Core row of the referrals table."""
    values = {
        field.name: getattr(found, field.name) for field in dataclasses.fields(StoredReferral)
    }
    return StoredReferral(
        **{
            **values,
            "emergency": bool(found.emergency),
            "sealed": bytes(found.sealed),
            "origin": _bytes(found.origin),
            "origin_sig": _bytes(found.origin_sig),
            "reseal_mac": _bytes(found.reseal_mac),
        }
    )
