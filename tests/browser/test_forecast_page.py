"""The year-end forecast's pages in Chromium (issue 14; Furesø's figure 6.2), on the hand-worked
town of ``tests/test_followup_forecast``: a finance consultant opens the forecast as of 31 August
2025 and sees figure 6.2 and the per-area chart drawn (vega-embed's SVG), is told in Danish when
the date is no month end (what was typed kept), opens the back-test with its chart and records a
method for an intervention type; an analyst sees the choices without a form. axe finds nothing
on any of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.browser.conftest import TIMEOUT_MS, _console, sign_in
from tests.browser.test_accessibility import Walk
from tests.test_followup_forecast import write_town

pytestmark = pytest.mark.browser
FORECAST, METHODS = "Årsprognose", "Prognosemetoder"


@pytest.fixture(scope="module")
def town_server(
    tmp_path_factory: pytest.TempPathFactory, browser: Any
) -> Iterator[live.LiveServer]:
    from tvaers.web.app import create_app

    root: Path = tmp_path_factory.mktemp("forecast_browser")
    settings = live.settings_for(root / "home").model_copy(update={"page_wait": 120.0})
    app = create_app(settings)
    live.seed(app, settings, write_town(root / "data", 5))  # five times: every type shown
    with live.LiveServer(app) as running:
        yield running
    app.state.engine.dispose()


@pytest.fixture
def new_town_page(browser: Any, town_server: live.LiveServer) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def make() -> Any:
        context = browser.new_context(base_url=town_server.url, viewport={"width": 1280,
                                      "height": 900}, locale="da-DK")  # fmt: skip
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.console_errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: _console(page, message))
        return page

    yield make
    for context in contexts:
        context.close()


def test_the_forecast_draws_its_charts_and_passes_axe(new_town_page: Any) -> None:
    from playwright.sync_api import expect

    page = new_town_page()
    walk = Walk(page)
    sign_in(page, "finance_consultant")
    walk.visit("årsprognose", "/prognose?dato=2025-08-31", FORECAST)
    for name in ("chart-prognose-maaneder", "chart-prognose-omraader"):
        expect(page.locator(f'[data-chart="{name}"] svg')).to_have_count(1)
    expect(page.get_by_role("table", name="Årsprognose pr. 31.08.2025")).to_contain_text(
        "650.000,03"
    )
    page.get_by_role("textbox", name="Opgørelsesdato").fill("30-08-2025")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("alert")).to_contain_text("er ikke en månedsafslutning")
    expect(page.get_by_role("textbox", name="Opgørelsesdato")).to_have_value("30-08-2025")
    walk.check("årsprognose, fejl", FORECAST)
    page.get_by_role("link", name="Tilbagetest metoderne og vælg metode pr. indsatstype").click()
    walk.check("prognosemetoder", METHODS)
    expect(page.locator('[data-chart="chart-tilbagetest"] svg')).to_have_count(1)
    page.get_by_label("Metode for Beskæftigelse – Jobindsats").select_option("seasonal")
    page.get_by_label("Begrundelse for Beskæftigelse – Jobindsats").fill("Mindst fejl")
    page.get_by_role("button", name="Gem metoden for Beskæftigelse – Jobindsats").click()
    expect(page.locator("main [role=status]")).to_contain_text("gemt som version 1")
    walk.check("prognosemetoder, gemt", METHODS)
    walk.assert_clean()

    analyst = new_town_page()
    walk = Walk(analyst)
    sign_in(analyst, "analyst")
    walk.visit("prognosemetoder, analytiker", "/prognose/metoder", METHODS)
    expect(analyst.get_by_text("Kun administratorer og økonomikonsulenter")).to_be_visible()
    expect(analyst.get_by_role("button", name="Gem metoden for Beskæftigelse – Jobindsats")).to_have_count(0)  # fmt: skip
    walk.assert_clean()
