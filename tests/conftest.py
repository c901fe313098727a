"""Shared fixtures: a Tværs home per test, and the operational store on SQLite and PostgreSQL.

PostgreSQL runs at 127.0.0.1:5432 (user postgres, trust auth, or ``TVAERS_TEST_POSTGRES``); each
test gets a database of its own. Without a server the PostgreSQL cases are skipped, unless
``TVAERS_REQUIRE_POSTGRES=1`` (set by CI), in which case they fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine, text

from tvaers.core.config import Settings
from tvaers.data.contracts import CONTRACTS
from tvaers.store.database import make_engine

FIXTURES = Path(__file__).parent / "fixtures"
# generated keys live outside the data folder (under XDG_CONFIG_HOME): not in the tester's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="tvaers-noegler-")
# no background warming in tests: a test decides what is published, and when (one test turns
# it on to show that it works)
os.environ["TVAERS_WARM_CACHE"] = "false"
os.environ["TVAERS_PAGE_WAIT"] = "600"  # a page waits for its figures (one test shows the wait)
TEST_KEY = "test-key-0123456789abcdef0123456789"
PG_ADMIN = os.environ.get("TVAERS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(
            PG_ADMIN.replace("postgresql+psycopg", "postgresql"), connect_timeout=3
        ):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_ok() -> bool:
    ok = _postgres_available()
    if not ok and os.environ.get("TVAERS_REQUIRE_POSTGRES") == "1":
        pytest.fail("PostgreSQL kræves (TVAERS_REQUIRE_POSTGRES=1), men svarer ikke på " + PG_ADMIN)
    return ok


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty operational database URL: SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'drift.sqlite'}"
        return
    if not request.getfixturevalue("postgres_ok"):
        pytest.skip("PostgreSQL svarer ikke")
    import psycopg

    name = f"tvaers_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, store_url: str) -> Settings:
    return Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, database_url=store_url)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """For tests about the analytics side only: SQLite store."""
    return Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the hand-made mini municipality."""
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    return folder


def snapshot(settings: Settings) -> dict[str, str]:
    """A fingerprint of everything stored: every analytics table and every store table."""
    prints: dict[str, str] = {}
    if settings.analytics_path.exists():
        con = duckdb.connect(str(settings.analytics_path), read_only=True)
        try:
            tables = [
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            ]
            for table in sorted(tables):
                rows = con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
                prints[f"duckdb.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
        finally:
            con.close()
    engine: Engine = make_engine(settings.store_url)
    try:
        with engine.connect() as conn:
            for table in ("municipalities", "import_batches", "users", "audit_log"):
                try:
                    rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).fetchall()
                except Exception:
                    conn.rollback()
                    rows = []
                prints[f"store.{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()
    return prints


def analytics_rows(settings: Settings, table: str, columns: str = "*") -> list[tuple]:
    con = duckdb.connect(str(settings.analytics_path), read_only=True)
    try:
        return con.execute(f'SELECT {columns} FROM "{table}" ORDER BY ALL').fetchall()
    finally:
        con.close()


ALL_TABLES = tuple(CONTRACTS)


# --- the web app -----------------------------------------------------------------------------

PASSWORD = "korrekt-hest-batteri-hæfteklamme"
ROLES = ("administrator", "finance_consultant", "area_chief", "solution_leader", "caseworker",
         "analyst")  # fmt: skip


def seeded_app(settings: Settings, data: str = "mini", extra=None):  # type: ignore[no-untyped-def]
    """The app on ``settings`` with the fixture municipality ``data`` imported, one user per role
    (user name = the role with dashes, password PASSWORD) and the five example solutions;
    ``extra(session)`` adds what a test file needs before the commit."""
    from tvaers.anchoring import examples
    from tvaers.data.importer import import_folder
    from tvaers.store import users
    from tvaers.web.app import create_app

    import_folder(FIXTURES / data, settings)
    app = create_app(settings)
    with app.state.sessions() as session:
        for role in ROLES:
            users.add(session, role.replace("_", "-"), role.title(), role, PASSWORD)
        examples.load(session)
        if extra is not None:
            extra(session)
        session.commit()
    return app


@pytest.fixture
def web(settings: Settings):
    """The app with one user per role, the five example solutions and the mini municipality."""
    app = seeded_app(settings)
    yield app
    app.state.engine.dispose()


def client_for(app, role: str | None = None, purpose: str = "statistical"):
    """A client over HTTPS (secure cookies), signed in as the user of ``role`` under ``purpose``."""
    import re

    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver")
    if role is None:
        return client
    page = client.get("/log-ind")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed = client.post("/log-ind", data={"username": role.replace("_", "-"), "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})  # fmt: skip
    assert signed.status_code == 200, signed.text[:500]
    # signing in starts a new session with a new CSRF token (no session fixation)
    fresh = re.search(r'name="csrf-token" content="([^"]+)"', signed.text).group(1)
    assert fresh != token
    client.headers["X-CSRF-Token"] = fresh
    if purpose != "statistical":
        client.post("/formaal", data={"purpose": purpose})
    return client


def csrf_of(client) -> str:
    return client.headers["X-CSRF-Token"]


# --- the command line's users ----------------------------------------------------------------

CLI_USERS = {role: role.replace("_", "-") for role in ROLES}  # role -> username


def add_cli_users(settings: Settings) -> None:
    """One user per role (named like ``finance-consultant``), a locked caseworker ``laast`` and a
    deactivated caseworker ``stoppet``: the CLI acts only as an active user of the store."""
    from tvaers.store import users
    from tvaers.store.database import sessions, upgrade
    from tvaers.store.models import User, utcnow

    engine = make_engine(settings.store_url)
    upgrade(engine)
    with sessions(engine)() as session:
        for role, username in CLI_USERS.items():
            users.add(session, username, role.title(), role, PASSWORD)
        users.add(session, "laast", "Låst", "caseworker", PASSWORD)
        users.add(session, "stoppet", "Stoppet", "caseworker", PASSWORD)
        session.flush()
        for name, change in (("laast", {"locked_at": utcnow()}), ("stoppet", {"active": False})):
            user = session.query(User).filter_by(username=name).one()
            for key, value in change.items():
                setattr(user, key, value)
        session.commit()
    engine.dispose()


def record_selection_basis(settings: Settings, solution: str) -> int:
    """A selection basis in force for the named solution, recorded by its leader; its number."""
    from datetime import date

    from sqlalchemy import select as sql_select

    from tvaers.selection import bases
    from tvaers.store.database import sessions
    from tvaers.store.models import Solution

    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        found = session.scalars(sql_select(Solution).where(Solution.name == solution)).one()
        basis = bases.record_selection_basis(
            session, found.id, "consent", "Samtykke af 1. december 2025, j.nr. 27.00.00-A00-1-25",
            date(2025, 12, 1), CLI_USERS["solution_leader"],
        )  # fmt: skip
        session.commit()
        number = basis.id
    engine.dispose()
    return number
