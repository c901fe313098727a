"""The year-end forecast's pages (issue 14; Furesø's figure 6.2) against the real app on SQLite
and PostgreSQL, on the hand-worked town of ``test_followup_forecast``: the forecast as of 31
August 2025 shows every method's year end side by side with the one used marked (employment's
JOB, the town five times over so that every type is shown: run-rate 650.000,03 kr., seasonal
650.000,02 kr.), figure 6.2 and the workbook with both
tables' charts native; a date that is no month end is refused in Danish with what was typed
kept; a finance consultant chooses the seasonal method for JOB (a version, audited, in the
history) and the forecast uses it; an analyst cannot; and a solution with the town's three
citizens has its group hidden."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tvaers.core.cpr import Pseudonymiser
from tvaers.store.models import AuditEntry
from tvaers.store.models_followup import ForecastMethodChoice

from .conftest import TEST_KEY, client_for, seeded_app
from .test_followup_forecast import C1, C2, C3, write_town
from .workbooks import read_workbook

COPIES = 5  # every type behind at least five citizens: shown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/prognose"
AUGUST = f"{URL}?dato=2025-08-31"
JOB = {"aar": "2025", "sector_area": "employment", "intervention": "JOB"}


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _row(page: str, caption: str, starts: str) -> str:
    """The HTML of the row of the table captioned ``caption`` whose text starts with ``starts``."""
    table = page[page.index(f"<caption>{caption}") :]
    table = table[: table.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        if _text(row).strip().startswith(starts):
            return row
    raise AssertionError(f"ingen række for {starts}")


@pytest.fixture
def town(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    app = seeded_app(settings, str(write_town(tmp_path / "data", COPIES)))
    yield app
    app.state.engine.dispose()


def test_the_forecast_shows_every_method_and_marks_the_one_used(town: FastAPI) -> None:
    client = client_for(town, "analyst")
    page = client.get(AUGUST)
    assert page.status_code == 200, page.text[:500]
    row = _row(page.text, "Årsprognose pr. 31.08.2025", "Beskæftigelse Jobindsats")
    text = _text(row)
    # five times the docstring's town: realised 433.333,35; run-rate 650.000,03 (used: nothing
    # chosen; 43.333.335 øre × 4/8 rounded once), seasonal 650.000,02, last year's course
    # 593.333,35, commitments 499.999,95; last year 480.000,00, so 170.000,03 more
    for figure in ("433.333,35", "216.666,68", "650.000,03", "480.000,00", "170.000,03",
                   "650.000,02", "593.333,35", "499.999,95"):  # fmt: skip
        assert figure in text, (figure, text)
    assert "Fremskrivning af forbruget" in text
    assert "<strong>650.000,03 kr.</strong>" in row and "(bruges)" in row
    total = _text(_row(page.text, "Årsprognose pr. 31.08.2025", "I alt"))
    assert "1.445.000,03" in total  # 650.000,03 + 750.000,00 + 45.000,00 by run-rate
    assert 'data-chart="chart-prognose-maaneder"' in page.text  # figure 6.2
    assert 'data-chart="chart-prognose-omraader"' in page.text
    assert "Figur 6.2" in page.text
    months = _text(_row(page.text, "Forbrug måned for måned", "august 2025 I år"))
    assert "963.333,35" in months  # 433.333,35 + 500.000,00 + 30.000,00 realised to August
    seasonal = client.get(f"{AUGUST}&metode=seasonal")
    row = _row(seasonal.text, "Årsprognose pr. 31.08.2025", "Beskæftigelse Jobindsats")
    assert "<strong>650.000,02 kr.</strong>" in row and "Sæsonprofil" in _text(row)


def test_a_date_that_is_no_month_end_is_refused_and_kept(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    page = client.get(f"{URL}?dato=2025-08-30&loesning=&metode=")
    assert page.status_code == 422
    text = _text(page.text)
    assert "Opgørelsesdatoen 2025-08-30 er ikke en månedsafslutning" in text
    assert "Brug den sidste dag i måneden, fx 2025-08-31" in text
    assert 'value="2025-08-30"' in page.text and 'aria-invalid="true"' in page.text
    unreadable = client.get(f"{URL}?dato=sidste+fredag")
    assert unreadable.status_code == 422 and 'value="sidste fredag"' in unreadable.text
    assert "kunne ikke læses" in _text(unreadable.text)
    method = client.get(f"{AUGUST}&metode=gaet")
    assert method.status_code == 422 and "«gaet» er ikke en prognosemetode" in _text(method.text)
    assert 'value="2025-08-31"' in method.text and 'aria-invalid="true"' in method.text
    latest = client.get(URL)  # nothing typed: the latest month end in the data
    assert latest.status_code == 200 and 'value="31-12-2025"' in latest.text


def test_the_workbook_has_both_tables_and_their_charts(town: FastAPI) -> None:
    client = client_for(town, "area_chief")
    got = client.get(f"{AUGUST}&format=xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    book = read_workbook(AUGUST, got.content)
    assert not book.problems, book.problems
    assert book.sheets == 2 and book.charts == 2
    one = client.get(f"{AUGUST}&format=xlsx&table=maaneder")
    assert read_workbook(AUGUST, one.content).sheets == 1


def test_a_finance_consultant_chooses_the_method_and_the_forecast_uses_it(town: FastAPI) -> None:
    client = client_for(town, "finance_consultant")
    methods = client.get(f"{URL}/metoder?aar=2025")
    assert methods.status_code == 200, methods.text[:500]
    text = _text(methods.text)
    assert "Tilbagetest af prognosemetoderne på 2025" in text
    assert "Vælg metode pr. indsatstype" in text
    none = _text(_row(methods.text, "Tilbagetest", "Børn og unge (uden indsats)"))
    assert "31,01" in none and "36,36" in none and "45,45" in none  # the hand-worked errors
    assert 'data-chart="chart-tilbagetest"' in methods.text
    long = client.post(f"{URL}/metoder", data={**JOB, "method": "seasonal", "note": "x" * 4001})
    assert long.status_code == 422 and "Begrundelsen har over 4.000 tegn" in _text(long.text)
    assert 'value="' + "x" * 4001 + '"' in long.text  # kept
    assert '<option value="seasonal" selected>' in long.text
    saved = client.post(f"{URL}/metoder", data={**JOB, "method": "seasonal",
                                                "note": "Mindst fejl i tilbagetesten"},
                        follow_redirects=True)  # fmt: skip
    assert saved.status_code == 200
    says = _text(saved.text)
    assert "Prognosemetoden for Beskæftigelse – Jobindsats er gemt som version 1" in says
    history = _text(_row(saved.text, "Versioner af valgene", "Beskæftigelse"))
    assert "finance-consultant" in history and "Mindst fejl i tilbagetesten" in history
    assert "Sæsonprofil" in history
    page = client.get(AUGUST)
    row = _row(page.text, "Årsprognose pr. 31.08.2025", "Beskæftigelse Jobindsats")
    assert "Sæsonprofil" in _text(row) and "<strong>650.000,02 kr.</strong>" in row
    with town.state.sessions() as session:
        stored = session.scalars(select(ForecastMethodChoice)).all()
        actions = session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "prognosemetode_valgt")).all()  # fmt: skip
    assert [(c.method, c.version, c.changed_by) for c in stored] == [
        ("seasonal", 1, "finance-consultant")
    ]
    assert actions == ["prognosemetode_valgt"]


def test_an_analyst_sees_the_choices_but_cannot_choose(town: FastAPI) -> None:
    client = client_for(town, "analyst")
    page = client.get(f"{URL}/metoder")
    assert page.status_code == 200
    assert "Kun administratorer og økonomikonsulenter" in page.text
    assert 'action="/prognose/metoder"' not in page.text.replace('method="get" action', "")
    refused = client.post(f"{URL}/metoder", data={**JOB, "method": "seasonal"})
    assert refused.status_code == 403
    with town.state.sessions() as session:
        assert session.scalars(select(ForecastMethodChoice)).all() == []


def test_a_solution_of_three_citizens_is_hidden(town: FastAPI) -> None:
    from tvaers.selection import decisions

    pseudonym = Pseudonymiser(TEST_KEY.encode()).pseudonym
    enrolled = date(2025, 1, 1)
    with town.state.sessions() as session:
        for cpr in (C1, C2, C3):
            decisions.assess(session, 1, "citizen", pseudonym(cpr), "accepted", "high", "high",
                             None, "caseworker", "Hjemmel", enrol_on=enrolled,
                             assessed_on=enrolled)  # fmt: skip
        session.commit()
    client = client_for(town, "analyst")
    page = client.get(f"{AUGUST}&loesning=1")
    assert page.status_code == 200, page.text[:500]
    text = _text(page.text)
    assert "Gruppen er skjult" in text and "Skjult: færre end 5 i gruppen" in text
    assert "650.000,03" not in text and "433.333,35" not in text
    assert '<option value="1" selected>' in page.text
    empty = client.get(f"{AUGUST}&loesning=2")  # nobody enrolled
    assert "Løsningen har ingen indskrevne borgere endnu" in _text(empty.text)
    assert client.get(f"{AUGUST}&loesning=999").status_code == 404
    economy = client.get("/loesninger/1/oekonomi")  # the solution's economy links to it
    assert 'href="/prognose?loesning=1"' in economy.text
