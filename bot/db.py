"""Database engines for FamilyVoice's stores (the referral store and the conversation store),
SQLite or PostgreSQL, set up the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool, StaticPool

# WAL lets readers (console, sweeper) work while a writer commits; wait for a lock rather than fail.
DEFAULT_PRAGMAS = ("journal_mode=WAL", "busy_timeout=5000")


def make_engine(url: str, *, pragmas: Sequence[str] = DEFAULT_PRAGMAS, **options: Any) -> Engine:
    """An engine for ``url``; ``pragmas`` run on every new SQLite connection, ``options`` go to
    create_engine (e.g. hide_parameters, or Rasa's pool settings for PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Production servers restart and drop idle connections; check before use.
        return create_engine(url, future=True, pool_pre_ping=True, **options)

    database = parsed.database or ""
    if database in ("", ":memory:") or "mode=memory" in url:
        # One shared connection, or each connection would get its own empty database.
        engine = create_engine(url, future=True, poolclass=StaticPool, connect_args={"check_same_thread": False}, **options)
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); with the PRAGMAs
        # that cost more than the work itself. Keep connections pooled.
        engine = create_engine(
            url, future=True, poolclass=QueuePool, pool_size=5, connect_args={"check_same_thread": False}, **options
        )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine
