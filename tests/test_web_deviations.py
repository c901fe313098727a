"""The monthly deviations' page ``/opfoelgning/afvigelser`` (issue 14, 003 §2.3) against the real
app on SQLite and PostgreSQL, on the hand-made municipality of ``test_budget_assumptions`` with
its gross assumptions (the arithmetic is written out in ``test_followup_deviations``): the
table per type with its chart and workbook (native chart), small types hidden; the drill-down
to the cases refused for statistics, shown under casework only for the citizens with a recorded
basis (the others counted), and each view audited."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tvaers import access
from tvaers.budget import assumptions
from tvaers.budget.state import Basis
from tvaers.core.cpr import Pseudonymiser
from tvaers.followup.deviation_cases import ACTION
from tvaers.store.models import AuditEntry

from .conftest import TEST_KEY, client_for, seeded_app
from .test_budget_assumptions import FAMILY, FAMILY_CPR, GROSS_PLAN, SUPPORT, write_town
from .workbooks import read_workbook

URL = "/opfoelgning/afvigelser"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PSEUDONYMS = Pseudonymiser(TEST_KEY.encode())
A1, A2, A4 = (PSEUDONYMS.pseudonym(FAMILY_CPR[i]) for i in (0, 1, 3))


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _row(page: str, code: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if _text(row).strip().startswith(code):
            return _text(row)
    raise AssertionError(f"ingen række for {code}")


def _plans(session) -> None:  # type: ignore[no-untyped-def]
    actor = access.actor_for(session, "finance-consultant", "statistical")
    for code, (units, price) in GROSS_PLAN.items():
        assumptions.set_assumption(session, actor, 2025, code, units, price, Basis.GROSS)


@pytest.fixture
def town(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = seeded_app(settings, str(write_town(tmp_path / "data")), extra=_plans)
    yield app
    app.state.engine.dispose()


def test_the_year_to_december_with_chart_and_workbook(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    page = client.get(f"{URL}?year=2025&month=12&basis=gross")
    assert page.status_code == 200, page.text[:500]
    assert 'data-chart="chart-deviations"' in page.text
    family = _row(page.text, FAMILY)  # the yearly figures (test_budget_assumptions)
    for figure in ("840.000,00", "750.000,00", "-90.000,00", "-140.383,56", "50.383,56"):
        assert figure in family, (figure, family)
    assert "96.000,00" in _row(page.text, SUPPORT)
    assert f'href="{URL}/{FAMILY}' not in page.text  # statistics: no drill-down
    assert "statistisk formål" in page.text
    got = client.get(f"{URL}?year=2025&month=12&basis=gross&format=xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    book = read_workbook(URL, got.content)
    assert not book.problems and book.charts == 1, book.problems


def test_june_hides_the_small_type_and_shows_its_plan(town: FastAPI) -> None:
    client = client_for(town, "area_chief")
    page = client.get(f"{URL}?year=2025&month=6")
    assert page.status_code == 200
    family = _row(page.text, FAMILY)
    assert "416.547,95" in family and "375.000,00" not in family  # 3 citizens: hidden
    assert "juni 2025" in page.text
    assert client.get(f"{URL}?year=2025&month=13").status_code == 422


def test_the_cases_are_refused_for_statistics(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    page = client.get(f"{URL}/{FAMILY}?year=2025&month=6")
    assert page.status_code == 403 and "sagsbehandlingsformål" in page.text
    with town.state.sessions() as session:
        assert not list(session.scalars(select(AuditEntry).where(AuditEntry.action == ACTION)))


def test_the_cases_need_a_basis_per_citizen_and_each_view_is_audited(town: FastAPI) -> None:
    client = client_for(town, "caseworker", "casework")
    overview = client.get(f"{URL}?year=2025&month=6")
    assert f'href="{URL}/{FAMILY}?year=2025&amp;month=6&amp;basis=gross"' in overview.text
    page = client.get(f"{URL}/{FAMILY}?year=2025&month=6")
    assert page.status_code == 200
    assert "3 sager vises ikke" in page.text
    assert A1 not in page.text and A2 not in page.text and A4 not in page.text
    with town.state.sessions() as session:
        actor = access.actor_for(session, "caseworker", "casework")
        access.record_citizen_basis(session, actor, A1, "consent", "j.nr. 7", date(2025, 1, 1))
        session.commit()
    page = client.get(f"{URL}/{FAMILY}?year=2025&month=6")
    assert page.status_code == 200 and A1 in page.text and A2 not in page.text
    assert "2 sager vises ikke" in page.text
    assert "Indsatstypens faktiske tal er skjult" in page.text and "-41.547,95" not in page.text
    row = _row(page.text, "1")  # A1 ranks first or second: the pseudonym breaks the tie
    assert "BF1" in _text(page.text) and "-16.803,49" in _text(page.text), row
    assert 'data-chart="chart-cases"' in page.text
    with town.state.sessions() as session:
        views = list(session.scalars(select(AuditEntry).where(AuditEntry.action == ACTION)))
        mine = list(session.scalars(select(AuditEntry).where(AuditEntry.citizen == A1)))
    assert [v.detail["withheld"] for v in views] == [3, 2]
    assert [e.basis for e in mine if e.action != "grundlag_registreret"] == ["Samtykke: j.nr. 7"]
    got = client.get(f"{URL}/{FAMILY}?year=2025&month=6&format=xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    book = read_workbook(URL, got.content)
    assert not book.problems and book.charts == 1, book.problems


def test_an_unknown_type_is_said_in_danish_and_a_cpr_like_code_is_masked(
    town: FastAPI,
) -> None:
    client = client_for(town, "caseworker", "casework")
    page = client.get(f"{URL}/0101801001?year=2025&month=6")
    assert page.status_code == 422
    message = _text(page.text)  # the message masks the CPR-like code (the address is the user's)
    assert "hverken budgetforudsætning eller data" in message and "«0101801001»" not in message


def test_the_page_opens_on_the_latest_year_with_assumptions_and_says_when_there_are_none(
    town: FastAPI,
) -> None:
    """The reviewer opened the page on the latest full year, which had no assumptions: every
    row «Ingen budgetforudsætning», the deviation the whole spend. The page opens on the latest
    year with assumptions (else the data's latest) and its latest month; without assumptions it
    says so above the table (the figures as the yearly view has them: planned 0 kr.)."""
    from tvaers.followup.deviations import default_year

    with town.state.sessions() as session:
        assert default_year(session, (2024, 2025, 2026), Basis.GROSS) == 2025
        assert default_year(session, (2024, 2025, 2026), Basis.NET) == 2026
        assert default_year(session, (), Basis.NET) is None
    client = client_for(town, "finance_consultant")
    page = client.get(URL)
    assert page.status_code == 200
    assert '<option value="2025" selected>' in page.text
    assert '<option value="12" selected>' in page.text  # the data's latest month
    assert "ingen budgetforudsætning" not in _text(page.text).lower()
    net = client.get(f"{URL}?basis=net")
    text = _text(net.text)
    assert net.status_code == 200
    assert "Der er ingen budgetforudsætninger for 2025 (netto af staten)" in text
    assert 'href="/budgetforudsaetninger?year=2025&amp;basis=net"' in net.text
    assert "Ingen budgetforudsætning" in _row(net.text, FAMILY)
