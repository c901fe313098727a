"""Issue 10 #2 and acceptance 3: the audit log's hash chain. ``tvaers audit verify`` says intact
on an untouched log and names the first bad entry after an UPDATE, DELETE, REPLACE or TRUNCATE
made as the database owner (triggers switched off first, as only an owner can); two connections
writing at once keep one unbroken chain; on PostgreSQL the app's least-privilege role cannot
switch a trigger off, TRUNCATE, UPDATE or DELETE at all."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.store import audit
from tvaers.store.database import make_engine, sessions, upgrade

from .conftest import TEST_KEY

runner = CliRunner()


def _verify(home: Path, url: str, *extra: str):  # type: ignore[no-untyped-def]
    env = {"TVAERS_HOME": str(home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": url, "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    return runner.invoke(app, ["audit", "verify", *extra], env=env)


def _written(url: str, count: int = 6) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with sessions(engine)() as session:
        for number in range(count - 3):
            audit.record(session, "sb01", "vis_borger", citizen=f"p{number:019d}",
                         purpose="casework", basis="samtykke", detail={"side": "borger"})  # fmt: skip
        audit.record_listed(session, "sb02", "vis_kandidater", ["a" * 20, "b" * 20, "c" * 20],
                            purpose="casework", basis="grundlag", detail={"antal": 3})  # fmt: skip
        session.commit()
    engine.dispose()


def _as_owner(url: str, *statements: str) -> None:
    """The database owner switches the guards off and tampers."""
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        else:
            for name in ("update", "delete", "replace"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS audit_log_no_{name}"))
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_an_untouched_log_is_intact_and_the_check_is_itself_logged(
    store_url: str, tmp_path: Path
) -> None:
    _written(store_url)
    first = _verify(tmp_path / "home", store_url)
    assert first.exit_code == 0, first.output
    assert "intakt: 6 indgange kontrolleret" in first.output
    second = _verify(tmp_path / "home", store_url)
    assert "intakt: 7 indgange kontrolleret" in second.output  # the first check is an entry


@pytest.mark.parametrize(
    ("attack", "first_bad"),
    [
        ("UPDATE audit_log SET actor = 'x' WHERE id = 3", "indgang nr. 3: indholdet er ændret"),
        ("UPDATE audit_log SET citizen = NULL WHERE id = 5", "indgang nr. 5: indholdet er ændret"),
        ("DELETE FROM audit_log WHERE id = 2", "indgang nr. 2: indgang nr. 2 mangler"),
        ("DELETE FROM audit_log WHERE id IN (2, 3)", "indgang nr. 2: indgang nr. 2–3 mangler"),
        ("DELETE FROM audit_log WHERE id >= 5", "indgang nr. 5: indgang nr. 5–7 mangler"),
        ("DELETE FROM audit_log", "indgang nr. 1: indgang nr. 1–7 mangler"),
        ("TRUNCATE audit_log", "indgang nr. 1: indgang nr. 1–7 mangler"),
        ("REPLACE", "indgang nr. 4: indholdet er ændret"),
    ],
)
def test_the_check_names_the_first_entry_an_owner_changed(
    store_url: str, tmp_path: Path, attack: str, first_bad: str
) -> None:
    _written(store_url)
    home = tmp_path / "home"
    assert _verify(home, store_url).exit_code == 0  # notes head 7 outside the database
    postgres = store_url.startswith("postgresql")
    if attack == "TRUNCATE audit_log" and not postgres:
        attack = "DELETE FROM audit_log"
    if attack == "REPLACE":
        rewrite = ("INSERT INTO audit_log (id, at, actor, action, prev_hash, hash) SELECT id, at, "
                   "'x', 'omskrevet', prev_hash, hash FROM audit_log WHERE id = 4")  # fmt: skip
        attack = (
            f"{rewrite} ON CONFLICT (id) DO UPDATE SET actor = 'x', action = 'omskrevet'"
            if postgres
            else rewrite.replace("INSERT INTO", "INSERT OR REPLACE INTO")
        )
    _as_owner(store_url, attack)
    result = _verify(home, store_url)
    assert result.exit_code == 1, result.output
    assert "ikke intakt" in result.output
    assert f"Første fejl: {first_bad}" in " ".join(result.output.split())


def test_the_app_cannot_rewrite_the_log_even_once(store_url: str, tmp_path: Path) -> None:
    """The same attacks without switching the triggers off are refused, and the chain stays
    intact."""
    _written(store_url)
    engine = make_engine(store_url)
    postgres = engine.dialect.name == "postgresql"
    attacks = ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log WHERE id = 1"]
    attacks.append("TRUNCATE audit_log" if postgres else
                   "INSERT OR REPLACE INTO audit_log (id, at, actor, action) "
                   "VALUES (1, '2020-01-01', 'x', 'y')")  # fmt: skip
    for statement in attacks:
        with engine.connect() as conn, pytest.raises(DBAPIError, match="kun til tilføjelse"):
            conn.execute(text(statement))
            conn.commit()
    engine.dispose()
    assert "intakt: 6 indgange" in _verify(tmp_path / "home", store_url).output


def test_two_connections_writing_at_once_keep_one_chain(store_url: str, tmp_path: Path) -> None:
    engine = make_engine(store_url)
    upgrade(engine)
    factory = sessions(engine)
    failures: list[BaseException] = []

    def write(actor: str) -> None:
        try:
            for number in range(15):
                with factory() as session:
                    audit.record(session, actor, "vis_borger", citizen=f"{actor}{number:018d}")
                    if number % 5 == 0:
                        audit.record_listed(session, actor, "vis_kandidater", ["x" * 20, "y" * 20],
                                            purpose="casework", basis="b", detail={})  # fmt: skip
                    session.commit()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(f"u{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    with factory() as session:
        result = audit.verify(session)
    engine.dispose()
    assert result.broken is None
    assert result.checked == 2 * (15 + 3 * 2) == result.head[0]  # type: ignore[index]


def test_a_checkpoint_cannot_be_made_for_recent_entries(store_url: str) -> None:
    """Retention removes entries only behind a checkpoint, and the database accepts one only
    for an entry older than 180 days: nobody can clear this half-year's log that way."""
    _written(store_url)
    engine = make_engine(store_url)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="180 dage"):
        conn.execute(text(
            "INSERT INTO audit_checkpoints (at, upto_id, upto_hash, removed, actor) "
            "SELECT at, id, hash, id, 'x' FROM audit_log WHERE id = 6"))  # fmt: skip
        conn.commit()
    engine.dispose()


