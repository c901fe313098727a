"""The resource-draw pages: the overview shows the service's figures, suppressed; the family page
is person-level (casework + role + basis) and leaves exactly one audit entry per view or export."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tvaers.core.money import format_dkk
from tvaers.core.publication import display
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import Unit
from tvaers.draw import service
from tvaers.draw.overview import publish
from tvaers.store.models import AuditEntry, LegalBasis
from tvaers.web.pages.draw import overview_tables

from .conftest import client_for
from .test_web_access import WITH_BASIS, WITHOUT_BASIS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _family_of(app: FastAPI, citizen: str) -> str:
    with service.opened(app.state.settings) as analysis:
        citizens = analysis.table("citizens")
        rows = citizens.filter(citizens.citizen == citizen).to_pyarrow().to_pylist()
    return str(rows[0]["family"])


def _xlsx_text(content: bytes) -> str:
    """Shared strings and the first sheet's cells, as one text to search."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return (
            book.read("xl/sharedStrings.xml").decode()
            + book.read("xl/worksheets/sheet1.xml").decode()
        )


def _entries(app: FastAPI, action_prefix: str = "familie_traek") -> list[AuditEntry]:
    with app.state.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.startswith(action_prefix))
                .order_by(AuditEntry.id)
            )
        )


@pytest.fixture
def with_basis(web: FastAPI) -> FastAPI:
    with web.state.sessions() as session:
        session.add(LegalBasis(citizen=WITH_BASIS, kind="consent", reference="Samtykke 1-3-2025",
                               valid_from=date(2025, 3, 1), recorded_by="test"))  # fmt: skip
        session.commit()
    return web


def test_overview_shows_the_services_figures(web: FastAPI) -> None:
    settings = web.state.settings
    with service.opened(settings) as analysis:
        year = analysis.span.latest_full_year
        attribution = analysis.draw(year)
        coverage = service.coverage_published(attribution)
        citizens = service.concentration(attribution, Unit.CITIZEN)
        families = service.concentration(attribution, Unit.FAMILY)
    page = client_for(web, "analyst").get("/ressourcetraek")
    assert page.status_code == 200
    assert f'<option value="{year}" selected>' in page.text
    for row in coverage:  # every published amount of the coverage table, in Danish format
        for key in ("expenditure", "registered", "pooled", "attributed", "unattributed"):
            if row["citizens"] is not None:
                assert format_dkk(row[key]) in page.text, (row["name"], key)
    # the mini municipality's areas rest on fewer than 5 citizens each: no area amounts shown,
    # e.g. not the one foster child's 51.000,00 kr. registered in the children's area
    areas = [row for row in coverage if row["name"] != "I alt"]
    assert all(row["citizens"] is None and row["registered"] is None for row in areas)
    # three hidden areas under one published total: no single area can be derived
    assert coverage[-1]["registered"] == Decimal("82748.00")
    assert "51.000,00 kr." not in page.text
    assert citizens.gini is not None and families.gini is None  # 6 citizens, 3 families
    gini = display(Decimal(f"{citizens.gini:.3f}"), "decimal")
    assert re.search(rf">{re.escape(gini)}</td>", page.text)
    assert "Ressourcetræk" in page.text and 'href="/ressourcetraek"' in page.text


def test_every_count_on_the_overview_is_suppressed(web: FastAPI) -> None:
    settings = web.state.settings
    with service.opened(settings) as analysis:
        year = analysis.span.latest_full_year
        config = analysis.config
        figures = overview_tables(publish(analysis.draw(year), config), year)
    counted = 0
    for key, table in figures.tables.items():
        for column in table.columns:
            if column.kind != "int":
                continue
            for row in table.rows:
                value = row.get(column.key)
                counted += 1
                assert value is None or value == 0 or value >= SMALL_CELL, (key, column.key, row)
    assert counted > 20
    families = next(r for r in figures.tables["concentration"].rows if r["level"] == "Familier")
    assert families["units"] is None and families["total"] is None  # 3 families: hidden
    page = client_for(web, "caseworker").get("/ressourcetraek")
    assert "Skjult: færre end 5 familier" in page.text
    # no table cell on the page shows a count of 1-4 next to a hidden note
    for cell in re.findall(r'<td class="align-text-right nowrap">(\d+)</td>', page.text):
        assert not 1 <= int(cell) < SMALL_CELL


@pytest.mark.parametrize(
    "table", ["coverage", "area_month", "concentration", "lorenz", "by_areas", "contacts",
              "overlaps"],
)  # fmt: skip
def test_overview_excel_downloads(web: FastAPI, table: str) -> None:
    response = client_for(web, "analyst").get(f"/ressourcetraek?format=xlsx&table={table}")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    text = _xlsx_text(response.content)
    if table == "coverage":
        assert "303118.85" in text and "Udsatte børn og unge" in text


