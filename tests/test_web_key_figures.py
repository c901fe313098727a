"""The key figures' pages (issue 14, 003 §3.1) on the hand-made town of
``tests/test_followup_key_figures``: each level's monthly report renders with its charts and
downloads as one workbook — a sheet per table, each chart native with the page's title — and the
access rules hold: levels 1-2 are aggregates for every role, the caseworker's own cases need the
casework purpose (and are logged), on both databases."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi import FastAPI
from python_calamine import CalamineWorkbook

from tests.conftest import client_for, seeded_app
from tests.workbooks import read_workbook
from tvaers.core.config import Settings
from tvaers.core.publication import Column, DataTable
from tvaers.reports.excel import sheet_of, workbook_bytes


@pytest.fixture
def town(settings: Settings) -> Iterator[FastAPI]:
    app = seeded_app(settings, "key_figures")
    yield app
    app.state.engine.dispose()


def chart_titles(html: str) -> list[str]:
    """The titles of the Vega-Lite specs the page embeds."""
    import json

    specs = re.findall(r'<script type="application/json" id="chart-[^"]+">(.*?)</script>', html,
                       re.S)  # fmt: skip
    titles = []
    for spec in specs:
        title = json.loads(spec).get("title")
        titles.append(title["text"] if isinstance(title, dict) else title)
    return titles


def workbook_chart_titles(content: bytes) -> list[str]:
    parts = zipfile.ZipFile(io.BytesIO(content))
    found = []
    for name in sorted(parts.namelist()):
        if re.fullmatch(r"xl/charts/chart\d+\.xml", name):
            text = parts.read(name).decode()
            found.append("".join(re.findall(r"<a:t>(.*?)</a:t>", text.split("</c:title>")[0])))
    return found


def over_two_decimals(content: bytes) -> list[str]:
    """The workbook's numbers as its file holds them with more than two decimals, shares (-1 to
    1) aside: an amount must read as kroner and øre, also to whoever reads the file's text."""
    parts = zipfile.ZipFile(io.BytesIO(content))
    found = []
    for name in parts.namelist():
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            for value in re.findall(r"<c [^>]*><v>([^<]*)</v>", parts.read(name).decode()):
                if re.fullmatch(r"-?\d+\.\d{3,}", value) and abs(float(value)) > 1:
                    found.append(f"{name}: {value}")
    return found


def test_an_amount_is_written_in_kroner_and_ore() -> None:
    """The reviewer's «Træk pr. borger» of 77180.32000000001: the 16 digits xlsxwriter writes
    of the float; the file holds 77180.32."""
    table = DataTable("Udgift pr. borger", [Column("per_citizen", "Træk pr. borger", "money")],
                      [{"per_citizen": Decimal("77180.32")}, {"per_citizen": Decimal("-0.10")},
                       {"per_citizen": Decimal("123456789012.45")}])  # fmt: skip
    content = workbook_bytes([sheet_of(table)])
    assert over_two_decimals(content) == []
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>77180.32</v>" in sheet and "<v>123456789012.45</v>" in sheet
    read = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert [v for r in read for v in r if isinstance(v, float)] == [77180.32, -0.1, 123456789012.45]


def test_the_directorate_report_renders_and_downloads_with_the_same_charts(town: FastAPI) -> None:
    client = client_for(town, "analyst")
    page = client.get("/noegletal/direktion")
    assert page.status_code == 200
    text = page.text
    assert "Nøgletal: Direktion og politikere, marts 2025" in text
    assert "Udgift pr. sektorområde marts 2025" in text
    assert "21.600,00 kr." in text  # employment, January to March 2025
    assert 'href="/static/css/report.css"' in text  # printed without the menu, a table a page
    titles = chart_titles(text)
    assert "Udgift pr. måned 2025 og 2024" in titles
    assert "Budget og forventet årsresultat 2025" in titles
    download = client.get("/noegletal/direktion?aar=2025&maaned=3&format=xlsx")
    assert download.status_code == 200
    assert "noegletal-direktion-2025-03.xlsx" in download.headers["content-disposition"]
    book = read_workbook("direktion", download.content)
    assert book.problems == [] and over_two_decimals(download.content) == []
    # the two year ends are told apart: the run-rate's and the forecast's chosen methods'
    assert "Forventet årsresultat (fremskrivning)" in text
    assert "Forventet årsresultat (valgte metoder)" in text and 'id="afsnit-prognose"' in text
    assert book.sheets == len(re.findall(r'<section class="report-section"', text))
    assert sorted(workbook_chart_titles(download.content)) == sorted(titles)


@pytest.mark.parametrize("role", ["analyst", "area_chief", "finance_consultant"])
def test_the_area_level_is_an_aggregate_for_every_role(town: FastAPI, role: str) -> None:
    client = client_for(town, role)
    page = client.get("/noegletal/omraader?aar=2025&maaned=2")
    assert page.status_code == 200
    assert "Nøgletal: Områdechefer og ledere, februar 2025" in page.text
    assert "Budget mod forbrug februar 2025" in page.text
    assert "Borger (pseudonym)" not in page.text  # no citizen at this level
    download = client.get("/noegletal/omraader?aar=2025&maaned=2&format=xlsx")
    assert read_workbook("omraader", download.content).problems == []
    assert sorted(workbook_chart_titles(download.content)) == sorted(chart_titles(page.text))


def test_the_caseworker_level_needs_casework(town: FastAPI) -> None:
    assert client_for(town, "analyst").get("/noegletal/sagsbehandler").status_code == 403
    assert client_for(town, "caseworker").get("/noegletal/sagsbehandler").status_code == 403
    client = client_for(town, "caseworker", "casework")
    page = client.get("/noegletal/sagsbehandler")
    assert page.status_code == 200
    assert "Mine sager marts 2025" in page.text
    assert "Der er ingen sager med sagsbehandler «caseworker» i marts 2025." in page.text
    download = client.get("/noegletal/sagsbehandler?format=xlsx")
    assert read_workbook("sager", download.content).problems == []


def test_the_level_choice_and_bad_addresses(town: FastAPI) -> None:
    client = client_for(town, "analyst")
    index = client.get("/noegletal")
    assert index.status_code == 200
    for href in ("/noegletal/direktion", "/noegletal/omraader", "/noegletal/sagsbehandler"):
        assert f'href="{href}"' in index.text
    assert 'href="/noegletal"' in client.get("/").text  # in the menu
    assert client.get("/noegletal/ukendt").status_code == 404
    bad = client.get("/noegletal/direktion?aar=to&maaned=3")
    assert bad.status_code == 422
    assert "Året skal være et helt tal, ikke «to»." in bad.text
    for query, message in (
        ("aar=0&maaned=13", "Året skal være fra 1900 til 2999, ikke 0."),
        ("aar=2025&maaned=13", "Måneden skal være fra 1 til 12, ikke 13."),
    ):
        typed = client.get(f"/noegletal/direktion?{query}")  # the reviewer's address
        assert typed.status_code == 422 and message in typed.text, query
        year, month = (part.split("=")[1] for part in query.split("&"))
        assert f'name="aar" inputmode="numeric" value="{year}"' in typed.text
        assert f'name="maaned" inputmode="numeric" value="{month}"' in typed.text
    outside = client.get("/noegletal/direktion?aar=2026&maaned=1")
    assert outside.status_code == 200
    assert "Data dækker ikke januar 2026." in outside.text
