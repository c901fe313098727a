"""A ledger of published sets on a fresh SQLite store, for tests that call the statistics
services directly (the web and the command line open theirs on the app's store)."""

from __future__ import annotations

from pathlib import Path

from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.store.publications import Ledger


def fresh_ledger(folder: Path) -> Ledger:
    """A ledger on an empty store in ``folder``: nothing published before."""
    folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{folder / 'drift.sqlite'}")
    upgrade(engine)
    return Ledger(sessions(engine), "test", None)