def test_the_apps_postgresql_role_cannot_tamper(store_url: str, tmp_path: Path) -> None:
    if not store_url.startswith("postgresql"):
        pytest.skip("roller findes kun på PostgreSQL")
    _written(store_url)
    role = f"tvaers_app_{uuid.uuid4().hex[:8]}"
    env = {"TVAERS_HOME": str(tmp_path / "home"), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_DATABASE_URL": store_url, "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    shown = runner.invoke(app, ["db", "roles", "--role", role], env=env)
    assert "REVOKE UPDATE, DELETE ON audit_log" in shown.output
    applied = runner.invoke(app, ["db", "roles", "--role", role, "--apply"], env=env)
    assert applied.exit_code == 0, applied.output
    as_app = str(make_url(store_url).set(username=role))
    engine = make_engine(as_app)
    try:
        upgrade(engine)  # at head: the app starts as the role
        with sessions(engine)() as session:
            audit.record(session, "sb01", "vis_borger", citizen="q" * 20, purpose="casework")
            session.commit()
        for statement in ("TRUNCATE audit_log", "UPDATE audit_log SET actor = 'x'",
                          "DELETE FROM audit_log", "ALTER TABLE audit_log DISABLE TRIGGER USER",
                          "DROP TRIGGER audit_log_no_update ON audit_log",
                          "INSERT INTO audit_checkpoints (at, upto_id, upto_hash, removed, actor) "
                          "VALUES (now(), 7, 'x', 7, 'x')"):  # fmt: skip
            with (
                engine.connect() as conn,
                pytest.raises(DBAPIError, match=r"permission denied|must be owner|ejer"),
            ):
                conn.execute(text(statement))
                conn.commit()
    finally:
        engine.dispose()
        owner = make_engine(store_url)
        with owner.begin() as conn:
            conn.execute(text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
            conn.execute(text(f"DROP OWNED BY {role}"))
        owner.dispose()
        admin = make_engine(store_url.rsplit("/", 1)[0] + "/postgres")
        with admin.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()
    assert "intakt: 7 indgange" in _verify(tmp_path / "home", store_url).output


def test_entries_written_before_the_chain_are_chained_by_the_migration(
    store_url: str, tmp_path: Path
) -> None:
    from alembic import command

    from tvaers.store.database import alembic_config

    engine = make_engine(store_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
    with engine.begin() as conn:
        for number in (3, 8, 9):  # numbers with gaps, as rolled-back sequences leave them
            conn.execute(text(
                "INSERT INTO audit_log (id, at, actor, action, citizen, detail) VALUES "
                f"({number}, '2026-01-0{number % 9 + 1} 10:00:00', 'sb01', 'vis_borger', 'p{number}', "
                "'{\"side\": \"borger\", \"antal\": 2}')"))  # fmt: skip
    upgrade(engine)
    engine.dispose()
    result = _verify(tmp_path / "home", store_url)
    assert "intakt: 3 indgange kontrolleret" in result.output, result.output


def test_a_head_in_the_wrong_form_is_said_in_danish(store_url: str, tmp_path: Path) -> None:
    _written(store_url)
    result = _verify(tmp_path / "home", store_url, "--hoved", "xx")
    assert result.exit_code == 2 and "ikke et hoved på formen NR:HASH" in result.output
    assert "Invalid value" not in result.output