def test_unknown_excel_table_is_not_found(web: FastAPI) -> None:
    response = client_for(web, "analyst").get("/ressourcetraek?format=xlsx&table=nope")
    assert response.status_code == 404


def test_family_page_is_refused_without_casework_or_basis(with_basis: FastAPI) -> None:
    family = _family_of(with_basis, WITH_BASIS)
    lone = _family_of(with_basis, WITHOUT_BASIS)
    for role, purpose, path, reason in [
        ("analyst", "casework", family, "rolle"),
        ("caseworker", "statistical", family, "sagsbehandlingsformål"),
        ("caseworker", "casework", lone, "grundlag"),
    ]:
        page = client_for(with_basis, role, purpose).get(f"/ressourcetraek/familie/{path}")
        assert page.status_code == 403 and reason in page.text, (role, purpose)
        excel = client_for(with_basis, role, purpose).get(
            f"/ressourcetraek/familie/{path}?format=xlsx"
        )
        assert excel.status_code == 403
    assert _entries(with_basis) == []


def test_an_unknown_family_code_is_answered_as_a_family_without_a_basis(
    with_basis: FastAPI,
) -> None:
    """Issue 10 (low): 404 for an unknown code and 403 for a family without a basis told a
    prober which family codes exist; now both answers are the same refusal, word for word."""
    assert client_for(with_basis, "analyst").get("/ressourcetraek/familie/F-x").status_code == 403
    casework = client_for(with_basis, "caseworker", "casework")
    lone = _family_of(with_basis, WITHOUT_BASIS)
    unknown = casework.get("/ressourcetraek/familie/F-abcdefghijkl")
    existing = casework.get(f"/ressourcetraek/familie/{lone}")
    assert unknown.status_code == existing.status_code == 403
    strip = re.compile(r'name="csrf-token" content="[^"]+"|/familie/[^"?]+')
    assert strip.sub("", unknown.text) == strip.sub("", existing.text)
    assert _entries(with_basis) == []


def test_family_page_shows_the_draw_and_logs_once(with_basis: FastAPI) -> None:
    app = with_basis
    family = _family_of(app, WITH_BASIS)
    settings = app.state.settings
    with service.opened(settings) as analysis:
        year = analysis.span.latest_full_year
        attribution = analysis.draw(year)
        family_rows = service.draw_rows(attribution, Unit.FAMILY, only=[family]).to_pylist()
        member_rows = service.draw_rows(attribution, Unit.CITIZEN).to_pylist()
    client = client_for(app, "caseworker", "casework")
    page = client.get(f"/ressourcetraek/familie/{family}")
    assert page.status_code == 200
    total = sum((r["total"] for r in family_rows), Decimal(0))
    assert total > 0 and format_dkk(total) in page.text
    members = {r["citizen"] for r in member_rows if r["citizen"] in page.text}
    assert WITH_BASIS in members and len(members) == 4
    for row in member_rows:
        if row["citizen"] in members:
            assert format_dkk(row["total"]) in page.text
    assert "Mentor" in page.text and "Plejefamilie" in page.text  # the interventions
    assert 'data-chart="chart-timeline"' in page.text
    entries = _entries(app)
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor, entry.action, entry.citizen, entry.purpose) == (
        "caseworker",
        "familie_traek_vist",
        WITH_BASIS,
        "casework",
    )
    assert entry.detail == {"familie": family}
    assert (entry.basis or "").startswith("Samtykke")

    excel = client.get(f"/ressourcetraek/familie/{family}?format=xlsx&table=draw&year={year}")
    assert excel.status_code == 200 and excel.headers["content-type"] == XLSX
    text = _xlsx_text(excel.content)
    assert WITH_BASIS in text
    entries = _entries(app)
    assert len(entries) == 2 and entries[-1].action == "familie_traek_eksporteret"
    assert entries[-1].detail == {"familie": family}
    timeline = client.get(f"/ressourcetraek/familie/{family}?format=xlsx&table=activities")
    assert timeline.headers["content-type"] == XLSX and "Plejefamilie" in _xlsx_text(
        timeline.content
    )
    assert len(_entries(app)) == 3  # every export is logged, once


