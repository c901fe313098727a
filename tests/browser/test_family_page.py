"""Issue 11, acceptance 2 for the family page (``/ressourcetraek/familie/{family}``): a caseworker
under the casework purpose with a recorded basis reaches it from a citizen's page, at 1366 px and
at 320 px. axe finds nothing, nothing is wider than a 320 px screen, each area's budget holder
and each member's age and adult/child are there, and the interventions chart is drawn."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import choose_purpose, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

CPR = "120715-4007"  # a citizen of the mini municipality with a family


def _casework(page: Any, width: int) -> None:
    """Switch to the casework purpose: the header's form, or on a phone the menu's."""
    from playwright.sync_api import expect

    if width >= 400:
        choose_purpose(page, "Sagsbehandlingsformål")
        return
    page.get_by_role("button", name="Menu").click()
    drawer = page.get_by_role("dialog", name="Menu")
    drawer.get_by_role("combobox", name="Formål").select_option(label="Sagsbehandlingsformål")
    drawer.get_by_role("button", name="Skift formål").click()
    expect(page.locator("main [role=status]")).to_contain_text("formål")


def _citizen_with_basis(page: Any) -> None:
    """The citizen's page; the basis recorded through its form unless one already is."""
    from playwright.sync_api import expect

    page.goto("/borgere")
    page.get_by_label("CPR-nummer").fill(CPR)
    page.get_by_role("button", name="Slå op").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("^(Borger |Der mangler et grundlag)"))
    if heading.inner_text().startswith("Der mangler"):
        page.get_by_role("radio", name="Hjemmel i lovgivningen").check()
        page.get_by_label("Beskrivelse").fill("Servicelovens § 50, journalnr. 27.00.00-A00-1-25")
        page.get_by_role("button", name="Registrér grundlag").click()
    expect(page.get_by_role("table", name="Posteringer på borgeren")).to_be_visible()


@pytest.mark.parametrize("width", [1366, 320])
def test_the_family_page_for_a_caseworker(new_page: Any, width: int) -> None:
    from playwright.sync_api import expect

    page = new_page(width=width, height=900)
    walk = Walk(page)
    sign_in(page, "caseworker")
    _casework(page, width)
    _citizen_with_basis(page)
    page.get_by_role("link", name="Se familiens ressourcetræk").click()
    assert re.search(r"/ressourcetraek/familie/[^/?]+$", page.url), page.url
    members = page.get_by_role("table", name=re.compile("^Familiens medlemmer"))
    expect(members).to_be_visible()
    walk.check(f"familiens ressourcetræk ({width} px)", "Familiens ressourcetræk")
    # who pays: every area with its budget holder
    areas = page.get_by_role("table", name=re.compile("^Familiens ressourcetræk pr. sektorområde"))
    expect(areas.get_by_role("columnheader", name="Budgetansvarlig")).to_be_visible()
    holders = areas.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert any(h.strip() not in ("", "—") for h in holders), holders
    # who the members are: an age and adult or child
    expect(members.get_by_role("columnheader", name="Alder")).to_be_visible()
    kinds = members.locator("tbody td").all_inner_texts()
    assert {"Voksen", "Barn"} & {k.strip() for k in kinds}, kinds
    assert any(re.fullmatch(r"\d{1,3}", k.strip()) for k in kinds), kinds
    # the interventions chart is drawn, with Danish month labels
    chart = page.locator("[data-chart] svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 50, box
    months = page.locator("[data-chart] svg .role-axis-label text").all_text_contents()
    months = [m for m in months if re.fullmatch(r"\w+ \d{4}", m)]
    assert months and len(months) == len(set(months)), months  # each month once
    assert not re.search(r"January|February|March|June|July|October", " ".join(months)), months
    wide = page.evaluate("document.documentElement.scrollWidth")
    walk.assert_clean()
    assert width > 400 or wide <= width, f"Bredere end skærmen ved {width} px: {wide} px"
