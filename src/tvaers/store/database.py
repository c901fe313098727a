"""Connecting to the operational database and bringing its schema up to date."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tvaers.store.audit_chain import sha256_hex


def make_engine(url: str) -> Engine:
    """An engine for SQLite (the embedded default) or PostgreSQL."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
            # the audit log's hash chain is computed in the INSERT (PostgreSQL has sha256())
            dbapi_connection.create_function("tvaers_sha256", 1, _sha256, deterministic=True)

        return engine
    return create_engine(url, pool_pre_ping=True)


def _sha256(value: str | None) -> str | None:
    return None if value is None else sha256_hex(value)


def alembic_config() -> Config:
    ini = resources.files("tvaers.store") / "alembic.ini"
    config = Config(str(ini))
    config.set_main_option("script_location", str(resources.files("tvaers.store") / "migrations"))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


_OPENED: dict[str, sessionmaker[Session]] = {}


def open_store(url: str) -> sessionmaker[Session]:
    """Sessions on the store at ``url``, its schema brought up to date once per process (at
    start-up of the web app or a command), not on every call."""
    if url not in _OPENED:
        engine = make_engine(url)
        upgrade(engine)
        _OPENED[url] = sessions(engine)
    return _OPENED[url]