def test_every_member_shown_in_a_family_view_finds_it_in_their_access_extract(
    with_basis: FastAPI,
) -> None:
    """Issue 10 #5, the attack: a caseworker with a basis for one member opens the family page
    and its Excel; every member's figures are shown, so every member's access extract must list
    both views, not only the member the basis is recorded for."""
    from tvaers.store import audit

    app = with_basis
    family = _family_of(app, WITH_BASIS)
    client = client_for(app, "caseworker", "casework")
    assert client.get(f"/ressourcetraek/familie/{family}").status_code == 200
    assert client.get(f"/ressourcetraek/familie/{family}?format=xlsx").status_code == 200
    with app.state.sessions() as session:
        members = [e.citizen for e in _entries(app, "vist_i_familie")]
        others = set(members)
        assert len(others) == 3 and WITH_BASIS not in others  # four members, one with a basis
        assert len(members) == 6  # each of the three, once per view
        for citizen in others:
            extract = audit.for_citizen(session, citizen)
            assert [(e.action, e.detail["view"]) for e in extract] == [
                ("vist_i_familie", "familie_traek_vist"),
                ("vist_i_familie", "familie_traek_eksporteret"),
            ]
            assert all(e.actor == "caseworker" and e.detail["familie"] == family for e in extract)
            assert all((e.basis or "").startswith("Samtykke") for e in extract)


def test_citizen_page_links_to_the_family(with_basis: FastAPI) -> None:
    family = _family_of(with_basis, WITH_BASIS)
    page = client_for(with_basis, "caseworker", "casework").get(f"/borgere/{WITH_BASIS}")
    assert f'href="/ressourcetraek/familie/{family}"' in page.text
    assert "Se familiens ressourcetræk" in page.text


# --- the overview's cache ---------------------------------------------------------------------


