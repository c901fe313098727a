"""Issue 13's acceptance 5 in Chromium: an area chief signs in, finds their own area first on
/budget and sees their budget, what the cross-cutting solution draws on it, their share of its
efficiency requirement and the recorded settlement; axe finds nothing on /budget (gross and
net), /budget/{area}, the frames with a flag, a budget editor's form refused with what was typed,
and a solution's own budget.

Albertslund's solution «Fælles om målet» is used here and nowhere else: the six citizens of the
mini municipality are enrolled in it from 1 January 2025, an approved key lets the children's
area pay all its draw, its requirement of 600.000 kr. for 2025 is split in halves on children and
employment, and a settlement is recorded by hand. The chief ``fagchef`` answers for children
(as in the grants' flow). The mini municipality's budgets.csv gives children 2.500.000 kr. and
the solution's own line of 150.000 kr. on children.

The module runs its own server on its own home: the figures it publishes (the six citizens'
draw) would otherwise be remembered by the small-cell rule across requests and hide the nearby
groups other browser tests show of the same six citizens.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser import live
from tests.browser.conftest import _require_browser, launch, sign_in
from tests.browser.test_accessibility import Walk

pytestmark = pytest.mark.browser

ALBERTSLUND = "Fælles om målet"
KEY = "albertslund-boern"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A server of its own (see the module's docstring), seeded as the shared one."""
    from tvaers.web.app import create_app

    settings = live.settings_for(tmp_path_factory.mktemp("budget-browser") / "home")
    application = create_app(settings)
    live.seed(application, settings)
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


def _seed(app: Any) -> int:
    """Once per server; returns the solution's id."""
    from tvaers import access
    from tvaers.budget import budgets, requirements, settlement
    from tvaers.draw import service as draw_service
    from tvaers.principles import service
    from tvaers.store.models import Enrolment, Solution, User

    settings = app.state.settings
    with draw_service.opened(settings) as analysis:
        citizens = sorted(analysis.table("citizens").citizen.to_pyarrow().to_pylist())
    with app.state.sessions() as session:
        solution = session.scalars(select(Solution.id).where(Solution.name == ALBERTSLUND)).one()
        if requirements.current(session, solution, 2025) is not None:
            return int(solution)
        chief = session.scalars(select(User).where(User.username == "fagchef")).one()
        chief.sector_area = "children"
        for subject in citizens:
            session.add(Enrolment(solution_id=solution, unit="citizen", subject=subject,
                                  enrolled_on=date(2025, 1, 1), enrolled_by="leder"))  # fmt: skip
        session.flush()
        service.propose_key(session, None, KEY, {"shares": {"children": "100%"}},
                            "Børneområdet betaler løsningens træk i piloten", date(2025, 1, 1),
                            solution_id=solution, name="Albertslund: alt på børn")  # fmt: skip
        service.decide_key(session, access.actor_for(session, "fagchef", "statistical"), KEY, 1,
                           True)  # fmt: skip
        budgets.synchronised(settings, session)
        consultant = access.actor_for(session, "oekonom", "statistical")
        requirements.set_requirement(session, consultant, solution, 2025, Decimal("600000"),
                                     "fixed", shares=[("children", "1/2"), ("employment", "1/2")])  # fmt: skip
        settlement.record(session, consultant, solution, 2025, source="hand", basis="gross",
                          lines=[("children", Decimal("4000000"), Decimal("3000000")),
                                 ("employment", Decimal("5000000"), Decimal("5200000"))],
                          requirement=Decimal("600000"))  # fmt: skip
        session.commit()
    return int(solution)


def test_the_area_chief_sees_what_they_pay_and_what_they_get(new_page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    solution = _seed(app)
    page = new_page()
    walk = Walk(page)
    sign_in(page, "area_chief")
    page.get_by_role("link", name="Budget", exact=True).click()
    walk.check("budget, fagchef", "Budget og regnskab 2025")
    own = page.get_by_role("link", name="Dit område: Udsatte børn og unge")
    expect(own).to_be_visible()
    own.click()
    walk.check("fagchefens område", "Budget for Udsatte børn og unge 2025")
    expect(page.locator("#noegletal")).to_contain_text("2.500.000,00 kr.")  # their budget
    # what the solution draws on the budget: all six citizens' draw Jan-Feb 2025 by the key
    draws = page.get_by_role("table", name="Hvad løsningerne trækker på budgettet")
    expect(draws).to_contain_text(ALBERTSLUND)
    expect(draws).to_contain_text("303.118,85 kr.")
    # their half of the 600.000 kr. requirement, and the settlement: 4,0 -> 3,0 mio. kr.
    required = page.get_by_role("table", name="Områdets del af effektiviseringskravene")
    expect(required).to_contain_text("Faste andele")
    expect(required).to_contain_text("300.000,00 kr.")
    settled = page.get_by_role("table", name="Afregninger")
    expect(settled).to_contain_text("4.000.000,00 kr.")
    expect(settled).to_contain_text("-1.000.000,00 kr.")
    expect(settled).to_contain_text("Ja")  # −0,6 − (−1,0 + 0,2) = 0,2 >= 0: met
    page.get_by_label("Netto af staten").check()
    page.get_by_role("button", name="Vis").click()
    walk.check("fagchefens område, netto", "Budget for Udsatte børn og unge 2025")
    page.goto(f"/budget/loesninger/{solution}?aar=2025")
    walk.check("løsningens eget budget", f"Eget budget: {ALBERTSLUND} 2025")
    expect(page.get_by_role("table", name=f"Eget budget mod træk: {ALBERTSLUND}")).to_contain_text(
        "150.000,00 kr."
    )
    walk.assert_clean()


def test_budget_editor_pages_pass_axe(new_page: Any, app: Any) -> None:
    from playwright.sync_api import expect

    _seed(app)
    page = new_page()
    walk = Walk(page)
    sign_in(page, "finance_consultant")
    walk.visit("budget, netto", "/budget?aar=2025&grundlag=net", "Budget og regnskab 2025")
    page.get_by_label("Budget (kr.)").fill("12.5oo")
    page.get_by_label("Bemærkning").fill("Tillæg efter 1. kvartal")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("alert")).to_contain_text("«12.5oo» er ikke et beløb")
    expect(page.get_by_label("Budget (kr.)")).to_have_value("12.5oo")
    expect(page.get_by_label("Bemærkning")).to_have_value("Tillæg efter 1. kvartal")
    walk.check("budget, fejl i formularen", "Budget og regnskab 2025")
    walk.visit("rammer", "/budget/rammer?aar=2025", "Budgetrammer 2025")
    page.get_by_label("Rammens navn").fill("Det sociale område")
    page.get_by_label("Udsatte børn og unge").check()
    page.get_by_label("Beskæftigelse").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("main [role=status]")).to_contain_text("Det sociale område")
    walk.check("rammer, gemt", "Budgetrammer 2025")
    walk.assert_clean()
