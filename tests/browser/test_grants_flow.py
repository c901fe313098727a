"""Issue 12, acceptance 4, in Chromium: the solution leader proposes a grant above the ceiling on
an area's budget (Furesø's solution grants, the sector areas pay: table 4.2), the paying area's
chief signs in, finds it in the inbox, approves it, and the commitment appears in the chief's
monthly view and in the solution's "who pays" draw. axe finds nothing on any of the new pages
(the grants, the proposal form with its errors, a grant, the inbox under both purposes, the
competence plan with its calculator and a refused import).

The mini municipality has six citizens: all are enrolled in Furesø's solution, and four already
have an approved grant of foster care (51.000 kr. a month, January-June 2026) on the children's
budget, so that the fifth — the one proposed here — lifts the children's committed months from
four citizens (hidden in a statistical view) to five (shown).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser.conftest import choose_purpose, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

FURESOE = "Tværgående løsning i Furesø"
START, END = date(2026, 1, 1), date(2026, 6, 30)


def _seed(app: Any) -> tuple[int, str]:
    """Furesø's solution ready for grants (once per server): the example plan and placements,
    a selection basis, the six citizens enrolled, four of them with approved foster care, and
    the area chief ``fagchef`` answering for children. Returns the solution and the citizen
    the test proposes for."""
    from tvaers import access
    from tvaers.draw import service as draw_service
    from tvaers.principles import catalogue, grant_decisions, grants, inbox, service
    from tvaers.selection import bases, decisions
    from tvaers.store.models import Solution, User

    with draw_service.opened(app.state.settings) as analysis:
        citizens = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
    with app.state.sessions() as session:
        solution = session.scalars(select(Solution.id).where(Solution.name == FURESOE)).one()
        if inbox.grants(session, solution):
            return solution, citizens[4]
        service.import_plan(session, None, service.preset_plan_text())
        service.load_example_placements(session)
        placed = [(p.granting, p.paying) for p in service.placements(session, solution)]
        assert placed == [("solution", "areas")]  # table 4.2: Furesø grants, the areas pay
        chief = session.scalars(select(User).where(User.username == "fagchef")).one()
        chief.sector_area = "children"
        bases.record_selection_basis(session, solution, "legal_basis", "Rsl. § 11 c, j.nr. 1-25",
                                     date(2025, 1, 1), "leder")  # fmt: skip
        for subject in citizens:
            decisions.assess(session, solution, "citizen", subject, "accepted", "high", "high",
                             None, "leder", "Rsl. § 11 c", enrol_on=date(2025, 3, 1),
                             assessed_on=date(2025, 3, 1))  # fmt: skip
        leader = access.actor_for(session, "leder", "casework")
        deciding = access.actor_for(session, "fagchef", "casework")
        known = catalogue.loaded(app.state.settings)
        for subject in citizens[:4]:
            proposal = grants.Proposal(
                solution, "citizen", subject, "015025", START, END, "Anbringelse",
                "Tryg opvækst", units_per_month=Decimal(1),
            )  # fmt: skip
            grant = grants.propose(session, leader, known, proposal)
            for requirement in grant.requirements:
                grant_decisions.decide(session, deciding, grant.id, True, "", requirement["key"])
        session.commit()
    return solution, citizens[4]


def _propose(page: Any, walk: Walk, solution: int, subject: str) -> str:
    """The leader's part: the grants, the form (empty first: errors), the proposal. Returns
    the grant's page address."""
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Bevillinger").click()
    walk.check("bevillinger", "Bevillinger")
    page.get_by_label("Løsning", exact=True).select_option(label=FURESOE)
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.get_by_role("table", name=re.compile("^Bevillinger: "))).to_be_visible()
    walk.check("bevillinger for en løsning", "Bevillinger")
    page.get_by_role("link", name="Indstil en bevilling").click()
    walk.check("indstil en bevilling", "Indstil en bevilling")
    page.get_by_role("button", name="Indstil bevilling").click()
    expect(page.get_by_role("alert")).to_contain_text("Ret fejlene herunder.")
    walk.check("indstil en bevilling, fejl", "Indstil en bevilling")
    page.get_by_label("Borger eller familie").select_option(value=f"citizen:{subject}")
    page.get_by_label("Indsats", exact=True).select_option(value="015025")
    page.get_by_label("Enheder pr. måned").fill("1")
    page.get_by_label("Startdato").fill(START.isoformat())
    page.get_by_label("Forventet slutdato").fill(END.isoformat())
    page.get_by_label("Faglig begrundelse").fill("Anbringelse i plejefamilie efter § 52")
    page.get_by_label("Forventet effekt").fill("Tryg opvækst og stabil skolegang")
    page.get_by_role("button", name="Indstil bevilling").click()
    flash = page.locator("main [role=status]")
    expect(flash).to_contain_text("gået til «Visitationsudvalget (ugentligt)»")
    expect(flash).to_contain_text("Fagchef for Udsatte børn og unge")
    walk.check("en bevilling, indstillet", re.compile(r"^Bevilling nr\. \d+$"))
    return str(page.url)


