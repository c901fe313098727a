"""A solution's economy page (issue 11 #4) and the costs on its enrolled list (#6), against the
real app over the hand-made selection municipality (``tests/fixtures/selection``: 22 citizens,
postings January-December 2025). Everyone is enrolled in solution 1 from 1 July 2025, so the
baseline is January-June 2025 (the data's months of the 12 before) and the draw since enrolment
July-December; the expected figures are read from the draw's person-level rows, not from the
page's own queries."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI

from tvaers.core.money import format_dkk
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import service as draw_service
from tvaers.draw import solution_economy
from tvaers.draw.solution_economy import SolutionEconomy

from .conftest import client_for, seeded_app
from .test_web_selection import ANNA, SOLUTION, XLSX, _pseudonyms, _with_basis

ENROLLED_ON = date(2025, 7, 1)


@pytest.fixture
def web(settings):
    """The app with one user per role, the example solutions and the selection municipality."""
    app = seeded_app(settings, "selection")
    yield app
    app.state.engine.dispose()


@pytest.fixture
def enrolled(web: FastAPI) -> FastAPI:
    """Every citizen of the municipality enrolled in solution 1 from 1 July 2025."""
    from tvaers.selection import decisions

    with web.state.sessions() as session:
        for subject in sorted(_pseudonyms(web)):
            decisions.assess(session, SOLUTION, "citizen", subject, "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=ENROLLED_ON,
                             assessed_on=ENROLLED_ON)  # fmt: skip
        session.commit()
    return web


def _draw(app: FastAPI) -> list[dict]:
    """Every citizen's draw per area and month of 2025 (the person-level rows)."""
    with draw_service.opened(app.state.settings) as analysis:
        return draw_service.draw_rows(analysis.draw(2025), Unit.CITIZEN).to_pylist()


def _sum(rows: list[dict], area: str | None = None, since: bool = True) -> Decimal:
    cut = ENROLLED_ON.strftime("%Y-%m")
    return sum(
        (Decimal(r["total"]) for r in rows
         if (area is None or r["sector_area"] == area) and (r["month"] >= cut) == since),
        Decimal(0),
    )  # fmt: skip


def _figures(app: FastAPI) -> SolutionEconomy:
    """The figures as the page shows them (the same ledger: a second look shows the same)."""
    from tvaers.selection import decisions

    with app.state.sessions() as session:
        periods = decisions.enrolments(session, SOLUTION)
    return solution_economy.published(app.state.settings, app.state.sessions, periods, "test", None)


def test_the_economy_page_shows_baseline_and_draw_per_area_and_month(enrolled: FastAPI) -> None:
    rows = _draw(enrolled)
    client = client_for(enrolled, "finance_consultant")
    assert 'href="/loesninger/1/oekonomi"' in client.get(f"/loesninger/{SOLUTION}").text
    page = client.get(f"/loesninger/{SOLUTION}/oekonomi")
    assert page.status_code == 200, page.text[:2000]
    assert "22 borgere har været indskrevet" in page.text
    assert "januar – juni 2025" in page.text and "juli – december 2025" in page.text
    figures = _figures(enrolled)
    areas = {a.sector_area: a for a in figures.areas}
    employment = areas["employment"]
    # the budget holder of each area, from sector_areas.budget_holder
    assert employment.budget_holder == "Jobcenterchef" and "Jobcenterchef" in page.text
    # the draw before and since enrolment lands in the right period, to the øre
    assert employment.baseline == _sum(rows, "employment", since=False)
    assert employment.since == _sum(rows, "employment")
    assert format_dkk(employment.since) in page.text
    assert employment.baseline_per_month == (employment.baseline / (22 * 6)).quantize(
        Decimal("0.01")
    )
    assert employment.since_per_month == (employment.since / (22 * 6)).quantize(Decimal("0.01"))
    assert employment.difference == employment.since_per_month - employment.baseline_per_month
    # the total is every area's draw (hidden ones too) to the øre
    assert areas[TOTAL_AREA].since == _sum(rows)
    # the draw lands in its area and month: adults' December (support and contact persons,
    # housing support: 9 enrolled citizens) is the person-level rows of adults in December
    month = {(m.sector_area, m.month): m for m in figures.months}
    december = month[("adults", "2025-12")]
    expected = sum((Decimal(r["total"]) for r in rows
                    if r["sector_area"] == "adults" and r["month"] == "2025-12"), Decimal(0))  # fmt: skip
    assert december.units == 9 and december.total == expected == Decimal("56000.00")
    assert december.per_month == (expected / 22).quantize(Decimal("0.01"))
    assert "december 2025" in page.text
    # the months add up to the area, and the areas (hidden ones too) to the total, to the øre
    adults = [m for m in figures.months if m.sector_area == "adults" and m.month != TOTAL_AREA]
    assert len(adults) == 6 and all(m.total is not None for m in adults)
    assert sum((m.total for m in adults), Decimal(0)) == areas["adults"].since
    assert month[(TOTAL_AREA, "2025-12")].total == _sum(
        [r for r in rows if r["month"] == "2025-12"]
    )
    # a cell of 1-4 citizens is hidden, amount and all: health since enrolment (home nursing
    # and rehabilitation in November, a few citizens)
    health = areas["health"]
    assert health.units is None and health.since is None
    assert health.since_note is not None and "færre end 5" in health.since_note
    assert "Siden indskrivning: Skjult" in page.text


