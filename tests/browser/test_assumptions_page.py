"""The budget assumptions' page in Chromium (issue 13, 003 §2.1): axe finds nothing on the page,
on the form refused with what was typed kept, after a save and an import refused, nor on the
area chief's read-only view; and the grouped bars of volume and price effects are drawn by the
page's own Vega-Lite from the spec the page would embed (the mini municipality's types have too
few citizens for their effects to be shown, so the spec is made from the hand-worked figures of
``tests/test_budget_assumptions``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

TITLE = "Budgetforudsætninger"


def test_the_assumptions_page_passes_axe(new_page: Any) -> None:
    from playwright.sync_api import expect

    page = new_page()
    walk = Walk(page)
    sign_in(page, "finance_consultant")
    walk.visit("budgetforudsætninger", "/budgetforudsaetninger", TITLE)
    page.get_by_label("Indsats", exact=True).select_option("015011")
    page.get_by_label("Planlagte helårspersoner").fill("tre")
    page.get_by_label("Planlagt gennemsnitspris pr. helårsperson (kr.)").fill("280.000,00")
    page.get_by_role("button", name="Gem budgetforudsætningen").click()
    expect(page.get_by_role("alert")).to_contain_text("«tre» er ikke et tal")
    expect(page.get_by_label("Planlagte helårspersoner")).to_have_value("tre")
    walk.check("budgetforudsætninger, fejl", TITLE)
    page.get_by_label("Planlagte helårspersoner").fill("1,5")
    page.get_by_role("button", name="Gem budgetforudsætningen").click()
    expect(page.locator("main [role=status]")).to_contain_text("gemt som version")
    expect(page.get_by_role("table", name="Budgetforudsætninger og afvigelse pr. indsatstype 2025 (brutto)")).to_contain_text("420.000,00")  # fmt: skip
    walk.check("budgetforudsætninger, gemt", TITLE)
    page.get_by_role("button", name="Importér").click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg en CSV-fil")
    walk.check("budgetforudsætninger, import uden fil", TITLE)
    walk.visit("budgetforudsætninger, netto", "/budgetforudsaetninger?year=2025&basis=net", TITLE)
    walk.assert_clean()

    chief = new_page()
    walk = Walk(chief)
    sign_in(chief, "area_chief")
    walk.visit("budgetforudsætninger, fagchef", "/budgetforudsaetninger", TITLE)
    expect(chief.get_by_text("Kun administratorer og økonomikonsulenter")).to_be_visible()
    walk.assert_clean()


def test_the_grouped_bars_are_drawn(new_page: Any) -> None:
    from tvaers.budget.assumption_figures import VarianceRow, Variances
    from tvaers.core.periods import Period
    from tvaers.web.charts import vega_lite
    from tvaers.web.pages.budget_assumptions import effect_chart

    def row(code: str, name: str, volume: str, price: str) -> VarianceRow:
        return VarianceRow(code, name, 5, 0, Decimal(2), Decimal(1000), None, None, None, None,
                           None, Decimal(volume), Decimal(price))  # fmt: skip

    rows = (row("015011", "Familiebehandling", "-140383.56", "50383.56"),
            row("SEL85", "Socialpædagogisk støtte", "50000.00", "-20000.00"))  # fmt: skip
    found = Variances(2025, "gross", Period.year(2025), 365, rows, rows[0])
    chart = effect_chart(found)
    assert chart is not None
    spec = json.dumps(vega_lite(chart))
    page = new_page()
    sign_in(page, "analyst")
    page.goto("/budgetforudsaetninger")
    for script in (
        "vega/vega.min.js",
        "vega-lite/vega-lite.min.js",
        "vega-embed/vega-embed.min.js",
        "vega-interpreter/vega-interpreter.js",
    ):
        page.add_script_tag(url=f"/static/vendor/{script}")  # as draw/_charts.html loads them
    drawn = page.evaluate(
        """async (spec) => {
            const holder = document.createElement("div");
            holder.style.width = "600px";
            document.body.appendChild(holder);
            const options = {actions: false, renderer: "svg", ast: true,
                             expr: window.vega.expressionInterpreter};
            await window.vegaEmbed(holder, JSON.parse(spec), options);
            return holder.querySelectorAll("svg path[aria-roledescription='bar'], svg .mark-rect path").length;
        }""",
        spec,
    )
    assert drawn == 4, drawn  # two types x (volume, price)