def _count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the attributions the pages run (each is the whole computation)."""
    from tvaers.draw import session

    calls: list[int] = []
    real = session.attribute

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "attribute", counted)
    return calls


def test_a_second_view_reads_the_cache_and_a_new_import_recomputes(
    web: FastAPI, mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tvaers.data.importer import import_folder
    from tvaers.draw import cache

    runs = _count_runs(monkeypatch)
    client = client_for(web, "analyst")
    first = client.get("/ressourcetraek")
    assert first.status_code == 200 and len(runs) == 1
    assert "303.118,85 kr." in first.text  # total expenditure, January-February 2025
    second = client.get("/ressourcetraek")
    assert second.status_code == 200 and len(runs) == 1  # not recomputed
    assert second.text.count("303.118,85 kr.") == first.text.count("303.118,85 kr.")
    excel = client.get("/ressourcetraek?format=xlsx&table=coverage")
    assert excel.status_code == 200 and "303118.85" in _xlsx_text(excel.content)
    assert len(runs) == 1  # the Excel export is the cached figures too
    # another app on the same home (a restart, another worker) finds the entry on disk
    from tvaers.web.app import create_app

    other = create_app(web.state.settings)
    try:
        assert client_for(other, "analyst").get("/ressourcetraek").status_code == 200
    finally:
        other.state.engine.dispose()
    assert len(runs) == 1
    entries = list(cache.folder(web.state.settings).glob("oversigt-*.json"))
    assert len(entries) == 1
    # only published aggregates on disk: no pseudonym of any citizen
    with service.opened(web.state.settings) as analysis:
        pseudonyms = [r["citizen"] for r in analysis.table("citizens").to_pyarrow().to_pylist()]
    stored = entries[0].read_text("utf-8")
    assert pseudonyms and not any(p in stored for p in pseudonyms)

    # a new import with a changed amount: new figures, computed once more
    postings = mini / "postings.csv"
    postings.write_text(
        postings.read_text("utf-8").replace("2025-02-28,31200.00", "2025-02-28,41200.00"),
        "utf-8",
    )
    assert import_folder(mini, web.state.settings).batch_id is not None
    third = client.get("/ressourcetraek")
    assert len(runs) == 2
    assert "313.118,85 kr." in third.text and "303.118,85 kr." not in third.text
    assert [p.name for p in cache.folder(web.state.settings).glob("oversigt-*.json")] != [
        entries[0].name
    ]  # the old import's entry is gone
    client.get("/ressourcetraek")
    assert len(runs) == 2


def test_the_cache_is_per_year_and_configuration(
    web: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = _count_runs(monkeypatch)
    client = client_for(web, "analyst")
    client.get("/ressourcetraek")
    client.get("/ressourcetraek?year=2024")  # not a year with data: the chosen year, cached
    assert len(runs) == 1
    folder = web.state.settings.home / "konfiguration"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "individfordeling.csv").write_text("function_code,method\n5.68.90,priced\n")
    page = client.get("/ressourcetraek")
    assert page.status_code == 200 and len(runs) == 2  # another configuration, other figures
    client.get("/ressourcetraek")
    assert len(runs) == 2


def test_overview_is_compact_and_danish(web: FastAPI) -> None:
    settings = web.state.settings
    with service.opened(settings) as analysis:
        year = analysis.span.latest_full_year
        config = analysis.config
        attribution = analysis.draw(year)
        distinct = int(attribution.lines.citizen.nunique().to_pyarrow().as_py())
        figures = overview_tables(publish(attribution, config), year)
    page = client_for(web, "analyst").get("/ressourcetraek").text
    assert "docs/" not in page and ".." not in figures.period
    assert "januar" in figures.period  # «januar – februar 2025», not 2025-01..2025-02
    assert "Andel, dyreste 1\u00a0%" in page and "-0,0%" not in page
    # the page's coverage table is compact; the export keeps every column
    assert len(figures.page["coverage"].columns) == 8
    assert len(figures.tables["coverage"].columns) > 12
    # a total over the months counts distinct citizens (suppressed), not a sum of months
    grand = next(
        r
        for r in figures.tables["area_month"].rows
        if r["name"] == "I alt" and r["month"] == "I alt"
    )
    assert grand["citizens"] in (None, distinct if distinct >= SMALL_CELL else None)
    assert all(
        r["month"] != "I alt" or r["citizens"] is None or r["citizens"] <= distinct
        for r in figures.tables["area_month"].rows
    )
    assert '<details class="details"' in page


def test_the_family_timeline_shows_the_chosen_year_in_danish(with_basis: FastAPI) -> None:
    """Issue 11 #5: the interventions chart spanned 2024-2026 whatever year was chosen, its month
    labels were English and its axis title overlapped the labels."""
    import json

    family = _family_of(with_basis, WITH_BASIS)
    client = client_for(with_basis, "caseworker", "casework")
    checked = []
    for year in (2024, 2025):
        page = client.get(f"/ressourcetraek/familie/{family}?year={year}")
        if f'<option value="{year}" selected' not in page.text:
            continue  # a year the data do not cover
        checked.append(year)
        found = re.search(r'<script type="application/json" id="chart-timeline">(.*?)</script>',
                          page.text, re.S)  # fmt: skip
        assert found is not None
        spec = json.loads(found.group(1))
        rows = spec["data"]["values"]
        assert rows and all(f"{year}-01-01" <= r["start"] <= r["end"] <= f"{year}-12-31"
                            for r in rows)  # fmt: skip
        assert spec["config"]["locale"]["time"]["months"][1] == "februar"
        assert spec["encoding"]["y"]["title"] is None
    assert checked


def test_the_family_page_says_who_pays_and_who_is_adult(with_basis: FastAPI) -> None:
    """Issue 11 #5: the family page could not answer «who pays?» — no budget holder per area,
    members as bare pseudonyms without age or adult/child."""
    family = _family_of(with_basis, WITH_BASIS)
    page = client_for(with_basis, "caseworker", "casework").get(f"/ressourcetraek/familie/{family}")
    assert page.status_code == 200
    assert "Budgetansvarlig" in page.text and "Børne- og familiechef" in page.text
    assert "Voksen/barn" in page.text and ">Voksen<" in page.text and ">Barn<" in page.text
    excel = client_for(with_basis, "caseworker", "casework").get(
        f"/ressourcetraek/familie/{family}?format=xlsx&table=family"
    )
    assert "Børne- og familiechef" in _xlsx_text(excel.content)


def test_a_page_downloads_as_one_workbook_an_economist_can_work_in(with_basis: FastAPI) -> None:
    """Issue 11 #7: one workbook per page with a sheet per table (not a file per table), sheet
    names not cut mid-word, months as real dates, native charts."""
    from datetime import date as day

    from python_calamine import CalamineWorkbook

    client = client_for(with_basis, "finance_consultant")
    page = client.get("/ressourcetraek")
    assert "Hent hele siden som Excel" in page.text
    book = client.get("/ressourcetraek?format=xlsx")
    assert book.headers["content-type"] == XLSX
    assert "ressourcetraek-" in book.headers["content-disposition"]
    names = CalamineWorkbook.from_filelike(io.BytesIO(book.content)).sheet_names
    assert len(names) == 8 and len(set(names)) == len(names)
    titles = ["Udgift og dækning pr. sektorområde", "Ressourcetræk pr. sektorområde og måned"]
    for title in titles:  # cut between words, never mid-word
        name = next(n for n in names if title.startswith(n))
        assert len(name) <= 31 and (len(name) == len(title) or title[len(name)] in " .")
    with zipfile.ZipFile(io.BytesIO(book.content)) as parts:
        assert any(p.startswith("xl/charts/chart") for p in parts.namelist())  # native charts
    family = _family_of(with_basis, WITH_BASIS)
    caseworker = client_for(with_basis, "caseworker", "casework")
    whole = caseworker.get(f"/ressourcetraek/familie/{family}?format=xlsx")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(whole.content))
    assert len(workbook.sheet_names) == 4
    rows = next(
        r
        for r in (workbook.get_sheet_by_name(n).to_python() for n in workbook.sheet_names)
        if any("Måned" in row for row in r)
    )
    header = next(i for i, r in enumerate(rows) if "Måned" in r)
    column = rows[header].index("Måned")
    months = [r[column] for r in rows[header + 1 :] if r[column] != ""]
    assert months and all(isinstance(m, day) and m.day == 1 for m in months)
