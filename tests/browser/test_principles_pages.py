"""Focus point 4's pages in Chromium (issue 12): axe finds nothing on the placements (on the
solution's page, on their own page, the form with its error), the distribution keys (a refused
proposal, a proposal, the area chief's approval and the key's effect), who pays, capacity (with
the warning, and a refused number of places) and the twice-yearly review under the casework
purpose; the charts are drawn.

Helsingør's solution (two rows of table 4.2) is used here and nowhere else: the six citizens of
the mini municipality are enrolled in it from 1 January 2025 (two of them in family treatment,
a capacity-limited intervention it has agreed no places in), with a selection basis.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.conftest import choose_purpose, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

HELSINGOER = "Tværgående løsning i Helsingør"


def _seed(app: Any) -> int:
    """Helsingør's solution with its placements, everyone enrolled and a selection basis (once
    per server). Returns the solution's id."""
    from tvaers.draw import service as draw_service
    from tvaers.principles import service
    from tvaers.selection import bases, decisions
    from tvaers.store.models import Solution

    with draw_service.opened(app.state.settings) as analysis:
        citizens = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
    with app.state.sessions() as session:
        solution = session.scalars(select(Solution.id).where(Solution.name == HELSINGOER)).one()
        service.load_example_placements(session)
        if decisions.enrolments(session, solution):
            session.commit()
            return int(solution)
        bases.record_selection_basis(session, solution, "legal_basis", "Rsl. § 11 c, j.nr. 2-25",
                                     date(2025, 1, 1), "leder")  # fmt: skip
        for subject in citizens:
            decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high",
                             None, "leder", "Rsl. § 11 c", enrol_on=date(2025, 1, 1),
                             assessed_on=date(2025, 1, 1))  # fmt: skip
        session.commit()
    return int(solution)


def test_focus_point_4_pages_pass_axe(new_page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    solution = _seed(app)
    page = new_page()
    walk = Walk(page)
    sign_in(page, "solution_leader")
    walk.visit("løsning med placeringer", f"/loesninger/{solution}", HELSINGOER)
    expect(
        page.get_by_role("table", name="VIVEs tabel 4.1: visitation og betaling")
    ).to_contain_text('Denne løsning: udgiftsposter "inde"')
    page.get_by_role("link", name="Placering af visitation og betaling").click()
    walk.check("placeringer", re.compile("^Placering af visitation og betaling: "))
    page.get_by_label("Indsatstype", exact=True).fill("mentor")
    page.get_by_role("radio", name="I tværgående løsning").first.check()
    page.get_by_role("button", name="Gem placering").click()
    expect(page.get_by_role("alert")).to_contain_text("Vælg både hvor visitationskompetencen")
    walk.check("placeringer, fejl", re.compile("^Placering af visitation og betaling: "))

    walk.visit("fordelingsnøgler", "/fordelingsnoegler", "Fordelingsnøgler")
    page.get_by_label("Kort navn").fill("helsingoer-ude")
    page.get_by_label("Løsning", exact=True).select_option(label=HELSINGOER)
    page.get_by_label("Faste andele").fill("employment=50%\nadults=40%")
    page.get_by_label("Faglig begrundelse").fill("Udgiftsposterne «ude» deles efter fagligt skøn")
    page.get_by_role("button", name="Foreslå nøglen").click()
    expect(page.get_by_role("alert")).to_contain_text("summer til 90 %")
    expect(page.get_by_label("Faste andele")).to_have_value("employment=50%\nadults=40%")
    walk.check("fordelingsnøgler, forslag med fejl", "Fordelingsnøgler")
    page.get_by_label("Faste andele").fill("employment=1/2\nadults=1/2")
    page.get_by_role("button", name="Foreslå nøglen").click()
    expect(page.locator("main [role=status]")).to_contain_text("er foreslået")
    walk.check("fordelingsnøgler, foreslået", "Fordelingsnøgler")

    walk.visit(
        "hvem betaler", f"/loesninger/{solution}/hvem-betaler", re.compile("^Hvem betaler: ")
    )
    walk.visit(
        "kapacitet", f"/loesninger/{solution}/kapacitet", re.compile("^Kapacitetsbegrænsede")
    )
    expect(page.get_by_role("region", name="Advarsler om kapacitet")).to_contain_text(
        "Familiebehandling"
    )
    expect(page.locator("[data-chart] svg")).to_be_visible()
    walk.check("kapacitet med diagram", re.compile("^Kapacitetsbegrænsede"))
    page.get_by_label("Aftalte pladser").fill("to")
    page.get_by_role("button", name="Gem aftalte pladser").click()
    expect(page.get_by_role("alert")).to_contain_text("helt tal")
    walk.check("kapacitet, fejl", re.compile("^Kapacitetsbegrænsede"))
    walk.assert_clean()

    chief = new_page()
    walk = Walk(chief)
    sign_in(chief, "area_chief")
    walk.visit("fordelingsnøgler, fagchef", "/fordelingsnoegler", "Fordelingsnøgler")
    chief.get_by_role("button", name="Godkend helsingoer-ude version 1").click()
    expect(chief.locator("main [role=status]")).to_contain_text("er godkendt")
    expect(chief.get_by_role("table", name="Virkningen af fordelingsnøglerne")).to_contain_text(
        "helsingoer-ude"
    )
    walk.check("fordelingsnøgler, godkendt med virkning", "Fordelingsnøgler")
    walk.assert_clean()

    casework = new_page()
    walk = Walk(casework)
    sign_in(casework, "caseworker")
    choose_purpose(casework, "Sagsbehandlingsformål")
    walk.visit("løsning, sagsbehandling", f"/loesninger/{solution}", HELSINGOER)
    casework.get_by_role("link", name="Halvårlig gennemgang af posteringer og bevillinger").click()
    expect(casework.get_by_role("table", name=re.compile("^Sager i perioden"))).to_be_visible()
    walk.check("gennemgang", re.compile("^Gennemgang af posteringer: "))
    walk.assert_clean()
