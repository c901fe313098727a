"""Screenshots of focus point 5, budgets and redistribution (33-), for scripts/screenshots.py: on
what the demo's budget step records (``demo_selection`` ends with ``demo_budget``: the budgets
taken over, two frames for 2026, Furesø's and Albertslund's efficiency requirements, Albertslund's
planned model as a settlement, Furesø's settlement from the data net of the state, last year's
actuals as this year's budget assumptions and the example investment case). The demo's Furesø
part goes to the solution the screenshots' demo enrols Furesø's target group in
(``ECONOMY_SOLUTION``, Assens' «Job og Familie»; see :func:`use_test_users`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from screenshots_common import ECONOMY_SOLUTION, live, sign_in, sign_out, solution_href

YEAR = 2026  # the demo's budget year (tvaers.cli.demo_budget.YEAR)
ALBERTSLUND = "Fælles om målet"
BEFORE = "{} >> xpath=preceding-sibling::*[1]"  # the element before a selector's
RECORDED = 'main h3:text-is("Registrerede afregninger")'  # a settlement's versions
CELLS = "Hvem betaler, hvem får gevinsten: pr. sektorområde og år"  # an investment case's table
YEARS = "Pr. år og akkumuleret"  # its first chart
WAIT = 180_000  # ms: figures computed in the background (the waiting page reloads itself)

PICTURES = [
    (
        "33-budget.png",
        "Budget og regnskab for fagchefen: eget område først, alle områder og måned for måned.",
    ),
    (
        "34-budget-omraade.png",
        "Fagchefens område: budget, løsningernes træk, andel af kravene og afregningerne.",
    ),
    (
        "35-budgetrammer.png",
        "Budgetrammerne: bred og håndfast rammestyring, med merforbrug og hvor det skal dækkes.",
    ),
    (
        "36-effektiviseringskrav.png",
        "Et effektiviseringskrav på faste andele og hver regels fordeling på områderne.",
    ),
    (
        "37-afregning-albertslund.png",
        "Albertslunds afregning: den tværgående linje ender i 0; forlods mod som realiseret.",
    ),
    (
        "38-afregning-furesoe.png",
        "Afregning fra data (Furesøs målgruppe), netto af staten: ændring pr. område mod kravet.",
    ),
    (
        "39-pilot.png",
        "Pilotevaluering: forskel i forskelle mod en matchet sammenligningsgruppe, med interval.",
    ),
    (
        "40-investering.png",
        "Eksempelcasen: forudsætningerne og resultatet kort fortalt, brutto og netto af staten.",
    ),
    (
        "41-investering-diagrammer.png",
        "Eksempelcasen pr. år og akkumuleret, og dens følsomhed for succesraten.",
    ),
    (
        "42-budgetforudsaetninger.png",
        "Budgetforudsætninger: afvigelsen pr. indsatstype delt i mængde- og priseffekt.",
    ),
]


def use_test_users(demo_on: str) -> None:
    """The demo's budget step acts as the finance consultant ``okonomi`` of ``tvaers demo``; here
    the consultant is the one of tests/browser/live.py. Its Furesø part goes to the solution
    ``demo_on``, where the demo enrols Furesø's target group."""
    demo_budget: Any = importlib.import_module("tvaers.cli.demo_budget")
    demo_budget.FINANCE = live.PEOPLE["finance_consultant"].username
    demo_budget.FURESOE = demo_on


def focus_point_5(page: Any, shoot: Callable[..., None]) -> None:
    """33-42: the area chief's budget pages, then the finance consultant's pages."""
    _area_chief(page, shoot)
    _solutions(page, shoot)
    _investment_and_assumptions(page, shoot)


def _area_chief(page: Any, shoot: Callable[..., None]) -> None:
    """33-35: the children's area chief (``fagchef``, given the area by the demo)."""
    from playwright.sync_api import expect

    sign_in(page, "area_chief")
    page.goto(f"/budget?aar={YEAR}")
    expect(page.locator("#eget-omraade")).to_be_visible(timeout=WAIT)
    expect(page.locator('[data-chart="chart-budget"] svg')).to_be_visible()
    shoot("33-budget.png", end='[data-chart="chart-budget"]')
    page.locator("#eget-omraade a").click()
    expect(page.get_by_role("table", name="Afregninger")).to_be_visible(timeout=WAIT)
    shoot("34-budget-omraade.png", start="#budget", end='[aria-label="Afregninger"] + *')
    page.goto(f"/budget/rammer?aar={YEAR}")
    expect(page.locator("#flag")).to_be_visible(timeout=WAIT)
    shoot("35-budgetrammer.png", end='[aria-label="Merforbrug, der skal dækkes"] + *')
    sign_out(page)


def _solutions(page: Any, shoot: Callable[..., None]) -> None:
    """36-39: Furesø's requirement, Albertslund's and Furesø's settlements, Furesø's pilot."""
    from playwright.sync_api import expect

    sign_in(page, "finance_consultant")
    furesoe = solution_href(page, ECONOMY_SOLUTION)  # with Furesø's target group
    albertslund = solution_href(page, ALBERTSLUND)
    page.goto(f"{furesoe}/effektiviseringskrav?aar={YEAR}")
    expect(page.locator('[data-chart="chart-requirement"] svg')).to_be_visible(timeout=WAIT)
    shoot("36-effektiviseringskrav.png", end=BEFORE.format("h2#krav-form"))
    page.goto(f"{albertslund}/afregning?aar={YEAR}")
    expect(page.locator("#registreret-udfald")).to_be_visible(timeout=WAIT)
    shoot("37-afregning-albertslund.png", end=BEFORE.format(RECORDED))
    page.goto(f"{furesoe}/afregning?aar={YEAR}&grundlag=net")
    expect(page.locator("#udfald")).to_be_visible(timeout=WAIT)
    expect(page.locator('[data-chart="chart-settlement"] svg')).to_be_visible()
    from_data = "#udfald >> xpath=preceding-sibling::h2[1]"
    shoot("38-afregning-furesoe.png", start=from_data, end='[aria-label^="Høstning"] + *')
    page.goto(f"{furesoe}/pilot")
    expect(page.locator('[data-chart="chart-pilot"] svg')).to_be_visible(timeout=WAIT)
    shoot("39-pilot.png", start="#matchet >> xpath=../preceding-sibling::h2[1]", height=1500)
    sign_out(page)


def _investment_and_assumptions(page: Any, shoot: Callable[..., None]) -> None:
    """40-42: the example investment case and the budget assumptions with their bars."""
    from playwright.sync_api import expect

    sign_in(page, "finance_consultant")
    page.goto("/investering")
    page.locator("main tbody th a").first.click()  # the demo's case, the only one
    expect(page.locator('[data-chart="sensitivity-chart"] svg')).to_be_visible(timeout=WAIT)
    shoot("40-investering.png", end=BEFORE.format(f'main h2:text-is("{CELLS}")'))
    shoot("41-investering-diagrammer.png", start=f'main h2:text-is("{YEARS}")',
          end='[aria-label^="Følsomhed"] + *')  # fmt: skip
    page.goto(f"/budgetforudsaetninger?year={YEAR}")
    expect(page.locator('[data-chart="chart-assumptions"] svg')).to_be_visible(timeout=WAIT)
    shoot("42-budgetforudsaetninger.png", end='[data-chart="chart-assumptions"]')
    sign_out(page)
