"""Focus point 6 in the demo (issue 14), through the same services and access rules as everyone
else: the finance consultant back-tests the forecast methods on last year and records, per
intervention type, the method with the smallest error; the solution leader sets Furesø's result
goals (15 % in job or education, 50 reaching internship, 15 job or education); then Furesø's
figure 6.2 (its enrolled group's year-end forecast against the same citizens' last year, month
by month) and figure II (the goals reached) are printed and written to one workbook with their
charts. A second run records nothing twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from tvaers.cli import console, err
from tvaers.cli.acting import acting, store
from tvaers.cli.demo import DEMO_SOLUTION, DEMO_USER
from tvaers.cli.demo_budget import FINANCE, YEAR
from tvaers.core.config import Settings
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk
from tvaers.store.models import Solution

BACKTEST_YEAR = YEAR - 1
NOTE = f"Mindst gennemsnitlig fejl i tilbagetesten på {BACKTEST_YEAR} (demo)"


def demo_followup(settings: Settings) -> Path | None:
    """Run the demo's focus point 6 (see the module's docstring); the workbook written."""
    try:
        chosen = _choose_methods(settings)
        console.print(f"Prognosemetoder: {chosen} indsatstyper fik metoden med mindst fejl i "
                      f"tilbagetesten på {BACKTEST_YEAR}.")  # fmt: skip
        solution_id = _furesoe(settings)
        if solution_id is None:
            return None
        tables = _figure_6_2(settings, solution_id) + _figure_ii(settings, solution_id)
    except TvaersError as exc:
        err.print(f"Demoens opfølgning kunne ikke gennemføres: {exc}")
        return None
    from tvaers.reports.excel import sheet_of, write_workbook

    path = settings.home / "demo" / "opfoelgning.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(path, [sheet_of(t) for t in tables])
    console.print(f"Furesøs figur 6.2 og figur II med diagrammer: {path}")
    return path


def _choose_methods(settings: Settings) -> int:
    """The back-test of last year for the whole areas; each type's best method recorded when it
    is not already the one in force."""
    from tvaers.followup import forecast_figures, forecast_methods
    from tvaers.followup.forecast_service import Scope

    tested = forecast_figures.published_backtest(
        settings, lambda: store(settings), Scope(), BACKTEST_YEAR, "demo tilbagetest", FINANCE
    )
    made = 0
    with acting(settings, FINANCE) as (session, actor):
        in_force = forecast_methods.chosen(session)
        for row in tested.rows:
            key = (row.sector_area, row.intervention)
            if row.best is None or (key in in_force and in_force[key].value == row.best):
                continue
            forecast_methods.choose(session, actor, *key, row.best, NOTE)
            made += 1
    return made


def _furesoe(settings: Settings) -> int | None:
    from tvaers.followup import goals

    with acting(settings, DEMO_USER) as (session, actor):
        found = session.scalars(select(Solution).where(Solution.name == DEMO_SOLUTION)).first()
        if found is None:
            err.print(f"Demoens løsning '{DEMO_SOLUTION}' findes ikke; ingen opfølgning.")
            return None
        goals.set_presets(session, actor, found.id, YEAR)
        return found.id


def _figure_6_2(settings: Settings, solution_id: int) -> list:  # type: ignore[type-arg]
    from tvaers.draw.solution_economy import plain
    from tvaers.followup import forecast_figures, forecast_tables
    from tvaers.followup.forecast_service import Scope
    from tvaers.selection import decisions

    with store(settings) as session:
        periods = forecast_figures.period_rows(plain(decisions.enrolments(session, solution_id)))
    as_of = forecast_figures.as_of_date(settings, None)
    scope = Scope(periods=periods, name=f"løsning {solution_id}")
    found = forecast_figures.published_forecast(
        settings, lambda: store(settings), scope, as_of, None,
        f"demo prognose løsning {solution_id}", FINANCE,
    )  # fmt: skip
    total = found.total
    if found.note or total.year_end is None or total.last_year is None:
        console.print(f"Furesøs figur 6.2: {found.note or 'skjult'}")
        return []
    console.print(
        f"Furesøs figur 6.2 — de {found.members} indskrevne borgeres forbrug {found.year}: "
        f"realiseret {format_dkk(total.realised or Decimal(0))} til "
        f"{as_of.strftime('%d.%m.%Y')}, forventet årsresultat {format_dkk(total.year_end)} mod "
        f"{format_dkk(total.last_year)} sidste år ({_change(total.year_end, total.last_year)})."
    )
    months = forecast_tables.months_table(found)
    _print_months(months.records())
    areas, items = forecast_figures.names(settings)
    notes = forecast_figures.notes(found)
    return [forecast_tables.forecast_table(found, areas, items, notes), months]


def _change(year_end: Decimal, last_year: Decimal) -> str:
    if not last_year:
        return "intet sidste år"
    change = (year_end - last_year) / last_year * 100
    return f"{change:+.1f} %".replace(".", ",")


def _print_months(rows: list[dict]) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    from tvaers.followup.forecast_tables import FORECAST, LAST_YEAR, THIS_YEAR

    per_month: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        per_month.setdefault(r["month"], {})[r["series"]] = r["amount"]
    table = Table(title="Akkumuleret pr. måned (kr.)")
    for heading in ("Måned", THIS_YEAR, FORECAST, LAST_YEAR):
        table.add_column(heading, justify="right")
    for month, values in per_month.items():
        cells = [format_dkk(values[s], unit=False) if s in values else ""
                 for s in (THIS_YEAR, FORECAST, LAST_YEAR)]  # fmt: skip
        table.add_row(month, *cells)
    console.print(table)


def _figure_ii(settings: Settings, solution_id: int) -> list:  # type: ignore[type-arg]
    from tvaers.followup import results, results_tables

    found = results.goal_attainment(settings, lambda: store(settings), solution_id, YEAR, DEMO_USER)
    if not found.shown:
        console.print(f"Furesøs figur II: {found.note}")
        return []
    for goal in found.goals:
        target = (f"{goal.target_share} %".replace(".", ",") if goal.target_share is not None
                  else f"{goal.target_count}")  # fmt: skip
        reached = "(skjult)" if goal.reached is None else str(goal.reached)
        share = "" if goal.share is None else f" ({goal.share} %)".replace(".", ",")
        console.print(f"Furesøs figur II — {goal.name}: {reached}{share} af {found.citizens} "
                      f"borgere; mål {target}.")  # fmt: skip
    return [results_tables.goals_table(found, DEMO_SOLUTION), results_tables.months_table(found)]
