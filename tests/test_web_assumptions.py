"""The budget assumptions' page (issue 13, 003 §2.1) against the real app on SQLite and
PostgreSQL, on the hand-worked municipality of ``test_budget_assumptions``: a finance consultant
sets an assumption through the form (a refused one keeps what was typed), imports a CSV, and
sees the table with its volume and price effects to the øre, gross and net, with the chart and
the Excel workbook; an area chief reads it but gets no form and is refused a post."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from tvaers.store.models import AuditEntry
from tvaers.store.models_budget import BudgetAssumption

from .conftest import client_for, seeded_app
from .test_budget_assumptions import FAMILY, SUPPORT, write_town
from .workbooks import read_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/budgetforudsaetninger"


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _row(page: str, code: str) -> str:
    """The text of the variance table's row of ``code``."""
    table = page[page.index("<caption>Budgetforudsætninger og afvigelse") :]
    table = table[: table.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        if _text(row).strip().startswith(code):
            return _text(row)
    raise AssertionError(f"ingen række for {code}")


@pytest.fixture
def town(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = write_town(tmp_path / "data")
    app = seeded_app(settings, str(folder))  # an absolute path: FIXTURES / it is the folder
    yield app
    app.state.engine.dispose()


def _post(client, url: str, data: dict[str, str], **extra):  # type: ignore[no-untyped-def]
    return client.post(url, data=data, follow_redirects=True, **extra)


def test_a_finance_consultant_sets_and_imports_and_sees_volume_and_price(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    page = client.get(URL)
    assert page.status_code == 200, page.text[:500]
    assert "Sæt en budgetforudsætning" in page.text and 'value="2025"' in page.text
    refused = _post(
        client,
        URL,
        {
            "year": "2025",
            "basis": "gross",
            "intervention": FAMILY,
            "units": "tre",
            "price": "280.000,00",
            "note": "Plan",
        },
    )
    assert refused.status_code == 422
    assert "Budgetforudsætningen er ikke gemt" in refused.text
    assert "«tre» er ikke et tal" in _text(refused.text)
    assert 'value="tre"' in refused.text and 'value="280.000,00"' in refused.text  # kept
    saved = _post(
        client,
        URL,
        {
            "year": "2025",
            "basis": "gross",
            "intervention": FAMILY,
            "units": "3",
            "price": "280.000,00",
            "note": "Plan",
        },
    )
    assert saved.status_code == 200
    assert f"Budgetforudsætningen for {FAMILY} i 2025 er gemt som version 1" in saved.text
    csv = f"intervention;units;price\n{SUPPORT};4,5;100.000,00\n".encode()
    imported = _post(client, f"{URL}/import", {"year": "2025", "basis": "gross"},
                     files={"fil": ("plan.csv", csv, "text/csv")})  # fmt: skip
    assert imported.status_code == 200, imported.text[:500]
    assert "1 budgetforudsætninger for 2025 er importeret" in imported.text
    family, support = _row(imported.text, FAMILY), _row(imported.text, SUPPORT)
    for figure in ("840.000,00", "2,4986", "300.164,47", "750.000,00", "-90.000,00",
                   "-140.383,56", "50.383,56"):  # fmt: skip
        assert figure in family, (figure, family)
    for figure in ("450.000,00", "96.000,00", "480.000,00", "30.000,00", "50.000,00",
                   "-20.000,00"):  # fmt: skip
        assert figure in support, (figure, support)
    assert 'data-chart="chart-assumptions"' in imported.text
    with town.state.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("budgetforudsaetning%")))]  # fmt: skip
    assert sorted(actions) == ["budgetforudsaetning_sat", "budgetforudsaetninger_importeret"]


