"""Issue 11, acceptance 1: 20 signed-in people for 60 s over the main pages, as six roles under
both purposes, with an import started in the middle — and not one answer 5xx.

A live server (uvicorn, loopback only, its start and stop run so the cache warmer works as in
production) on a synthetic municipality; the import is the command line's, in its own process,
of a second municipality. The figures after it are the new data's. ``TVAERS_LOAD_SECONDS``
shortens the run for a quick look; p50/p95 per page at S and M are ``benchmarks/web.py``'s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx

from tests.browser.live import LiveServer, seed
from tests.load import PAGES, Visitor, percentiles, run_visitors
from tvaers.core.config import Settings
from tvaers.data.synth.generator import generate

from .conftest import TEST_KEY

SECONDS = float(os.environ.get("TVAERS_LOAD_SECONDS", "60"))
CLIENTS = 20


def _import_in_another_process(
    settings: Settings, folder: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING"}  # fmt: skip
    code = "import sys\nfrom tvaers.cli import app\nsys.argv = ['tvaers', 'import', sys.argv[1]]\napp()"
    return subprocess.run([sys.executable, "-c", code, str(folder)], env=env, text=True,
                          capture_output=True, timeout=600)  # fmt: skip


def _pages(url: str, role: str, pages: tuple[str, ...]) -> dict[str, str]:
    """Each page's text once its figures are there (202 while they are computed)."""
    visitor = Visitor(url, role)
    found = {}
    with httpx.Client(base_url=url, timeout=120.0) as client:
        visitor.sign_in(client)
        for page in (page.format(solution=1) for page in pages):
            for _attempt in range(240):
                answer = client.get(page)
                if answer.status_code != 202:
                    break
                time.sleep(0.5)
            assert answer.status_code == 200, (page, answer.status_code)
            found[page] = answer.text
    return found


def test_twenty_people_for_a_minute_with_an_import_in_the_middle(tmp_path: Path) -> None:
    from tvaers.web.app import create_app

    first, second = tmp_path / "kommune-1", tmp_path / "kommune-2"
    generate(3000, 1, first)
    generate(3000, 2, second)
    settings = Settings(home=tmp_path / "home", pseudonym_key=TEST_KEY, cookie_secure=False,
                        warm_cache=True, page_wait=1.0, log_level="WARNING")  # fmt: skip
    app = create_app(settings)
    seed(app, settings, data=first)
    imported: dict[str, object] = {}

    def import_later() -> None:
        time.sleep(SECONDS / 3)
        began = time.monotonic()
        imported["done"] = _import_in_another_process(settings, second)
        imported["seconds"] = time.monotonic() - began

    with LiveServer(app, lifespan="on") as server:
        before = _pages(server.url, "finance_consultant", ("/ressourcetraek",))
        importer = threading.Thread(target=import_later, daemon=True)
        importer.start()
        visitors = run_visitors(server.url, CLIENTS, SECONDS)
        importer.join(timeout=600)
        after = _pages(server.url, "finance_consultant", ("/ressourcetraek",))
        for role, pages in PAGES.items():  # and every page shows its figures in the end
            _pages(server.url, role, pages)
    app.state.engine.dispose()

    done = imported["done"]
    assert isinstance(done, subprocess.CompletedProcess)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert float(imported["seconds"]) < SECONDS  # type: ignore[arg-type]
    visits = [v for visitor in visitors for v in visitor.visits]
    report = percentiles(visits)
    print(json.dumps({"clients": CLIENTS, "seconds": SECONDS, "requests": len(visits),
                      "import_seconds": round(float(imported["seconds"]), 1),  # type: ignore[arg-type]
                      "pages": report}, ensure_ascii=False))  # fmt: skip
    assert not [e for visitor in visitors for e in visitor.errors]
    failed = [(v.page, v.status, v.role) for v in visits if v.status >= 500]
    assert failed == [], failed[:20]
    assert set(report) == {page.format(solution=1) for pages in PAGES.values() for page in pages}
    assert {v.status for v in visits} <= {200, 202}  # the figures, or that they are on their way
    assert len(visits) > CLIENTS * 10
    assert after != before  # the second municipality's figures, once its import was done
