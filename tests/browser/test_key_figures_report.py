"""Issue 14's acceptance 3 in Chromium: the monthly report per level renders with its charts
(drawn by vega-embed as SVG), downloads as one Excel workbook with the same charts (native chart
parts whose titles are the page's chart titles), prints without the menu with its charts, and
axe finds nothing — the directorate's and the area level's reports for their roles, and a
caseworker's own cases under the casework purpose.

The module runs its own server on the hand-made town of ``tests/test_followup_key_figures``
(``tests/fixtures/key_figures``: figures big enough to be shown) with a caseworker ``BF07`` —
their user name is their code in the activities — who has a basis for four of their citizens.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.browser.conftest import _require_browser, choose_purpose, launch, sign_in
from tests.browser.test_accessibility import Walk
from tests.test_web_key_figures import workbook_chart_titles

pytestmark = pytest.mark.browser

TOWN = Path(__file__).parents[1] / "fixtures" / "key_figures"
CPRS = [f"{d:02d}0385{1000 + d}" for d in range(1, 13)]
EXCEL = "Hent rapporten i Excel (én projektmappe med diagrammer)"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server of its own on the town, seeded as the shared one, and the caseworker BF07."""
    from tvaers.core.cpr import Pseudonymiser
    from tvaers.store import users
    from tvaers.store.models import LegalBasis
    from tvaers.web.app import create_app

    folder = tmp_path_factory.mktemp("key-figures-browser")
    settings = live.settings_for(folder / "home")
    application = create_app(settings)
    shutil.copytree(TOWN, folder / "town")  # the import may write next to its input
    live.seed(application, settings, folder / "town")
    pseudonym = Pseudonymiser(settings.key_bytes).pseudonym
    with application.state.sessions() as session:
        users.add(session, "BF07", "Bente Familierådgiver", "caseworker", live.PASSWORD)
        for cpr in (CPRS[6], CPRS[7], CPRS[8], CPRS[11]):
            session.add(LegalBasis(citizen=pseudonym(cpr), kind="consent", reference="j.nr. 7",
                                   valid_from=date(2025, 1, 1), recorded_by="BF07"))  # fmt: skip
        session.commit()
    yield application
    application.state.engine.dispose()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[live.LiveServer]:
    _require_browser()
    with live.LiveServer(request.getfixturevalue("app")) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: live.LiveServer, playwright_driver: Any) -> Iterator[Any]:
    chromium = launch(playwright_driver)  # the session's Playwright: it starts once a process
    yield chromium
    chromium.close()


def _sign_in_as(page: Any, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(live.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator(".portal-user .user")).to_contain_text("Bente Familierådgiver")


def _report(page: Any, walk: Walk, label: str, url: str, heading: str, downloads: Path) -> None:
    """The report at ``url``: every chart drawn as SVG, axe clean on screen, the workbook's
    native charts titled as the page's, and the printed page without the menu but with the
    charts."""
    from playwright.sync_api import expect

    walk.visit(label, url, heading)
    holders = page.locator("main .chart[data-chart]")
    count = holders.count()
    assert count >= 1, f"{label}: no charts"
    expect(page.locator("main .chart[data-chart] svg")).to_have_count(count)
    specs = page.locator("main script[type='application/json'][id^='chart-']")
    titles = [json.loads(specs.nth(i).text_content())["title"] for i in range(specs.count())]
    titles = [t["text"] if isinstance(t, dict) else t for t in titles]
    for title in titles:  # vega draws each title into its SVG
        expect(page.locator("main .chart svg").filter(has_text=title)).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name=EXCEL).click()
    path = downloads / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    assert sorted(workbook_chart_titles(path.read_bytes())) == sorted(titles)
    page.emulate_media(media="print")
    expect(page.locator("nav.nav")).to_be_hidden()
    expect(page.locator(".report-controls").first).to_be_hidden()
    for i in range(count):
        box = page.locator("main .chart[data-chart] svg").nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, (label, i, box)
    page.emulate_media(media="screen")


def test_each_level_renders_with_its_charts_downloads_them_and_passes_axe(
    new_page: Any, downloads: Path
) -> None:
    page = new_page()
    walk = Walk(page)
    sign_in(page, "analyst")
    walk.visit("nøgletal", "/noegletal", "Nøgletal")
    _report(page, walk, "direktion", "/noegletal/direktion",
            "Nøgletal: Direktion og politikere, marts 2025", downloads)  # fmt: skip
    page.get_by_label("Måned", exact=True).select_option(label="februar")
    page.get_by_role("button", name="Vis").click()
    walk.check("direktion, februar", "Nøgletal: Direktion og politikere, februar 2025")
    walk.assert_clean()

    chief = new_page()
    walk = Walk(chief)
    sign_in(chief, "area_chief")
    _report(chief, walk, "områder", "/noegletal/omraader",
            "Nøgletal: Områdechefer og ledere, marts 2025", downloads)  # fmt: skip
    walk.assert_clean()

    worker = new_page()
    walk = Walk(worker)
    _sign_in_as(worker, "BF07")
    choose_purpose(worker, "Sagsbehandlingsformål")
    _report(worker, walk, "sagsbehandler", "/noegletal/sagsbehandler",
            "Nøgletal: Sagsbehandlere, marts 2025", downloads)  # fmt: skip
    rows = worker.get_by_role("table", name="Mine sager marts 2025").locator("tbody tr")
    assert rows.count() == 5  # 7, 8, 9 and 12's two; 10 and 11 have no basis
    walk.assert_clean()