def test_the_economy_page_as_one_workbook(enrolled: FastAPI) -> None:
    from python_calamine import CalamineWorkbook

    client = client_for(enrolled, "analyst")
    book = client.get(f"/loesninger/{SOLUTION}/oekonomi?format=xlsx")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX
    assert "loesning-1-oekonomi" in book.headers["content-disposition"]
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(book.content))
    assert len(workbook.sheet_names) == 2
    months = workbook.get_sheet_by_name(workbook.sheet_names[1]).to_python()
    header = next(i for i, r in enumerate(months) if "Måned" in r)
    column = months[header].index("Måned")
    days = [r[column] for r in months[header + 1 :] if isinstance(r[column], date)]
    assert days and all(d.day == 1 for d in days)  # real dates, not text
    with zipfile.ZipFile(io.BytesIO(book.content)) as parts:
        charts = [p for p in parts.namelist() if p.startswith("xl/charts/chart")]
        assert charts  # native
        chart = parts.read(charts[0]).decode()
    assert "<c:lineChart>" in chart and "Udsatte voksne og handicap, nulpunkt" in chart


def test_the_economy_page_says_why_it_has_nothing(web: FastAPI, tmp_path) -> None:
    client = client_for(web, "solution_leader")
    empty = client.get(f"/loesninger/{SOLUTION}/oekonomi")  # nobody enrolled
    assert empty.status_code == 200 and "ingen indskrevne borgere" in empty.text
    assert "<table" not in empty.text
    assert client.get("/loesninger/999/oekonomi").status_code == 404


def test_a_group_one_citizen_from_one_shown_before_is_hidden(web: FastAPI) -> None:
    """Across requests: after one more enrolment the group differs by one citizen from the group
    shown before, so its figures (whose difference is that citizen's draw) are all hidden."""
    from tvaers.selection import decisions

    def enrol(subjects: list[str]) -> None:
        with web.state.sessions() as session:
            for subject in subjects:
                decisions.assess(session, 2, "citizen", subject, "accepted", "high", "high",
                                 None, "caseworker", "Hjemmel", enrol_on=ENROLLED_ON,
                                 assessed_on=ENROLLED_ON)  # fmt: skip
            session.commit()

    people = sorted(_pseudonyms(web))
    client = client_for(web, "analyst")
    enrol(people[:10])
    first = client.get("/loesninger/2/oekonomi")
    assert "10 borgere har været indskrevet" in first.text and "<table" in first.text
    assert "10 borgere" in client.get("/loesninger/2/oekonomi").text  # the same: shown again
    enrol(people[10:11])
    hidden = client.get("/loesninger/2/oekonomi")
    assert hidden.status_code == 200 and "Løsningens tal er skjult" in hidden.text
    assert "afviger med færre end 5" in hidden.text and "<table" not in hidden.text
    assert "11 borgere" not in hidden.text


def test_the_enrolled_list_shows_each_members_costs(enrolled: FastAPI) -> None:
    rows = [r for r in _draw(enrolled) if r["citizen"] == ANNA]
    client = _with_basis(enrolled)
    page = client.get(f"/loesninger/{SOLUTION}/indskrevne?q={ANNA[:16]}")
    assert page.status_code == 200
    assert "Nulpunkt (12 mdr. før)" in page.text and "Træk siden indskrivning" in page.text
    assert format_dkk(_sum(rows, since=False)) in page.text
    assert format_dkk(_sum(rows)) in page.text
    book = client.get(f"/loesninger/{SOLUTION}/indskrevne?format=xlsx&table=enrolled")
    assert book.status_code == 200 and b"Nulpunkt" in zipfile.ZipFile(
        io.BytesIO(book.content)
    ).read("xl/sharedStrings.xml")
