"""The operational store: migrations, and an audit log nobody can edit afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from tvaers.store import audit
from tvaers.store.database import make_engine, sessions, upgrade


def test_migrations_create_the_tables_and_are_repeatable(store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    upgrade(engine)  # a second run changes nothing
    tables = set(inspect(engine).get_table_names())
    assert {"municipalities", "import_batches", "users", "audit_log", "alembic_version"} <= tables
    engine.dispose()


def test_audit_log_is_append_only(store_url: str) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        audit.record(session, "sb01", "vis_familie", citizen="abcdefghijklmnopabcd",
                     purpose="casework", basis="samtykke 2025-03-01", detail={"side": "familie"})  # fmt: skip
        audit.record(
            session, "sb01", "vis_borger", citizen="ponmlkjihgfedcbaponm", purpose="casework"
        )
        session.commit()
        entries = audit.for_citizen(session, "abcdefghijklmnopabcd")
        assert [(e.actor, e.action, e.basis) for e in entries] == [
            ("sb01", "vis_familie", "samtykke 2025-03-01")
        ]
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with engine.connect() as conn, pytest.raises(DBAPIError, match="kun til tilføjelse"):
            conn.execute(text(statement))
            conn.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2
    engine.dispose()


def test_the_audit_log_survives_truncate_and_replace(store_url: str) -> None:
    """Issue 10 #2, the attacks as the database owner: ``TRUNCATE audit_log`` on PostgreSQL and
    ``INSERT OR REPLACE`` over entry 1 on SQLite (which deleted it without firing the DELETE
    trigger) are refused; entry 1 is as written."""
    engine = make_engine(store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        first = audit.record(session, "sb01", "vis_borger", citizen="abcdefghijklmnopabcd",
                             purpose="casework", basis="samtykke")  # fmt: skip
        session.commit()
        number = first.id
    postgres = engine.dialect.name == "postgresql"
    attacks = (
        ["TRUNCATE audit_log", "TRUNCATE selection_decisions"]
        if postgres
        else [
            "INSERT OR REPLACE INTO audit_log (id, at, actor, action) "
            f"VALUES ({number}, '2020-01-01', 'x', 'rewritten')",
            "REPLACE INTO audit_log (id, at, actor, action) "
            f"VALUES ({number}, '2020-01-01', 'x', 'rewritten')",
        ]
    )
    for statement in attacks:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="kun til tilføjelse"):
            conn.execute(text(statement))
            conn.commit()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, actor, action FROM audit_log")).fetchall()
    assert [tuple(r) for r in rows] == [(number, "sb01", "vis_borger")]
    engine.dispose()


def test_a_home_with_a_question_mark_keeps_its_store_inside(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 10 (low): TVAERS_HOME with "?" put the store elsewhere (the rest read as options)."""
    from tvaers.core.config import Settings

    home = tmp_path / "kommune?test#1" / "home"
    engine = make_engine(Settings(home=home, pseudonym_key="k" * 32).store_url)
    upgrade(engine)
    engine.dispose()
    assert (home / "drift.sqlite").is_file()
    assert not (tmp_path / "kommune").exists()
