"""The result goals' page in Chromium (issue 14; Furesø's figure II), on the hand-worked town of
``tests/test_followup_results``: a solution leader sets Furesø's three goals with one button and
sees figure II, the months and the staircase drawn (vega-embed's SVG); a goal refused keeps what
was typed; an analyst reads without a form. axe finds nothing on any of it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.browser.conftest import TIMEOUT_MS, _console, sign_in
from tests.browser.test_accessibility import Walk
from tests.test_followup_results import enrol, write_town

pytestmark = pytest.mark.browser
TITLE = re.compile(r"^Resultater og progression: ")


@pytest.fixture(scope="module")
def town_server(
    tmp_path_factory: pytest.TempPathFactory, browser: Any
) -> Iterator[tuple[live.LiveServer, int]]:
    from tvaers.store.models import Solution
    from tvaers.web.app import create_app

    root: Path = tmp_path_factory.mktemp("results_browser")
    settings = live.settings_for(root / "home")
    app = create_app(settings)
    live.seed(app, settings, write_town(root / "data"))
    with app.state.sessions() as session:
        solution = Solution(name="Tværgående løsning i Testby", data={})
        session.add(solution)
        session.commit()
        solution_id = solution.id
    enrol(settings, solution_id)
    with live.LiveServer(app) as running:
        yield running, solution_id
    app.state.engine.dispose()


@pytest.fixture
def new_town_page(browser: Any, town_server: tuple[live.LiveServer, int]) -> Iterator[Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def make() -> Any:
        context = browser.new_context(base_url=town_server[0].url, viewport={"width": 1280,
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


def test_figure_ii_is_drawn_the_form_keeps_input_and_axe_finds_nothing(
    new_town_page: Any, town_server: tuple[live.LiveServer, int]
) -> None:
    from playwright.sync_api import expect

    url = f"/loesninger/{town_server[1]}/resultater"
    page = new_town_page()
    walk = Walk(page)
    sign_in(page, "solution_leader")
    walk.visit("resultater", url, TITLE)
    expect(page.get_by_text("Løsningen har ingen resultatmål for året endnu.")).to_be_visible()
    page.locator("#preset-year").fill("2025")
    page.get_by_role("button", name="Sæt Furesøs tre mål").click()
    expect(page.locator("main [role=status]")).to_contain_text("Furesøs mål for 2025 er sat")
    for name in ("chart-goals", "chart-months", "chart-staircase"):
        expect(page.locator(f'[data-chart="{name}"] svg')).to_have_count(1)
    expect(page.get_by_role("table", name="Resultatmål 2025: Tværgående løsning i Testby")).to_contain_text("41,7%")  # fmt: skip
    walk.check("resultater, mål sat", TITLE)
    page.locator("#set-year").fill("2025")
    page.get_by_label("Målets kode").fill("praktik")
    page.get_by_label("Målets navn").fill("Mange i praktik")
    page.get_by_label("Udfald, der tæller som nået").fill("internship")
    page.get_by_label("Mål: antal borgere").fill("fem")
    page.get_by_role("button", name="Gem resultatmålet").click()
    expect(page.get_by_role("alert")).to_contain_text("ikke et helt antal borgere")
    expect(page.get_by_label("Mål: antal borgere")).to_have_value("fem")
    expect(page.get_by_label("Målets navn")).to_have_value("Mange i praktik")
    walk.check("resultater, fejl", TITLE)
    walk.assert_clean()

    analyst = new_town_page()
    walk = Walk(analyst)
    sign_in(analyst, "analyst")
    walk.visit("resultater, analytiker", f"{url}?year=2025", TITLE)
    expect(analyst.get_by_text("Kun administrator, leder af tværgående løsning")).to_be_visible()
    expect(analyst.get_by_role("button", name="Gem resultatmålet")).to_have_count(0)
    walk.assert_clean()
