"""Issue 10 #7 and acceptance 5: ``tvaers retention apply`` deletes what is past its period from
every store, cache and file — person-level rows in the analytics file (and their bytes), the
audit log's old entries (behind a checkpoint, so the chain still verifies), ended sign-in
sessions, old log lines and the derived cache — leaves what is within its period untouched, and
the audit log says what went, when and by whom. ``plan`` shows the same and deletes nothing."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.access import Role
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store import audit, users
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.models import AuditEntry, WebSession

from .conftest import FIXTURES, TEST_KEY

runner = CliRunner()
NOW = datetime.now(UTC)
OLD_ROWS = 300  # enough that DuckDB writes the old texts into the file as they are


def _municipality(tmp_path: Path) -> Path:
    """The mini municipality with 2019 rows added: past the default five whole years."""
    folder = tmp_path / "kommune"
    shutil.copytree(FIXTURES / "mini", folder)
    with (folder / "postings.csv").open("a", encoding="utf-8") as file:
        for n in range(OLD_ROWS):
            file.write(f"G{n:04d},2019-03-31,100.00,5.57.73,1503851236,,1,"
                       f"GAMMELPOSTERING{n:04d}XQ\n")  # fmt: skip
    with (folder / "activities.csv").open("a", encoding="utf-8") as file:
        file.write("1503851236,LAB31,2018-01-01,2019-06-30,8,JK01,Jobcenter\n")
    with (folder / "unit_prices.csv").open("a", encoding="utf-8") as file:
        file.write("LAB31,2015-01-01,400.00,egen pris\n")  # a price in force in 2018
    with (folder / "outcomes.csv").open("a", encoding="utf-8") as file:
        file.write("1503851236,2019-05-01,job,GAMMELTUDFALDXQ\n")
    return folder


def _old_audit_and_sessions(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        monkeypatch.setattr(audit, "utcnow", lambda: NOW - timedelta(days=4 * 366))
        for n in range(5):
            audit.record(session, "gammelbrugerXQ", "vis_borger", citizen=f"q{n:019d}")
        monkeypatch.undo()
        users.add(session, "admin", "Admin", Role.ADMINISTRATOR, "en-lang-adgangskode", actor="t")
        users.add(session, "sb", "Sagsbehandler", Role.CASEWORKER, "en-lang-adgangskode", actor="t")
        user = session.scalar(select(users.User).where(users.User.username == "admin"))
        assert user is not None
        for token, seen in (("gammel", NOW - timedelta(days=90)), ("ny", NOW)):
            session.add(WebSession(token_hash=token * 4, user_id=user.id, started_at=seen,
                                   last_seen_at=seen, ended_at=seen))  # fmt: skip
        session.commit()
    engine.dispose()


def _old_files(settings: Settings) -> None:
    log = settings.log_path
    log.parent.mkdir(parents=True, exist_ok=True)
    lines = [{"timestamp": (NOW - timedelta(days=400)).isoformat(), "event": "gammel_linjeXQ"},
             {"timestamp": NOW.isoformat(), "event": "ny_linje"}]  # fmt: skip
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    cache = settings.home / "mellemlager"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "draw-abc.json").write_text("{}", encoding="utf-8")


def _tvaers(settings: Settings, *args: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": settings.store_url, "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, list(args), env=env)


def _counts(settings: Settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    try:
        return {
            "old_postings": con.execute(
                "SELECT count(*) FROM postings WHERE posting_date < DATE '2021-01-01'").fetchall()[0][0],
            "new_postings": con.execute(
                "SELECT count(*) FROM postings WHERE posting_date >= DATE '2021-01-01'").fetchall()[0][0],
            "old_activities": con.execute(
                "SELECT count(*) FROM activities WHERE end_date < DATE '2021-01-01'").fetchall()[0][0],
            "activities": con.execute("SELECT count(*) FROM activities").fetchall()[0][0],
            "old_outcomes": con.execute(
                "SELECT count(*) FROM outcomes WHERE date < DATE '2021-01-01'").fetchall()[0][0],
            "outcomes": con.execute("SELECT count(*) FROM outcomes").fetchall()[0][0],
        }  # fmt: skip
    finally:
        con.close()


def test_retention_deletes_what_is_past_its_period_everywhere_and_logs_it(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_audit_and_sessions(settings, monkeypatch)
    import_folder(_municipality(tmp_path), settings, user="test")
    _old_files(settings)
    before = _counts(settings)
    assert before["old_postings"] == OLD_ROWS and before["new_postings"] == 9
    assert b"GAMMELPOSTERING0042XQ" in settings.analytics_path.read_bytes()

    shown = _tvaers(settings, "retention", "plan")
    assert shown.exit_code == 0, shown.output
    flat = " ".join(shown.output.split())
    assert "302 postings" not in flat and f"{OLD_ROWS} postings" in flat
    assert _counts(settings) == before  # the plan deleted nothing

    refused = _tvaers(settings, "retention", "apply", "--yes", "--user", "sb")
    assert refused.exit_code == 1 and "Afvist" in refused.output
    assert _counts(settings) == before
    done = _tvaers(settings, "retention", "apply", "--yes", "--user", "admin")
    assert done.exit_code == 0, done.output

    after = _counts(settings)
    assert after["old_postings"] == after["old_activities"] == after["old_outcomes"] == 0
    assert after["new_postings"] == 9
    assert after["activities"] == before["activities"] - 1
    assert after["outcomes"] == before["outcomes"] - 1
    home_bytes = b"".join(p.read_bytes() for p in settings.home.rglob("*") if p.is_file())
    for marker in (b"GAMMELPOSTERING0042XQ", b"GAMMELTUDFALDXQ", b"gammel_linjeXQ"):
        assert marker not in home_bytes, marker  # sqlite store, analytics file, log, cache
    assert not list((settings.home / "mellemlager").glob("*.json"))
    assert "ny_linje" in settings.log_path.read_text(encoding="utf-8")

    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        actors = set(session.scalars(select(AuditEntry.actor)))
        assert "gammelbrugerXQ" not in actors
        tokens = set(session.scalars(select(WebSession.token_hash)))
        assert tokens == {"ny" * 4}
        deletion = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "sletning_efter_frist")
        )
        assert deletion is not None and deletion.actor == "admin"
        assert deletion.detail["analysedata"]["antal"] == {
            "postings": OLD_ROWS,
            "activities": 1,
            "outcomes": 1,
        }
        assert deletion.detail["revisionsspor"]["antal"] == {"indgange": 5}
        assert deletion.detail["sessioner"]["antal"] == {"sessioner": 1}
        assert audit.verify(session).broken is None
        assert session.scalar(select(func.min(AuditEntry.id))) == 6
    engine.dispose()
    again = _tvaers(settings, "retention", "plan")
    assert "intet" in again.output  # nothing more is due


def test_the_draw_still_works_after_the_analytics_file_is_rewritten(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    import_folder(_municipality(tmp_path), sqlite_settings, user="test")
    assert _tvaers(sqlite_settings, "retention", "apply", "--yes").exit_code == 0
    result = _tvaers(sqlite_settings, "coverage")
    assert result.exit_code == 0, result.output
    assert not Path(str(sqlite_settings.analytics_path) + ".ny").exists()
    assert oct(os.stat(sqlite_settings.analytics_path).st_mode & 0o777) == "0o600"


def test_the_audit_period_cannot_go_below_what_the_database_allows(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries from 100 days ago stay even if someone deletes directly: no checkpoint."""
    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        monkeypatch.setattr(audit, "utcnow", lambda: NOW - timedelta(days=100))
        audit.record(session, "nylig", "vis_borger")
        session.commit()
    with engine.connect() as conn, pytest.raises(Exception, match="kun til tilføjelse"):
        conn.execute(text("DELETE FROM audit_log"))
        conn.commit()
    engine.dispose()
