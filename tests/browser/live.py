"""A real Tværs server for browser tests and screenshots: uvicorn in a background thread.

Used by ``tests/browser/conftest.py`` and ``scripts/screenshots.py``. The server listens on
127.0.0.1 on a free port; :func:`seed` adds one user per role, the example solutions and data.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from tvaers.anchoring import examples
from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store import users

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"
CHROMIUM = Path(os.environ.get("TVAERS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_URL = "/static/vendor/axe/axe.min.js"
KEY = "browser-test-key-0123456789abcdef0123456789"
PASSWORD = "Browser-test-2025!"
STARTUP_SECONDS = 20.0


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    role: str


# One user per role; every one has PASSWORD.
PEOPLE = {
    "administrator": Person("admin", "Ada Administrator", "administrator"),
    "finance_consultant": Person("oekonom", "Økonomikonsulent Øjvind", "finance_consultant"),
    "area_chief": Person("fagchef", "Fagchef Frida", "area_chief"),
    "solution_leader": Person("leder", "Lise Leder", "solution_leader"),
    "caseworker": Person("sagsbehandler", "Søren Sagsbehandler", "caseworker"),
    "analyst": Person("analytiker", "Anna Analytiker", "analyst"),
}


def settings_for(home: Path) -> Settings:
    """Settings as a production server would have them (secure cookie), on a fresh SQLite home."""
    return Settings(
        home=home,
        pseudonym_key=KEY,
        database_url="",
        cookie_secure=True,
        municipality="Demokommune",
        log_format="console",
        log_level="WARNING",
    )


def seed(app: object, settings: Settings, data: Path | None = MINI) -> None:
    """Users (one per role), VIVE's example solutions, and the municipality's data."""
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        for person in PEOPLE.values():
            users.add(session, person.username, person.full_name, person.role, PASSWORD)
        examples.load(session)
        session.commit()
    if data is not None:
        if data == MINI:
            # import_folder may write next to its input; work on a copy of the fixture.
            copy = settings.home.parent / "mini-input"
            shutil.copytree(MINI, copy, dirs_exist_ok=True)
            data = copy
        import_folder(data, settings, user="import")


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


class LiveServer:
    """``with LiveServer(app) as server: server.url``: started within STARTUP_SECONDS or an error."""

    def __init__(self, app: object, lifespan: str = "off") -> None:
        self.app = app
        self._socket = _free_socket()
        port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            app,  # type: ignore[arg-type]
            log_level="warning",
            access_log=False,
            lifespan=lifespan,  # "on": the app's start and stop (the cache warmer) run
            ws="none",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("Testserveren stoppede under opstart")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Testserveren startede ikke inden {STARTUP_SECONDS:.0f} s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