def test_net_of_the_state_and_the_workbook(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    _post(client, URL, {"year": "2025", "basis": "net", "intervention": FAMILY, "units": "3",
                        "price": "250000"})  # fmt: skip
    page = client.get(f"{URL}?year=2025&basis=net")
    family = _row(page.text, FAMILY)
    for figure in ("750.000,00", "270.148,03", "675.000,00", "-75.000,00", "-125.342,47",
                   "50.342,47"):  # fmt: skip
        assert figure in family, (figure, family)
    got = client.get(f"{URL}?year=2025&basis=net&format=xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    book = read_workbook(URL, got.content)
    assert not book.problems and book.charts >= 1, book.problems
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(got.content))
    first = sheet.get_sheet_by_index(0).to_python()
    found = [r for r in first if r and str(r[0]) == FAMILY]
    assert found and -125342.47 in found[0] and 50342.47 in found[0]


def test_an_area_chief_reads_but_may_not_change(town: FastAPI) -> None:
    client = client_for(town, "area_chief")
    page = client.get(URL)
    assert page.status_code == 200
    assert "Sæt en budgetforudsætning" not in page.text
    assert "Kun administratorer og økonomikonsulenter" in page.text
    refused = client.post(URL, data={"year": "2025", "basis": "gross", "intervention": FAMILY,
                                     "units": "3", "price": "1"})  # fmt: skip
    assert refused.status_code == 403
    with town.state.sessions() as session:
        assert session.scalars(select(BudgetAssumption)).all() == []


def test_next_years_budget_is_laid_before_its_data_arrive(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    saved = _post(client, URL, {"year": "2026", "basis": "gross", "intervention": FAMILY,
                                "units": "3,5", "price": "290.000,00"})  # fmt: skip
    assert saved.status_code == 200, saved.text[:500]
    text = _text(saved.text)
    assert "Der er ingen posteringer i 2026" in text
    assert '<option value="2026" selected>' in saved.text  # the year is offered and chosen
    versions = text[text.index("Alle versioner af årets budgetforudsætninger 2026") :]
    assert FAMILY in versions and "1.015.000,00" in versions  # 3,5 × 290.000,00
    book = client.get(f"{URL}?year=2026&format=xlsx")
    assert book.status_code == 200 and book.headers["content-type"] == XLSX


def test_a_huge_number_or_a_cpr_number_is_refused_in_danish_not_a_crash(town: FastAPI) -> None:
    """Review 5: 30 nines crashed the page (500) and the import echoed a CPR number back."""
    client = client_for(town, "finance_consultant")
    nines = "9" * 30
    huge = _post(client, URL, {"year": "2024", "basis": "gross", "intervention": FAMILY,
                               "units": nines, "price": "280.000"})  # fmt: skip
    assert huge.status_code == 422
    assert f"Helårspersoner: «{nines}» er over 1.000.000 helårspersoner" in _text(huge.text)
    assert f'value="{nines}"' in huge.text and 'value="280.000"' in huge.text  # kept
    price = _post(client, URL, {"year": "2024", "basis": "gross", "intervention": FAMILY,
                                "units": "3", "price": nines})  # fmt: skip
    assert price.status_code == 422 and "er over 100 mia. kr." in _text(price.text)
    for line, says in ((f"{FAMILY},{nines},1", "er over 1.000.000 helårspersoner"),
                       (f"{FAMILY},1,{nines}", "er over 100 mia. kr."),
                       ("010203-1234,1,1", "Indsatsen «010203-****» findes ikke")):  # fmt: skip
        csv = f"intervention,units,price\n{line}\n".encode()
        refused = _post(client, f"{URL}/import", {"year": "2024", "basis": "gross"},
                        files={"fil": ("plan.csv", csv, "text/csv")})  # fmt: skip
        assert refused.status_code == 422, (line, refused.status_code)
        assert says in _text(refused.text) and "010203-1234" not in refused.text
    long = _post(client, URL, {"year": "2024", "basis": "gross", "intervention": FAMILY,
                               "units": "3", "price": "1", "note": "x" * 4001})  # fmt: skip
    assert long.status_code == 422 and "Bemærkningen har over 4.000 tegn" in _text(long.text)
    with town.state.sessions() as session:
        assert session.scalars(select(BudgetAssumption)).all() == []


def test_the_chart_leaves_out_types_without_an_assumption() -> None:
    """A type nobody budgeted has its whole spend as the deviation; drawn as a «price effect»
    it would dwarf the real ones, so the chart shows only the types with an assumption."""
    from datetime import date
    from decimal import Decimal

    from tvaers.budget.assumption_figures import VarianceRow, Variances
    from tvaers.core.periods import Period
    from tvaers.web.pages.budget_assumptions import effect_chart

    def row(code: str, planned: bool) -> VarianceRow:
        units, price = (Decimal(2), Decimal(1000)) if planned else (None, None)
        return VarianceRow(code, f"Indsats {code}", 5, 730, units, price, None, Decimal(3),
                           Decimal(900), Decimal(2700), Decimal(700), Decimal(1000),
                           Decimal(-300))  # fmt: skip

    found = Variances(2025, "gross", Period.between(date(2025, 1, 1), date(2025, 12, 31)), 365,
                      (row("A1", True), row("B2", False)), row("", True))  # fmt: skip
    chart = effect_chart(found)
    assert chart is not None
    assert {r["intervention"] for r in chart.rows} == {"A1 Indsats A1"}
