"""Issue 11 #2: published statistics are computed once — per loaded data, rule version,
reference date and configuration — however many ask at once; warmed before anyone asks; and a
page whose figures take long says so and shows them when they are there, never a frozen page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tvaers.core.config import Settings
from tvaers.core.publication import display
from tvaers.draw import cache
from tvaers.draw import overview as overview_service
from tvaers.draw.session import opened
from tvaers.selection import published, rule_store
from tvaers.web.progress import POLLING

from .conftest import FIXTURES, ROLES, client_for, seeded_app

GROUP = """\
rule_set: alle_aktive
label: "Alle under 55 med en indsats"
unit: citizen
lookback_months: 12
include:
  all:
    - sector_areas: {min: 1}
    - age: {max: 54}
"""


def _app(settings: Settings) -> FastAPI:
    found: FastAPI = seeded_app(
        settings, "selection", lambda s: rule_store.save_rule(s, GROUP, "analytiker")
    )
    return found


@pytest.fixture
def app(sqlite_settings: Settings) -> Iterator[FastAPI]:
    found = _app(sqlite_settings)
    yield found
    found.state.engine.dispose()


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule sets evaluated (each a full computation over every citizen), slowed a little
    so that requests arriving together overlap."""
    seen: list[str] = []
    real = published.evaluate

    def counted(analysis: Any, rule: Any, as_of: Any = None) -> Any:
        seen.append(rule.key)
        time.sleep(0.3)
        return real(analysis, rule, as_of)

    monkeypatch.setattr(published, "evaluate", counted)
    return seen


def _entries(settings: Settings, kind: str) -> list[Path]:
    return sorted(cache.folder(settings).glob(f"{kind}-*.json"))


def test_many_asking_at_once_get_one_computation(app: FastAPI, evaluations: list[str]) -> None:
    clients = [client_for(app, ROLES[i % len(ROLES)]) for i in range(8)]
    pages: list[Any] = [None] * len(clients)

    def visit(index: int) -> None:
        pages[index] = clients[index].get("/maalgrupper/alle_aktive")

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [p.status_code for p in pages] == [200] * 8
    assert evaluations == ["alle_aktive"]  # eight people, one computation
    figures = {p.text.split("<table", 1)[1].split("</table>", 1)[0] for p in pages}
    assert len(figures) == 1  # the same figures for everybody
    again = client_for(app, "analyst").get("/maalgrupper/alle_aktive?dato=2025-06-30")
    assert again.status_code == 200 and evaluations == ["alle_aktive", "alle_aktive"]


def test_a_new_rule_version_and_a_new_import_are_computed_anew(
    app: FastAPI, evaluations: list[str], sqlite_settings: Settings
) -> None:
    client = client_for(app, "analyst")
    first = client.get("/maalgrupper/alle_aktive")
    client.get("/maalgrupper/alle_aktive")
    assert evaluations == ["alle_aktive"]
    with app.state.sessions() as session:
        rule_store.save_rule(session, GROUP.replace("max: 54", "max: 40"), "analytiker")
        session.commit()
    changed = client.get("/maalgrupper/alle_aktive")
    assert evaluations == ["alle_aktive"] * 2 and changed.text != first.text
    from tvaers.data.importer import import_folder

    assert import_folder(FIXTURES / "mini", sqlite_settings).batch_id is not None
    client.get("/maalgrupper/alle_aktive")
    assert evaluations == ["alle_aktive"] * 3
    assert len(_entries(sqlite_settings, published.KIND)) == 1  # older imports' entries go


def test_the_rule_list_shows_each_groups_size_and_cost(
    app: FastAPI, sqlite_settings: Settings
) -> None:
    page = client_for(app, "finance_consultant").get("/maalgrupper")
    assert page.status_code == 200
    with opened(sqlite_settings) as analysis:
        rule, _row = rule_store.get_rule(app.state.sessions(), "alle_aktive")
        summary = published.cached_summary(sqlite_settings, analysis, rule)
    assert summary is not None and summary.units and summary.cost
    row = page.text.split('href="/maalgrupper/alle_aktive"', 1)[1].split("</tr>", 1)[0]
    assert display(summary.units, "int") in row and display(summary.cost, "millions") in row
    assert "mio. kr." in row  # øre are noise beside a group's yearly draw
    assert "Størrelse nu" in page.text and "Ressourcetræk" in page.text


