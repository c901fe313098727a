"""The pilot evaluation's page ``/loesninger/{id}/pilot`` and ``pilot.measured_effects`` (issue
13) on a small synthetic municipality (1,500 citizens, data January 2024 - October 2026): 60
citizens with employment costs in 2024 enrolled in solution 1 in the first half of 2025. What a
user notices: the estimates per area with their confidence interval, gross and net, the balance
table, the method chosen, Danish errors, one Excel workbook — and never a citizen of the
comparison group, in any output, whatever is asked."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest
from fastapi import FastAPI

from tvaers.budget import pilot
from tvaers.budget.pilot_model import Method
from tvaers.core.units import TOTAL_AREA
from tvaers.data.synth import generate
from tvaers.draw.session import opened

from .conftest import TEST_KEY, client_for, seeded_app

SOLUTION = 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pilot_town") / "data"
    generate(1_500, 11, folder)
    return folder


def _enrol(app: FastAPI, count: int, skip: int = 0) -> list[str]:
    """The first ``count`` citizens (by pseudonym) with employment costs in 2024, enrolled in
    solution 1 on the first of a month of January-June 2025 (the first ``skip`` are enrolled
    already)."""
    from tvaers.selection import decisions

    with opened(app.state.settings) as analysis:
        lines = analysis.draw(2024).lines
        found = lines.filter(lines.sector_area == "employment").select("citizen").distinct()
        chosen = found.order_by("citizen").limit(count).to_pyarrow().column(0).to_pylist()
    with app.state.sessions() as session:
        for i, subject in enumerate(chosen):
            if i < skip:
                continue
            day = date(2025, 1 + i % 6, 1)
            decisions.assess(session, SOLUTION, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=day, assessed_on=day)  # fmt: skip
        session.commit()
    return chosen


def _everyone(app: FastAPI) -> list[str]:
    with opened(app.state.settings) as analysis:
        people = analysis.table("citizens").select("citizen")
        return [str(c) for c in people.to_pyarrow().column(0).to_pylist()]


@pytest.fixture
def web(settings, town: Path):
    app = seeded_app(settings.model_copy(update={"page_wait": 300.0}), str(town))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def piloted(web: FastAPI) -> FastAPI:
    _enrol(web, 60)
    return web


def test_the_page_shows_the_estimates_with_their_interval_and_the_balance(
    piloted: FastAPI,
) -> None:
    client = client_for(piloted, "area_chief")
    assert f'href="/loesninger/{SOLUTION}/pilot"' in client.get(f"/loesninger/{SOLUTION}").text
    page = client.get(f"/loesninger/{SOLUTION}/pilot")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    assert "Anslået effekt pr. sektorområde (Brutto)" in html
    assert "60 borgere indskrevet i løsningen" in html
    assert (
        'id="method-nearest" type="radio" name="method" value="nearest" class="form-radio"' in html
    )
    assert (
        'value="nearest" class="form-radio" aria-describedby="method-nearest-hint" checked' in html
    )
    assert "Balance før og efter matchning" in html and "Baseline-udgift (kr. om året)" in html
    assert 'data-chart="chart-pilot"' in html
    with pytest.raises(StopIteration):  # no pseudonym anywhere in the page
        next(c for c in _everyone(piloted) if c in html)
    # the figures are the service's, as published (the cache gives the same again)
    with piloted.state.sessions() as session:
        found = pilot.solution_evaluation(session, piloted.state.settings, SOLUTION)
    total = next(a for a in found.areas if a.sector_area == TOTAL_AREA)
    assert found.shown and total.effect is not None and total.low is not None
    assert total.low <= total.effect <= total.high  # type: ignore[operator]
    difference = total.treated_change - total.comparison_change  # type: ignore[operator]
    assert abs(total.effect - difference) <= 1  # each rounded to whole kroner on its own
    assert f"{found.treated} indskrevne matchet med {found.comparison} borgere" in html
    from tvaers.core.money import format_dkk

    assert format_dkk(total.effect) in html and format_dkk(total.low) in html


def test_strata_and_net_are_chosen_on_the_page(piloted: FastAPI) -> None:
    client = client_for(piloted, "finance_consultant")
    page = client.get(f"/loesninger/{SOLUTION}/pilot?method=strata&basis=net")
    assert page.status_code == 200
    assert "Anslået effekt pr. sektorområde (Netto af staten)" in page.text
    assert (
        'value="strata" class="form-radio" aria-describedby="method-strata-hint" checked'
        in page.text
    )
    assert 'value="net" class="form-radio" aria-describedby="basis-net-hint" checked' in page.text
    with piloted.state.sessions() as session:
        net = pilot.solution_evaluation(session, piloted.state.settings, SOLUTION, Method.STRATA,
                                        pilot.Basis.NET)  # fmt: skip
        gross = pilot.solution_evaluation(session, piloted.state.settings, SOLUTION,
                                          Method.STRATA)  # fmt: skip
    assert net.basis == "net" and gross.basis == "gross"
    net_total = next(a for a in net.areas if a.sector_area == TOTAL_AREA)
    gross_total = next(a for a in gross.areas if a.sector_area == TOTAL_AREA)
    assert net_total.effect != gross_total.effect  # the state's refunds make a difference


def test_a_bad_choice_is_refused_in_danish(piloted: FastAPI) -> None:
    client = client_for(piloted, "analyst")
    page = client.get(f"/loesninger/{SOLUTION}/pilot?method=tilfaeldig&basis=brutto")
    assert page.status_code == 422
    assert "Vælg en af metoderne «nearest» (nærmeste nabo) eller «strata»" in page.text
    assert "Vælg grundlaget «gross» (brutto) eller «net» (netto af staten)." in page.text
    assert "Anslået effekt pr. sektorområde" not in page.text


def test_excel_has_the_tables_and_no_citizen(piloted: FastAPI) -> None:
    client = client_for(piloted, "solution_leader")
    book = client.get(f"/loesninger/{SOLUTION}/pilot?format=xlsx&method=nearest&basis=gross")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    with zipfile.ZipFile(io.BytesIO(book.content)) as archive:
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    assert "Anslået effekt" in text and "Balance før og efter matchning" in text
    assert not [c for c in _everyone(piloted) if c in text]


QUERIES = ("?table=comparison", "?table=sammenligning&format=xlsx", "?format=json",
           "?format=csv&table=matched", "?method=strata&format=xlsx&table=balance")  # fmt: skip


def test_no_request_gets_the_comparison_group(piloted: FastAPI) -> None:
    """The comparison group is statistical: whatever is asked, no citizen comes out (nor does
    the casework purpose open it)."""
    everyone = _everyone(piloted)
    for purpose, query in product(("statistical", "casework"), QUERIES):
        client = client_for(piloted, "caseworker", purpose)
        answer = client.get(f"/loesninger/{SOLUTION}/pilot{query}")
        assert answer.status_code in (200, 404, 422)
        body = answer.content.decode("utf-8", "replace")
        if answer.headers.get("content-type") == XLSX:
            with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
                body = "".join(archive.read(n).decode("utf-8", "replace")
                               for n in archive.namelist())  # fmt: skip
        assert not [c for c in everyone if c in body]
    from tvaers.web.pages import budget_pilot

    assert [r.path for r in budget_pilot.router.routes] == ["/loesninger/{solution_id}/pilot"]


def test_measured_effects_for_the_investment_case(piloted: FastAPI) -> None:
    with piloted.state.sessions() as session:
        effects = pilot.measured_effects(session, piloted.state.settings, SOLUTION)
        page = pilot.solution_evaluation(session, piloted.state.settings, SOLUTION)
        none = pilot.measured_effects(session, piloted.state.settings, 2)  # nobody enrolled
    assert none is None
    assert effects is not None and TOTAL_AREA in effects
    shown = {a.sector_area: a for a in page.areas if a.effect is not None}
    assert set(effects) == set(shown)
    for area, effect in effects.items():
        assert effect.effect == shown[area].effect and effect.low == shown[area].low
        assert effect.treated == shown[area].treated and effect.matched == shown[area].comparison
    assert effects[TOTAL_AREA].treated == page.treated


def test_a_small_pilot_is_hidden(web: FastAPI) -> None:
    _enrol(web, 3)
    client = client_for(web, "area_chief")
    page = client.get(f"/loesninger/{SOLUTION}/pilot")
    assert page.status_code == 200
    assert "Evalueringen kan ikke vises" in page.text
    assert "Skjult: færre end 5" in page.text
    assert "Anslået effekt pr. sektorområde" not in page.text
    with web.state.sessions() as session:
        assert pilot.measured_effects(session, web.state.settings, SOLUTION) is None


def _cli(app: FastAPI, *args: str):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from tvaers.cli import app as cli

    settings = app.state.settings
    env = {"TVAERS_HOME": str(settings.home), "TVAERS_PSEUDONYM_KEY": TEST_KEY,
           "TVAERS_LOG_LEVEL": "WARNING", "TVAERS_USER": "",
           "TVAERS_DATABASE_URL": settings.database_url}  # fmt: skip
    return CliRunner().invoke(cli, list(args), env=env)


def test_the_command_gives_the_page_s_figures(piloted: FastAPI) -> None:
    found = _cli(piloted, "pilot", "--solution", str(SOLUTION), "--method", "strata",
                 "--format", "json", "--user", "analyst")  # fmt: skip
    assert found.exit_code == 0, found.output
    document = json.loads(found.stdout)
    with piloted.state.sessions() as session:
        page = pilot.solution_evaluation(session, piloted.state.settings, SOLUTION, Method.STRATA)
    assert document["method"] == "strata" and document["basis"] == "gross"
    assert (document["treated"], document["comparison"]) == (page.treated, page.comparison)
    total = next(a for a in document["areas"] if a["sector_area"] == TOTAL_AREA)
    shown = next(a for a in page.areas if a.sector_area == TOTAL_AREA)
    assert Decimal(str(total["effect"])) == shown.effect and total["name"] == "I alt"
    assert not [c for c in _everyone(piloted) if c in found.stdout]
    text = _cli(piloted, "pilot", "--solution", str(SOLUTION), "--basis", "net")
    assert text.exit_code == 0, text.output
    assert "Pilotevaluering:" in text.stdout and "Netto af staten" in text.stdout
    assert "Anslået effekt, kr. pr. borger om året" in text.stdout and "I alt: " in text.stdout


def test_the_command_refuses_in_danish(piloted: FastAPI) -> None:
    wrong = _cli(piloted, "pilot", "--solution", str(SOLUTION), "--method", "tilfaeldig")
    assert wrong.exit_code == 1
    assert "Ukendt metode «tilfaeldig»" in wrong.output and "--method strata" in wrong.output
    basis = _cli(piloted, "pilot", "--solution", str(SOLUTION), "--basis", "brutto")
    assert basis.exit_code == 1 and "Ukendt grundlag «brutto»" in basis.output
    nobody = _cli(piloted, "pilot", "--solution", str(SOLUTION), "--user", "ukendt")
    assert nobody.exit_code == 1 and "Brugeren 'ukendt' findes ikke i Tværs" in nobody.output


def test_two_more_enrolled_after_the_pilot_was_shown_are_not_given_away(piloted: FastAPI) -> None:
    """The rule across requests: the same pilot with two citizens more would show their cost
    change as the difference of two visits, so it is hidden (and says why)."""
    client = client_for(piloted, "finance_consultant")
    assert "Anslået effekt pr. sektorområde" in client.get(f"/loesninger/{SOLUTION}/pilot").text
    _enrol(piloted, 62, skip=60)  # two more
    later = client.get(f"/loesninger/{SOLUTION}/pilot")
    assert later.status_code == 200
    assert "Evalueringen kan ikke vises" in later.text
    assert (
        "afviger med færre end 5 borgere eller familier fra en gruppe, der er vist før"
        in later.text
    )
    assert "Anslået effekt pr. sektorområde" not in later.text


ORDERS = (
    (("nearest", "gross"), ("strata", "net"), ("nearest", "net"), ("strata", "gross")),
    (("strata", "net"), ("strata", "gross"), ("nearest", "gross"), ("nearest", "net")),
)


@pytest.mark.parametrize("order", ORDERS, ids=["nearest-first", "strata-net-first"])
def test_the_pilot_is_shown_after_the_economy_page_showed_the_whole_group(
    piloted: FastAPI, order: tuple[tuple[str, str], ...]
) -> None:
    """Every evaluable enrolled citizen is matched (in a coarser cell when its own has no
    comparison citizen), so the pilot's treated are the group the economy page has shown:
    no difference of 1-4 citizens arises, whichever method and basis is asked first."""
    client = client_for(piloted, "area_chief")
    economy = client.get(f"/loesninger/{SOLUTION}/oekonomi")
    assert economy.status_code == 200 and "Skjult: gruppen afviger" not in economy.text
    for method, basis in order:
        page = client.get(f"/loesninger/{SOLUTION}/pilot?method={method}&basis={basis}")
        assert page.status_code == 200
        assert "Evalueringen kan ikke vises" not in page.text, (method, basis)
        assert "Anslået effekt pr. sektorområde" in page.text
        assert "60 af dem har data både før og efter indskrivningen" in page.text
        assert "60 indskrevne matchet med" in page.text  # every evaluable one
        assert "Matchet på baseline-udgift alene (antal indskrevne)" in page.text or (
            "Matchet på nærmeste baseline-udgift alene (antal indskrevne)" in page.text
        )  # the match quality per level, in the balance table
