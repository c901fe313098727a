"""Screenshots of focus point 4, who grants and who pays (25-32), for scripts/screenshots.py: on
the plan, placements, keys and grants the demo's step after the enrolment adds
(``demo_selection`` ends with ``demo_principles``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from screenshots_common import ECONOMY_SOLUTION, casework, sign_in, sign_out

COMMITTED = '[aria-label^="Forpligtelser pr. måned"] + .form-hint'  # a grant's commitments

PICTURES = [
    (
        "25-placering.png",
        "En løsnings placering af visitation og betaling (Assens) i VIVEs tabel 4.1.",
    ),
    (
        "26-kompetenceplan.png",
        "Kompetenceplanen: niveauer, lofter, fagchefens godkendelse og hvor en bevilling går hen.",
    ),
    (
        "27-indstil-bevilling.png",
        "Løsningslederen indstiller en bevilling under sagsbehandlingsformål.",
    ),
    (
        "28-bevilling.png",
        "En bevilling: godkendelserne og forpligtelserne pr. måned efter fordelingsnøglen.",
    ),
    (
        "29-indbakke.png",
        "Fagchefens indbakke: kapacitetsadvarsler, godkendelser og forpligtet på budgettet.",
    ),
    (
        "30-fordelingsnoegler.png",
        "Fordelingsnøglerne: versioner, andele og virkning pr. sektorområde.",
    ),
    (
        "31-hvem-betaler.png",
        "Hvem betaler: de indskrevnes træk pr. betalende sektorområde efter nøglerne.",
    ),
    (
        "32-kapacitet.png",
        "Kapacitetsbegrænsede indsatser: advarsler, pladser og belægning pr. måned.",
    ),
]


def focus_point_4(page: Any, shoot: Callable[..., None], app: Any) -> None:
    """25-32: who grants and who pays, on what the demo's step after the enrolment made
    (``demo_selection`` ends with ``demo_principles``: the plan, table 4.2's placements, the
    area chiefs, Assens' and Furesø's keys and the grants)."""
    from playwright.sync_api import expect

    sign_in(page, "solution_leader")
    page.goto("/loesninger")
    solution = page.get_by_role("link", name=ECONOMY_SOLUTION, exact=True).get_attribute("href")
    page.goto(f"{solution}/placering")
    expect(page.locator('#tabel-4-1 [data-marked="true"]').first).to_be_visible()
    shoot("25-placering.png", end='[aria-label^="VIVEs tabel 4.1"] + .form-hint')

    # The plan, with where a month's stay at a socio-pedagogical home would go (its calculator).
    page.goto("/kompetenceplan")
    page.get_by_label("Indsats", exact=True).select_option(value="015031")
    page.get_by_label("Beløb pr. måned (kr.)").fill("78.000")
    page.get_by_label("Startdato").fill("2027-01-01")
    page.get_by_label("Forventet slutdato").fill("2027-06-30")
    page.get_by_label("Betalende sektorområde").select_option(value="children")
    page.get_by_role("button", name="Beregn").click()
    expect(page.locator("main [role=status]")).to_be_visible()
    shoot("26-kompetenceplan.png", start="main h1", end="main [role=status]")

    page.goto("/fordelingsnoegler")
    effect = page.get_by_role("table", name=re.compile("^Virkningen af fordelingsnøglerne"))
    expect(effect).to_be_visible(timeout=180_000)  # computed in the background
    shoot("30-fordelingsnoegler.png", end='[aria-label^="Virkningen af"]')
    page.goto(f"{solution}/hvem-betaler")
    areas = page.get_by_role("table", name=re.compile("^Pr. betalende sektorområde: "))
    expect(areas).to_be_visible(timeout=180_000)  # the waiting page reloads when it is done
    expect(page.locator("[data-chart] svg")).to_be_visible()
    shoot("31-hvem-betaler.png", end='[data-chart="chart-who-pays"]')
    page.goto(f"{solution}/kapacitet")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.locator("[data-chart]").count():
        expect(page.locator("[data-chart] svg")).to_be_visible()
    shoot("32-kapacitet.png", end='[data-chart="chart-capacity"]')
    _grants(page, shoot, app, int(solution.rsplit("/", 1)[1]))


def _grants(page: Any, shoot: Callable[..., None], app: Any, solution: int) -> None:
    """27-29: the proposal form and a grant (the leader, signed in, under casework), then the
    children's area chief's inbox."""
    from playwright.sync_api import expect
    from sqlalchemy import select

    from tvaers.store.models_principles import Grant

    # Under the casework purpose: the proposal form as the leader fills it in (not sent), and
    # an approved grant of the demo's on Assens' key.
    casework(page)
    page.goto(f"/bevillinger/ny?loesning={solution}")
    page.get_by_label("Borger eller familie").select_option(index=1)
    page.get_by_label("Indsats", exact=True).select_option(value="015011")
    page.get_by_label("Enheder pr. måned").fill("12")
    page.get_by_label("Startdato").fill("2027-01-01")
    page.get_by_label("Forventet slutdato").fill("2027-06-30")
    page.get_by_label("Faglig begrundelse").fill(
        "Familiebehandling i hjemmet efter den fælles plan; aftalt på netværksmødet 1. december."
    )
    page.get_by_label("Forventet effekt").fill(
        "Forældrene kan selv holde hverdagens struktur, så anbringelse undgås."
    )
    page.get_by_label("Hvem betaler", exact=True).select_option(value="key:assens-dyrere-indsatser")
    shoot("27-indstil-bevilling.png", end="main form")
    with app.state.sessions() as session:
        grant = session.scalars(
            select(Grant.id)
            .where(Grant.status == "approved", Grant.key_version_id.is_not(None))
            .where(Grant.solution_id == solution)
            .order_by(Grant.id)
        ).first()
    assert grant is not None, "Demoen har ingen bevilling efter Assens' fordelingsnøgle"
    page.goto(f"/bevillinger/{grant}")
    expect(page.get_by_role("table", name=re.compile("^Historik"))).to_be_visible()
    shoot("28-bevilling.png", start='main h2:text-is("Godkendelser")', end=COMMITTED)
    sign_out(page)

    # The children's area chief (the demo gives «fagchef» the area) under casework.
    sign_in(page, "area_chief")
    casework(page)
    page.goto("/indbakke")
    expect(page.get_by_role("table", name="Godkendelser for dit sektorområde")).to_be_visible()
    shoot("29-indbakke.png", end='[data-chart="chart-committed"]')
    sign_out(page)
