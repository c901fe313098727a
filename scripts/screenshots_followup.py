"""Screenshots of focus point 6, follow-up (43-), for scripts/screenshots.py: on what the demo's
follow-up step records (``demo_selection`` ends with ``demo_followup``: the finance consultant
back-tests the forecast methods on last year and records each intervention type's best). The
year-end forecast of Furesø's target group, enrolled by the demo in ``ECONOMY_SOLUTION``, with
Furesø's figure 6.2; and the back-test with the choices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from screenshots_common import ECONOMY_SOLUTION, sign_in, sign_out, solution_href

BACKTEST_YEAR = 2025  # the demo's back-test year (tvaers.cli.demo_followup.BACKTEST_YEAR)
WAIT = 180_000  # ms: figures computed in the background (the waiting page reloads itself)
FIGURE = 'main h2:text-is("Figur 6.2: forbrug i år mod sidste år")'

PICTURES = [
    (
        "43-prognose.png",
        "Årsprognose for Furesøs målgruppe, figur 6.2: i år, prognosen og sidste år akkumuleret.",
    ),
    (
        "44-prognosemetoder.png",
        "Tilbagetest af prognosemetoderne: fejl pr. indsatstype side om side, mindste fremhævet.",
    ),
]


def focus_point_6(page: Any, shoot: Callable[..., None]) -> None:
    """43-44: the finance consultant's forecast of the solution's citizens and the back-test."""
    from playwright.sync_api import expect

    sign_in(page, "finance_consultant")
    solution = solution_href(page, ECONOMY_SOLUTION).rsplit("/", 1)[-1]
    page.goto(f"/prognose?loesning={solution}")
    chart = '[data-chart="chart-prognose-maaneder"]'
    expect(page.locator(f"{chart} svg")).to_be_visible(timeout=WAIT)
    shoot("43-prognose.png", start=FIGURE, end=chart)
    page.goto(f"/prognose/metoder?aar={BACKTEST_YEAR}")
    expect(page.locator('[data-chart="chart-tilbagetest"] svg')).to_be_visible(timeout=WAIT)
    shoot("44-prognosemetoder.png", end='[aria-label^="Tilbagetest af prognosemetoderne"]')
    sign_out(page)
