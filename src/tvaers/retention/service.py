"""``tvaers retention plan`` and ``apply``: what goes at the end of its period, and going.

Every deletion is set-based (one DELETE per table) and leaves no copy behind: the analytics file
is rewritten without the deleted rows (DuckDB keeps deleted data in its free blocks), SQLite
overwrites what it deletes (``secure_delete``) and empties its write-ahead log, PostgreSQL
rewrites the tables (``VACUUM FULL``). The audit log keeps a checkpoint for the entries it loses,
so its hash chain still verifies; the deletion itself is logged there, with who and how much.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from duckdb import DuckDBPyConnection
from sqlalchemy import Engine, delete, func, or_, select, text
from sqlalchemy.orm import Session

from tvaers.core.config import Settings
from tvaers.data.importer import open_analytics
from tvaers.draw.cache import folder as cache_folder
from tvaers.engine.snapshot import replacing
from tvaers.retention.periods import Kind, kinds
from tvaers.store import audit
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditCheckpoint, AuditEntry, WebSession

# person-level analytics tables and the date after which a row is still in use
DATED = {
    "postings": "posting_date",
    "activities": "coalesce(end_date, start_date)",
    "commitments": "coalesce(end_date, start_date)",
    "outcomes": "date",
}


@dataclass
class Outcome:
    """One kind: its period and reason, and what goes (per part, e.g. per table)."""

    kind: Kind
    parts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def plan(settings: Settings, store: Engine, now: datetime | None = None) -> list[Outcome]:
    """What :func:`apply` would delete today, and why; deletes nothing."""
    return _run(settings, store, now, act=False, actor="")


def apply(
    settings: Settings, store: Engine, actor: str, now: datetime | None = None
) -> list[Outcome]:
    """Delete everything past its period; log what went, when and by whom."""
    return _run(settings, store, now, act=True, actor=actor)


def _run(
    settings: Settings, store: Engine, now: datetime | None, *, act: bool, actor: str
) -> list[Outcome]:
    found = {kind.key: Outcome(kind) for kind in kinds(settings, now)}
    limit = {key: outcome.kind.limit for key, outcome in found.items()}
    found["analysedata"].parts = _analytics(settings, limit["analysedata"], act)
    emptied = act and found["analysedata"].total > 0
    found["mellemlager"].parts = _cache(settings, limit["mellemlager"], act, emptied)
    found["driftslog"].parts = _log_lines(settings.log_path, limit["driftslog"], act)
    owner = make_engine(settings.owner_database_url) if settings.owner_database_url else store
    try:
        found["sessioner"].parts = _sessions(store, limit["sessioner"], act)
        found["revisionsspor"].parts = _audit(owner, limit["revisionsspor"], act, actor)
        if act:
            _record(store, actor, list(found.values()))
            _scrub(owner)
    finally:
        if owner is not store:
            owner.dispose()
    return list(found.values())


def _analytics(settings: Settings, limit: datetime | None, act: bool) -> dict[str, int]:
    """Rows older than the limit in the dated tables; deleted on a copy of the analytics file
    that is then compacted and put in its place (readers keep working meanwhile)."""
    if limit is None or not settings.analytics_path.exists():
        return {}
    cutoff = limit.date()
    with replacing(settings, lambda copy: open_analytics(settings, copy)) as target:
        con = target.con
        counts = {table: _count(con, table, when, cutoff) for table, when in DATED.items()}
        if act and any(counts.values()):
            con.execute("BEGIN TRANSACTION")
            for table, when in DATED.items():
                con.execute(f"DELETE FROM {table} WHERE {when} < ?", [cutoff])
            con.execute("COMMIT")
            _rewrite(con, target.copy)
            target.install()
    return {table: count for table, count in counts.items() if count}


def _count(con: DuckDBPyConnection, table: str, when: str, cutoff: date) -> int:
    query = f"SELECT count(*) FROM {table} WHERE {when} < ?"
    return int(con.execute(query, [cutoff]).fetchall()[0][0])


def _rewrite(con: DuckDBPyConnection, path: Path) -> None:
    """Copy the analytics database into a new file and put it in the old one's place: DuckDB
    keeps deleted rows in the file's free blocks until they are reused."""
    fresh = path.with_name(path.name + ".ny")
    fresh.unlink(missing_ok=True)
    name = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute(f"ATTACH '{fresh}' AS fresh_copy")
    con.execute(f'COPY FROM DATABASE "{name}" TO fresh_copy')
    con.execute("DETACH fresh_copy")
    con.close()
    os.replace(fresh, path)