def test_a_slow_page_says_it_is_computing_and_reloads_when_done(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"page_wait": 0.0})
    calls: list[int] = []
    real = overview_service.publish

    def slow(*args: Any) -> Any:
        calls.append(1)
        time.sleep(1.5)
        return real(*args)

    monkeypatch.setattr(overview_service, "publish", slow)
    client = client_for(app, "area_chief")
    page = client.get("/ressourcetraek")
    assert page.status_code == 202
    assert "Tallene beregnes" in page.text and "Log ud" in page.text  # with the layout
    assert f'"{POLLING}": "1"' in page.text and 'hx-trigger="every 2s"' in page.text
    assert page.headers["Retry-After"] == "2" and page.headers["X-Frame-Options"] == "DENY"
    answers = []
    for _attempt in range(100):
        answer = client.get("/ressourcetraek", headers={POLLING: "1", "HX-Request": "true"})
        answers.append(answer.status_code)
        if answer.headers.get("HX-Refresh") == "true":
            break
        assert "beregnes nu" in answer.text and "<html" not in answer.text  # only the status
        time.sleep(0.2)
    assert answers[-1] == 200 and answers[0] == 202
    shown = client.get("/ressourcetraek")
    assert shown.status_code == 200 and "Dækning" in shown.text
    assert calls == [1]  # computed once: the reload read what the work left in the cache
    excel = client.get("/ressourcetraek?format=xlsx")  # a download waits for its file
    assert excel.status_code == 200


def _enrol_everybody(app: FastAPI, solution: int) -> None:
    from datetime import date

    from tvaers.selection import decisions

    with opened(app.state.settings) as analysis:
        people = analysis.table("citizens").citizen.to_pyarrow().to_pylist()
    with app.state.sessions() as session:
        for subject in sorted(people):
            decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=date(2025, 7, 1),
                             assessed_on=date(2025, 7, 1))  # fmt: skip
        session.commit()


def test_the_figures_are_warmed_before_anyone_asks(
    sqlite_settings: Settings, evaluations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tvaers.draw import solution_economy
    from tvaers.followup import forecast_figures
    from tvaers.principles import solution_figures, who_pays

    app = _app(sqlite_settings.model_copy(update={"warm_cache": True}))
    _enrol_everybody(app, 1)
    economies: list[int] = []
    real = solution_economy.economy
    monkeypatch.setattr(solution_economy, "economy",
                        lambda *args: economies.append(1) or real(*args))  # fmt: skip
    payers: list[int] = []
    real_payers = who_pays.who_pays
    monkeypatch.setattr(who_pays, "who_pays",
                        lambda *args: payers.append(1) or real_payers(*args))  # fmt: skip
    with TestClient(app, base_url="https://testserver"):  # runs the app's start: the warmer
        deadline = time.monotonic() + 120
        while not _entries(sqlite_settings, who_pays.CACHE_KIND):
            assert time.monotonic() < deadline, "the warmer did not finish"
            time.sleep(0.2)  # who pays comes last
        assert _entries(sqlite_settings, solution_economy.CACHE_KIND)
        assert _entries(sqlite_settings, solution_figures.CAPACITY_KIND)
        assert len(_entries(sqlite_settings, forecast_figures.FORECAST_KIND)) == 2  # areas, 1
        assert _entries(sqlite_settings, overview_service.OVERVIEW_CACHE)
        assert len(_entries(sqlite_settings, published.KIND)) == 8  # 7 ready-made + the test's
        warmed = list(evaluations)
        client = client_for(app, "analyst")
        page = client.get("/maalgrupper/alle_aktive")
        economy = client.get("/loesninger/1/oekonomi")
        paying = client.get("/loesninger/1/hvem-betaler")
    app.state.engine.dispose()
    assert page.status_code == 200 and economy.status_code == 200
    assert "Nulpunkt" in economy.text or "nulpunkt" in economy.text
    assert len(warmed) == 8 and "alle_aktive" in warmed
    assert evaluations == warmed  # the page read what the warmer computed
    assert economies == [1]  # and so did the economy page
    assert paying.status_code == 200 and payers == [1]  # and the «who pays» page
