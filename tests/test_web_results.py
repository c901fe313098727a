"""The result goals' page ``/loesninger/{id}/resultater`` (issue 14, Furesø) on the hand-worked
town of :mod:`tests.test_followup_results`, on SQLite and PostgreSQL: a solution leader sets
Furesø's goals through the page and every signed-in user sees the goals against the targets
(figure II), month by month, the steps and the staircase, with charts and one workbook whose
charts are native; a refused goal keeps what was typed; only solution editors may set goals;
each citizen's row needs casework and the solution's basis and is logged per citizen; the
command line gives the same figures.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from tvaers.core.config import Settings
from tvaers.data.importer import import_folder
from tvaers.store import users
from tvaers.store.models import AuditEntry, Solution
from tvaers.store.models_followup import ResultGoal

from .conftest import PASSWORD, ROLES, client_for, record_selection_basis
from .test_followup_results import enrol, pseudonyms, write_town
from .workbooks import read_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME = "Tværgående løsning i Testby"


@pytest.fixture
def web(settings: Settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tvaers.web.app import create_app

    import_folder(write_town(tmp_path / "data"), settings, user="test")
    app = create_app(settings)
    with app.state.sessions() as session:
        for role in ROLES:
            users.add(session, role.replace("_", "-"), role.title(), role, PASSWORD)
        solution = Solution(name=NAME, data={})
        session.add(solution)
        session.commit()
        app.state.solution_id = solution.id
    enrol(settings, app.state.solution_id)
    yield app
    app.state.engine.dispose()


def _url(app: FastAPI) -> str:
    return f"/loesninger/{app.state.solution_id}/resultater"


def test_a_leader_sets_furesoes_goals_and_everyone_sees_figure_ii(web: FastAPI) -> None:
    leader = client_for(web, "solution_leader")
    first = leader.get(_url(web))
    assert first.status_code == 200, first.text[:500]
    assert "Løsningen har ingen resultatmål for året endnu." in first.text
    assert "12 borgere var indskrevet" in first.text
    done = leader.post(f"{_url(web)}/furesoe", data={"year": "2025"}, follow_redirects=True)
    assert done.status_code == 200 and "Furesøs mål for 2025 er sat (3 ændret)" in done.text
    page = client_for(web, "analyst").get(f"{_url(web)}?year=2025")
    assert page.status_code == 200
    for chart in ("chart-goals", "chart-months", "chart-staircase"):
        assert f'data-chart="{chart}"' in page.text, chart
    assert 'data-chart="chart-steps"' not in page.text  # every step cell is hidden or empty
    assert "15 % i job eller uddannelse" in page.text and "41,7%" in page.text  # 5 of 12
    # internship's six are job or education's five and one more: hidden beside them
    assert "50 i praktik" in page.text and "50,0%" not in page.text
    assert "fra en gruppe, der er vist før" in page.text
    assert "Skjult: færre end 5 borgere" in page.text  # February's two in internship
    view = client_for(web, "caseworker").get(f"/loesninger/{web.state.solution_id}")
    assert f'href="{_url(web)}"' in view.text  # linked from the solution's page


def test_the_workbook_has_every_table_and_figure_ii_as_a_native_chart(web: FastAPI) -> None:
    leader = client_for(web, "solution_leader")
    leader.post(f"{_url(web)}/furesoe", data={"year": "2025"})
    got = client_for(web, "area_chief").get(f"{_url(web)}?year=2025&format=xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    book = read_workbook(_url(web), got.content)
    assert not book.problems and book.charts >= 3, book.problems
    parts = zipfile.ZipFile(io.BytesIO(got.content))
    charts = [n for n in parts.namelist() if n.startswith("xl/charts/chart")]
    titles = b"".join(parts.read(n) for n in charts)
    assert "Resultatmål 2025: nået og mål".encode() in titles
    single = client_for(web, "analyst").get(f"{_url(web)}?year=2025&format=xlsx&table=goals")
    assert single.status_code == 200


def test_a_refused_goal_keeps_what_was_typed_and_only_editors_may_set(web: FastAPI) -> None:
    leader = client_for(web, "solution_leader")
    typed = {"year": "2025", "goal": "praktik", "name": "Mange i praktik",
             "statuses": "internship", "count": "fem", "share": ""}  # fmt: skip
    refused = leader.post(_url(web), data=typed)
    assert refused.status_code == 422
    assert "Resultatmålet er ikke gemt" in refused.text and "ikke et helt antal" in refused.text
    assert 'value="fem"' in refused.text and 'value="Mange i praktik"' in refused.text
    unknown = leader.post(_url(web), data={**typed, "count": "40", "statuses": "arbejde"})
    assert unknown.status_code == 422 and "findes ikke i de indlæste udfald" in unknown.text
    saved = leader.post(_url(web), data={**typed, "count": "40"}, follow_redirects=True)
    assert "gemt som version 1" in saved.text and "Mange i praktik" in saved.text
    for role in ("caseworker", "analyst"):
        client = client_for(web, role)
        assert client.post(_url(web), data={**typed, "count": "41"}).status_code == 403
        assert client.post(f"{_url(web)}/furesoe", data={"year": "2025"}).status_code == 403
        assert "Kun administrator, leder" in client.get(_url(web)).text
    with web.state.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "resultatmaal_sat")).all()  # fmt: skip
    assert [e.actor for e in entries] == ["solution-leader"]


def test_each_citizens_row_needs_casework_and_a_basis_and_is_logged(web: FastAPI) -> None:
    url = f"{_url(web)}/borgere?year=2025"
    assert client_for(web, "analyst").get(url).status_code == 403  # statistical purpose
    caseworker = client_for(web, "caseworker", "casework")
    assert caseworker.get(url).status_code == 403  # no basis recorded yet
    record_selection_basis(web.state.settings, NAME)
    page = caseworker.get(url)
    assert page.status_code == 200
    names = pseudonyms(web.state.settings)
    assert names["C01"] in page.text and names["C12"] not in page.text  # C12 left in 2024
    assert "Ned ad trappen" in page.text and "Op ad trappen" in page.text
    with web.state.sessions() as session:
        listed = session.scalars(select(AuditEntry.citizen).where(
            AuditEntry.detail["list"].as_string() == "resultater_borgere_vist")).all()  # fmt: skip
    assert sorted(listed) == sorted(n for w, n in names.items() if w != "C12")


def test_the_command_line_gives_the_pages_figures(web: FastAPI) -> None:
    from tvaers.cli import app as cli

    settings = web.state.settings
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_DATABASE_URL": settings.store_url,
           "TVAERS_PSEUDONYM_KEY": settings.pseudonym_key}  # fmt: skip
    runner = CliRunner()
    refused = runner.invoke(cli, ["goal", "set", "--solution", NAME, "--year", "2025",
                                  "--preset", "all", "--user", "caseworker"], env=env)  # fmt: skip
    assert refused.exit_code == 1
    done = runner.invoke(cli, ["goal", "set", "--solution", NAME, "--year", "2025", "--preset",
                               "all", "--user", "solution-leader"], env=env)  # fmt: skip
    assert done.exit_code == 0, done.output
    listed = runner.invoke(cli, ["goal", "list", "--solution", NAME, "--year", "2025", "--user",
                                 "analyst"], env=env)  # fmt: skip
    assert "praktik v1 (gældende)" in listed.output
    found = runner.invoke(cli, ["results", "--solution", NAME, "--year", "2025", "--format",
                                "json", "--user", "analyst"], env=env)  # fmt: skip
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    goals = {g["goal"]: g for g in document["goals"]}
    assert document["citizens"] == 12
    assert (goals["praktik"]["reached"], goals["job_uddannelse"]["reached"]) == (None, 5)
    assert goals["job_uddannelse_andel"]["attained"] is True


def test_a_goals_name_with_a_cpr_number_is_refused_on_the_page_and_the_command_line(
    web: FastAPI,
) -> None:
    """The name is shown to analysts, in the workbook and the key figures: like the note, it
    may not hold a CPR number (the reviewer saved «Borger 010170-1234»)."""
    from tvaers.cli import app as cli

    typed = {"year": "2025", "goal": "praktik", "name": "Borger 010170-1234",
             "statuses": "internship", "count": "40", "share": ""}  # fmt: skip
    refused = client_for(web, "solution_leader").post(_url(web), data=typed)
    assert refused.status_code == 422 and "Resultatmålet er ikke gemt" in refused.text
    assert "Målets navn ser ud til at indeholde et CPR-nummer" in refused.text
    assert 'value="Borger 010170-1234"' in refused.text and 'value="40"' in refused.text
    settings = web.state.settings
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_DATABASE_URL": settings.store_url,
           "TVAERS_PSEUDONYM_KEY": settings.pseudonym_key}  # fmt: skip
    done = CliRunner().invoke(cli, ["goal", "set", "--solution", NAME, "--year", "2025",
                                    "--goal", "praktik", "--name", "Borger 0101701234",
                                    "--statuses", "internship", "--count", "40",
                                    "--user", "solution-leader"], env=env)  # fmt: skip
    assert done.exit_code == 1 and "CPR-nummer" in done.output
    with web.state.sessions() as session:
        assert session.scalars(select(ResultGoal)).all() == []
        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "resultatmaal_sat")).all() == []  # fmt: skip


def test_a_year_that_is_not_a_year_answers_422_and_keeps_what_was_typed(web: FastAPI) -> None:
    """The reviewer's ``?year=0`` showed another year with 200; a year without data is still
    answered with 200 (the latest year with data is shown, as before)."""
    analyst = client_for(web, "analyst")
    for typed in ("0", "abc", "99999999999999999999"):
        got = analyst.get(f"{_url(web)}?year={typed}")
        assert got.status_code == 422, typed
        assert "Året kan ikke vises" in got.text and "er ikke et år" in got.text
        assert "Skriv et år mellem 1990 og 2100" in got.text
        assert f'id="vis-year" name="year" inputmode="numeric" value="{typed[:20]}"' in got.text
        assert "borgere var indskrevet" not in got.text  # no other year in its place
    assert analyst.get(f"{_url(web)}?year=0&format=xlsx").status_code == 422
    empty = analyst.get(f"{_url(web)}?year=2030")
    assert empty.status_code == 200 and "12 borgere var indskrevet" in empty.text


def test_the_warmer_computes_the_results_and_deviations_before_anyone_asks(web: FastAPI) -> None:
    from tvaers.draw import cache
    from tvaers.web import warmer

    client_for(web, "solution_leader").post(f"{_url(web)}/furesoe", data={"year": "2025"})
    # the whole warmer: the solution's economy before it has a group without any cost in the
    # 12 months before enrolment (the town's data begin with it), which it must pass, not raise on
    warmer.warm(web)
    folder = cache.folder(web.state.settings)
    assert len(list(folder.glob("resultater-*.json"))) == 1
    assert len(list(folder.glob("afvigelser-*.json"))) == 1
    page = client_for(web, "analyst").get(_url(web))
    assert page.status_code == 200 and "41,7%" in page.text
    assert len(list(folder.glob("resultater-*.json"))) == 1  # the page read the warmed entry
    deviations = client_for(web, "analyst").get("/opfoelgning/afvigelser")
    assert deviations.status_code == 200
    assert len(list(folder.glob("afvigelser-*.json"))) == 1