def _cache(settings: Settings, limit: datetime | None, act: bool, emptied: bool) -> dict[str, int]:
    files = [p for p in cache_folder(settings).glob("*.json") if p.is_file()]
    cutoff = limit.timestamp() if limit else 0.0
    going = [p for p in files if emptied or p.stat().st_mtime < cutoff]
    if act:
        for path in going:
            path.unlink(missing_ok=True)
    return {"filer": len(going)} if going else {}


def _log_lines(path: Path, limit: datetime | None, act: bool) -> dict[str, int]:
    """Lines of the JSON log older than the limit (lines that are not JSON are kept)."""
    if limit is None or not path.is_file():
        return {}
    stamp = limit.strftime("%Y-%m-%dT%H:%M:%S")
    kept, gone = [], 0
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            try:
                when = str(json.loads(line).get("timestamp", ""))
            except (ValueError, AttributeError):
                when = ""
            if when and when[:19] < stamp:
                gone += 1
            else:
                kept.append(line)
    if act and gone:
        fresh = path.with_name(path.name + ".ny")
        fresh.write_text("".join(kept), encoding="utf-8")
        os.replace(fresh, path)  # the handler reopens the file when it has been replaced
    return {"linjer": gone} if gone else {}


def _sessions(store: Engine, limit: datetime | None, act: bool) -> dict[str, int]:
    old = or_(WebSession.ended_at < limit,
              (WebSession.ended_at.is_(None)) & (WebSession.last_seen_at < limit))  # fmt: skip
    with sessions(store)() as session:
        count = int(session.scalar(select(func.count()).select_from(WebSession).where(old)) or 0)
        if act and count:
            _secure(session)
            session.execute(delete(WebSession).where(old))
            session.commit()
    return {"sessioner": count} if count else {}


def _audit(owner: Engine, limit: datetime | None, act: bool, actor: str) -> dict[str, int]:
    """Entries older than the limit; removed behind a checkpoint so the chain still verifies."""
    with sessions(owner)() as session:
        last = session.execute(
            select(AuditEntry.id, AuditEntry.hash).where(AuditEntry.at < limit)
            .order_by(AuditEntry.id.desc()).limit(1)
        ).first()  # fmt: skip
        if last is None:
            return {}
        checkpoint = audit.last_checkpoint(session)
        after = checkpoint.upto_id if checkpoint else 0
        count = int(session.scalar(select(func.count()).select_from(AuditEntry)
                                   .where(AuditEntry.id <= last.id)) or 0)  # fmt: skip
        if act and count:
            session.add(AuditCheckpoint(upto_id=last.id, upto_hash=last.hash, removed=count,
                                        actor=actor or "?", at=datetime.now(UTC)))  # fmt: skip
            session.flush()
            _secure(session)
            session.execute(delete(AuditEntry).where(AuditEntry.id <= last.id,
                                                     AuditEntry.id > after))  # fmt: skip
            session.commit()
    return {"indgange": count} if count else {}


def _record(store: Engine, actor: str, outcomes: list[Outcome]) -> None:
    detail = {o.kind.key: {"antal": o.parts, "grænse": _day(o.kind.limit)} for o in outcomes
              if o.kind.limit is not None}  # fmt: skip
    with sessions(store)() as session:
        audit.record(session, actor, "sletning_efter_frist", detail=detail)
        session.commit()


def _day(moment: datetime | None) -> str | None:
    return moment.date().isoformat() if moment else None


def _secure(session: Session) -> None:
    """SQLite overwrites what this connection deletes (else it stays in free pages)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))


def _scrub(owner: Engine) -> None:
    """Leave no deleted row on disk: SQLite's write-ahead log emptied; PostgreSQL's tables
    rewritten (as the owner; old versions of rows stay in the dead space until then)."""
    with owner.connect() as conn:
        if owner.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM FULL audit_log, web_sessions")
