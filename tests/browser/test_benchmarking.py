"""Issue 15's acceptance 5 in Chromium: the benchmarking page (``/sammenligning``) of a national
set of three municipalities renders each key figure's chart (drawn by vega-embed as SVG), its
ranks within a chosen peer group, expected against actual cost, downloads as one workbook with
the same charts native, refuses a wrong peer list in Danish — and axe finds nothing.

The module runs its own server on 180 hand-made citizens, 60 in each of 101 København,
147 Frederiksberg and 190 Furesø (:func:`tests.test_benchmarking.national`): enough that the
top 10 % and the citizens in 2+ areas are shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.browser.conftest import _require_browser, launch, sign_in
from tests.browser.test_accessibility import Walk
from tests.test_benchmarking import ADULTS, CHILDREN, EMPLOYMENT, national
from tests.test_web_key_figures import workbook_chart_titles

pytestmark = pytest.mark.browser

EXCEL = "Hent alle tabeller i Excel (én projektmappe med diagrammer)"
HOMES = ("101", "147", "190")


def people() -> dict[str, tuple[str, str, dict[str, int]]]:
    """180 citizens born in 1980, a third in each municipality, with varied draws."""
    found = {}
    for i in range(180):
        day, month = i % 28 + 1, i // 28 + 1
        draws = {EMPLOYMENT: 100 + i * 37 % 5000}
        if i % 3 == 0 or i % 7 == 0:
            draws[CHILDREN] = 400 + i * 11 % 900
        if i % 5 == 0:
            draws[ADULTS] = 2000 + i * 13 % 3000
        cpr = f"{day:02d}{month:02d}80{i:04d}"
        found[cpr] = (HOMES[i % 3], f"1980-{month:02d}-{day:02d}", draws)
    return found


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tvaers.web.app import create_app

    folder = tmp_path_factory.mktemp("benchmarking-browser")
    settings = live.settings_for(folder / "home")
    national(folder, people(), settings)
    application = create_app(settings)
    live.seed(application, settings, data=None)
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[live.LiveServer]:
    _require_browser()
    with live.LiveServer(request.getfixturevalue("app")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: live.LiveServer, playwright_driver: Any) -> Iterator[Any]:
    chromium = launch(playwright_driver)
    yield chromium
    chromium.close()


def test_the_page_charts_ranks_workbook_and_axe(new_page: Any, downloads: Path) -> None:
    from playwright.sync_api import expect

    page = new_page()
    walk = Walk(page)
    sign_in(page, "analyst")
    walk.visit("sammenligning", "/sammenligning", "Sammenligning af kommuner 2025")
    page.get_by_label("Sammenlign med").fill("101,147,190")
    page.get_by_role("button", name="Vis").click()
    walk.check("valgte kommuner", "Sammenligning af kommuner 2025")

    holders = page.locator("main .chart[data-chart]")
    count = holders.count()
    assert count >= 5, "a chart per key figure that has figures to show"
    expect(page.locator("main .chart[data-chart] svg")).to_have_count(count)
    specs = page.locator("main script[type='application/json'][id^='chart-']")
    titles = [json.loads(specs.nth(i).text_content())["title"] for i in range(specs.count())]
    titles = [t["text"] if isinstance(t, dict) else t for t in titles]
    for title in titles:
        expect(page.locator("main .chart svg").filter(has_text=title)).to_have_count(1)

    # each municipality's draw per citizen with its rank 1-3 among the three chosen
    table = page.get_by_role("table", name="Træk pr. borger (kr.) 2025")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    ranks = sorted(rows.nth(i).locator("td").last.inner_text() for i in range(3))
    assert ranks == ["1", "2", "3"]
    overview = page.get_by_role("table", name="Nøgletal pr. kommune 2025")
    expect(overview).to_contain_text("Forventet udgift")
    expect(overview).to_contain_text("Frederiksberg")

    with page.expect_download() as info:
        page.get_by_role("link", name=EXCEL).click()
    path = downloads / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    assert sorted(workbook_chart_titles(path.read_bytes())) == sorted(titles)

    page.get_by_label("Sammenlign med").fill("København")
    page.get_by_role("button", name="Vis").click()
    walk.check("forkert liste", "Sammenligning af kommuner")
    expect(page.get_by_role("alert")).to_contain_text("ikke en kommunekode")
    walk.assert_clean()
