"""Issue 10 (medium): an import killed between its two commits, and everything that runs while
another process writes the analytics file.

A kill after the analytics commit left batch #N ``loading`` forever and the next run said
"Ingen ændringer"; a kill before it must leave nothing. While an import holds the file, a second
import printed an English traceback and the pages a bare 500 without the security headers."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.core.units import Unit
from tvaers.data.importer import import_folder
from tvaers.data.recovery import FAILED, FINISHED
from tvaers.store.database import make_engine, sessions
from tvaers.store.models import AuditEntry, ImportBatch

from .conftest import FIXTURES, TEST_KEY, analytics_rows, client_for

KILLED = """
import os
from pathlib import Path
import tvaers.data.importer as importer
from tvaers.core.config import get_settings
if os.environ["KILL_AT"] == "after":  # after DuckDB's COMMIT, before the store's
    importer.utcnow = lambda: os._exit(9)
else:  # while sealing the identities, before DuckDB's COMMIT
    importer.seal = lambda *args, **kwargs: os._exit(9)
importer.import_folder(Path(os.environ["FOLDER"]), get_settings(), user="tester")
"""


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
            "TVAERS_DATABASE_URL": settings.store_url, "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip


def _batches(settings: Settings) -> list[tuple[int, str, str | None]]:
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        rows = session.execute(select(ImportBatch.id, ImportBatch.status, ImportBatch.note)
                               .order_by(ImportBatch.id)).all()  # fmt: skip
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _killed(settings: Settings, at: str) -> None:
    env = {**_env(settings), "KILL_AT": at, "FOLDER": str(FIXTURES / "mini")}
    done = subprocess.run([sys.executable, "-c", KILLED], env=env, capture_output=True, timeout=120)
    assert done.returncode == 9, done.stderr.decode()[-2000:]


def test_an_import_killed_after_the_data_went_in_is_finished_by_the_next(
    settings: Settings,
) -> None:
    _killed(settings, "after")
    assert _batches(settings) == [(1, "loading", None)]
    postings = analytics_rows(settings, "postings", "posting_id")
    assert len(postings) == 9  # the data are in
    again = import_folder(FIXTURES / "mini", settings, user="tester")
    assert again.batch_id is None  # nothing new to load: and now that is true
    assert _batches(settings) == [(1, "loaded", FINISHED)]
    engine = make_engine(settings.store_url)
    with sessions(engine)() as session:
        logged = session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    engine.dispose()
    assert logged is not None and logged.detail["fuldfoert_efter_afbrydelse"] is True


def test_an_import_killed_before_the_data_went_in_leaves_nothing_and_is_marked_failed(
    settings: Settings,
) -> None:
    _killed(settings, "before")
    assert _batches(settings) == [(1, "loading", None)]
    assert not settings.analytics_path.exists()  # its copy never took the file's place
    again = import_folder(FIXTURES / "mini", settings, user="tester")
    assert again.batch_id == 2
    assert _batches(settings) == [(1, "failed", FAILED), (2, "loaded", None)]
    assert not list((settings.scratch_dir / "import").glob("*"))
    assert sorted(p.name for p in settings.home.glob("analyse.duckdb*")) == ["analyse.duckdb"]


@contextmanager
def _writer_elsewhere(settings: Settings, how: str):  # type: ignore[no-untyped-def]
    """Another process writing: ``import`` holds the home's write lock and its copy of the
    analytics file, as a running import does; ``stray`` holds the file itself (a DuckDB shell)."""
    code = {
        "import": "from tvaers.engine.snapshot import replacing\n"
        "from tvaers.core.config import get_settings\n"
        "import duckdb\n"
        "with replacing(get_settings(), lambda p: duckdb.connect(str(p))) as t:\n"
        "    t.con.execute('DELETE FROM postings')\n"
        "    print('klar', flush=True); time.sleep(60)\n",
        "stray": "import duckdb\ncon = duckdb.connect(sys.argv[1])\nprint('klar', flush=True)\n"
        "time.sleep(60)\n",
    }[how]
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\n" + code,
                               str(settings.analytics_path)], env=_env(settings),
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "klar"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_second_import_while_one_runs_says_so_in_danish(sqlite_settings: Settings) -> None:
    import_folder(FIXTURES / "mini", sqlite_settings, user="tester")
    with _writer_elsewhere(sqlite_settings, "import"):
        result = CliRunner().invoke(app, ["import", str(FIXTURES / "mini_dk")],
                                    env=_env(sqlite_settings))  # fmt: skip
    assert result.exit_code == 1
    assert "Data opdateres lige nu" in result.output and "Traceback" not in result.output


def test_pages_and_commands_keep_working_while_an_import_writes(web) -> None:  # type: ignore[no-untyped-def]
    """Issue 11 #1: an import works on a copy, so readers see the data as they were until it is
    done, and a page is never refused because of it."""
    settings = web.state.settings
    client = client_for(web, "finance_consultant")
    before = client.get("/ressourcetraek")
    with _writer_elsewhere(settings, "import"):
        page = client.get("/ressourcetraek")
        status = CliRunner().invoke(app, ["status"], env=_env(settings))
        postings = analytics_rows(settings, "postings")
    assert page.status_code == 200, page.text[:300]
    assert page.text == before.text  # the figures of before, not the half-written ones
    assert status.exit_code == 0 and "postings" in status.output
    assert postings  # the copy's deletion is not seen


def test_pages_while_a_stray_writer_holds_the_file_say_so_with_the_layout(web) -> None:  # type: ignore[no-untyped-def]
    settings = web.state.settings
    client = client_for(web, "finance_consultant")
    with _writer_elsewhere(settings, "stray"):
        page = client.get("/ressourcetraek")
    assert page.status_code == 503, page.text[:300]
    assert "Data opdateres lige nu" in page.text and "Log ud" in page.text  # the layout
    assert page.headers["Retry-After"] == "30"
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_fault_gets_a_danish_page_with_a_number_and_the_headers(web) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    @web.get("/fejl-til-test")
    def _broken() -> None:
        raise RuntimeError("intern detalje")

    client = TestClient(web, base_url="https://testserver", raise_server_exceptions=False)
    page = client.get("/fejl-til-test")
    assert page.status_code == 500
    assert "Fejlen er logget med nummeret" in page.text and "intern detalje" not in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Internal Server Error" not in page.text


def test_readers_in_one_process_share_one_connection_policy(sqlite_settings: Settings) -> None:
    """Issue 11 #1: while a draw page held the analytics file open with the memory limit,
    threads and spill folder set, the citizen and data pages opened it with DuckDB's defaults and
    got «different configuration» — 57 of 58 such pages failed with a bare 500."""
    from tvaers.data.citizen import citizen_data, is_loaded
    from tvaers.draw import session

    settings = sqlite_settings.model_copy(update={"memory_limit": "1GB", "threads": 2})
    import_folder(FIXTURES / "mini", settings, user="tester")
    citizen = analytics_rows(settings, "citizens", "citizen")[0][0]
    with session.opened(settings) as analysis:  # a draw in progress
        assert analysis.knows(Unit.CITIZEN, citizen)
        assert is_loaded(settings, citizen)
        assert set(citizen_data(settings, citizen)) == {"citizen", "postings", "activities",
                                                         "outcomes"}  # fmt: skip