def _plan(page: Any, walk: Walk) -> None:
    from playwright.sync_api import expect

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Bevillinger").click()
    page.get_by_role("navigation", name="Bevillinger").get_by_role(
        "link", name="Kompetenceplan"
    ).click()
    walk.check("kompetenceplan", "Kompetenceplan")
    page.get_by_label("Indsats", exact=True).select_option(value="015025")
    page.get_by_label("Beløb pr. måned (kr.)").fill("51.000")
    page.get_by_label("Startdato").fill(START.isoformat())
    page.get_by_label("Forventet slutdato").fill(END.isoformat())
    page.get_by_label("Betalende sektorområde").select_option(label="Udsatte børn og unge")
    page.get_by_role("button", name="Beregn").click()
    expect(page.locator("main [role=status]")).to_contain_text("Visitationsudvalget")
    walk.check("kompetenceplan, beregnet", "Kompetenceplan")


def test_a_grant_above_the_ceiling_is_approved_by_the_paying_chief(new_page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    solution, subject = _seed(app)
    leader = new_page()
    walk = Walk(leader)
    sign_in(leader, "solution_leader")
    choose_purpose(leader, "Sagsbehandlingsformål")
    address = _propose(leader, walk, solution, subject)
    _plan(leader, walk)
    walk.assert_clean()

    chief = new_page()
    walk = Walk(chief)
    sign_in(chief, "area_chief")
    chief.goto("/indbakke")
    walk.check("indbakke, statistisk", "Min indbakke")
    expect(chief.get_by_role("table", name=re.compile("^Forpligtet på dit budget"))).to_be_visible()
    choose_purpose(chief, "Sagsbehandlingsformål")
    chief.goto("/indbakke")
    waiting = chief.get_by_role("table", name="Godkendelser for dit sektorområde")
    number = address.rsplit("/", 1)[1]
    expect(waiting.get_by_role("link", name=number, exact=True)).to_be_visible()
    months = chief.get_by_role("table", name=re.compile("^Forpligtet på dit budget"))
    expect(months.get_by_role("row", name=re.compile("januar 2026"))).to_contain_text(
        "204.000,00 kr."
    )  # the four approved before
    walk.check("indbakke", "Min indbakke")
    waiting.get_by_role("link", name=number, exact=True).click()
    walk.check("en bevilling, til afgørelse", f"Bevilling nr. {number}")
    expect(chief.get_by_role("checkbox", name="Fagchef for Udsatte børn og unge")).to_be_checked()
    chief.get_by_role("button", name="Godkend").click()
    expect(chief.locator("main [role=status]")).to_contain_text("Bevillingen er nu bevilget")
    walk.check("en bevilling, bevilget", f"Bevilling nr. {number}")
    chief.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Bevillinger"
    ).click()
    chief.get_by_role("navigation", name="Bevillinger").get_by_role(
        "link", name="Min indbakke"
    ).click()
    expect(waiting.get_by_role("link", name=number, exact=True)).to_have_count(0)
    expect(months.get_by_role("row", name=re.compile("januar 2026"))).to_contain_text(
        "255.000,00 kr."
    )  # the fifth is committed now
    expect(chief.locator("[data-chart='chart-committed'] svg")).to_be_visible()
    walk.check("indbakke, efter godkendelse", "Min indbakke")

    # the "who pays" draw (web/pages/principles_draw.py): committed on the children's budget
    choose_purpose(chief, "Statistisk formål")
    chief.goto(f"/loesninger/{solution}/hvem-betaler")
    areas = chief.get_by_role("table", name=re.compile("^Pr. betalende sektorområde: "))
    expect(areas.get_by_role("row", name=re.compile("^Udsatte børn og unge"))).to_contain_text(
        "1.530.000,00 kr."
    )  # five grants of 306.000 kr.
    walk.assert_clean()


def test_the_competence_plan_refuses_a_broken_import_in_danish(new_page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    _seed(app)
    page = new_page()
    walk = Walk(page)
    sign_in(page, "finance_consultant")
    page.goto("/kompetenceplan")
    page.get_by_label("Kompetenceplanen (YAML)").fill("levels: [")
    page.get_by_role("button", name="Gem ny version").click()
    expect(page.get_by_role("alert")).to_contain_text("kan ikke læses som YAML")
    expect(page.get_by_label("Kompetenceplanen (YAML)")).to_have_value("levels: [")
    walk.check("kompetenceplan, import med fejl", "Kompetenceplan")
    walk.assert_clean()
