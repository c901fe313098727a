"""Figures computed before anyone asks (issue 11 #2): when the web server starts and whenever an
import has replaced the analytics file, a background thread computes the resource draw's
overview of the latest year, every stored rule set's target group and the economy of every
solution with enrolled citizens (and its "who pays" draw, and the capacity warnings), and the
year-end forecast of the whole areas and of each such solution, the monthly deviations and each
such solution's result goals, into the cache
(:mod:`tvaers.draw.cache`), so the first person to open a page does not wait. Pages asking for
the same figures meanwhile wait for the same computation (the cache's lock), never a second.

Turned off with ``TVAERS_WARM_CACHE=false``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from tvaers.core.errors import NoData, TvaersError
from tvaers.core.logging import get_logger
from tvaers.draw import overview, solution_economy
from tvaers.draw.session import opened
from tvaers.engine.snapshot import current
from tvaers.principles import solution_figures, who_pays
from tvaers.selection import decisions, published, rule_store
from tvaers.store.models import Enrolment
from tvaers.web.texts import T

log = get_logger(__name__)
INTERVAL = 5.0  # seconds between looks at the analytics file


def install(app: FastAPI) -> None:
    """Start the warming thread with the app, stop it with the app."""
    stop = threading.Event()
    thread = threading.Thread(
        target=_watch, args=(app, stop), name="tvaers-forberedelse", daemon=True
    )
    app.router.add_event_handler("startup", thread.start)
    app.router.add_event_handler("shutdown", stop.set)


def _watch(app: FastAPI, stop: threading.Event) -> None:
    seen: str | None = None
    while not stop.is_set():
        path = current(app.state.settings)
        version = path.name if path.exists() else None
        if version is not None and version != seen:
            try:
                warm(app)
                seen = version
            except NoData:
                seen = version
            except (TvaersError, OSError) as exc:  # tried again at the next look
                log.warning("warm_failed", error=str(exc))
            except Exception:  # a fault must not stop the thread: it is logged with its trace
                log.exception("warm_failed")
        stop.wait(INTERVAL)


def _principles(app: FastAPI, solutions: list[int]) -> None:
    """Focus point 4: each enrolled solution's "who pays" draw (the page's context) and the
    capacity warnings every area chief's inbox shows."""
    settings, sessions = app.state.settings, app.state.sessions
    with sessions() as session:
        found = {s: solution_figures.inputs(session, s) for s in solutions}
        solution_figures.warnings(settings, session)
    for solution, given in found.items():
        who_pays.published(settings, sessions, given.periods, given.keys, given.commitments,
                           f"løsning {solution} hvem betaler", None)  # fmt: skip


def _forecasts(app: FastAPI, enrolled: dict[int, Any]) -> None:
    """Issue 14: the year-end forecast as ``/prognose`` first shows it (as of the latest month
    end, the methods chosen), for the whole areas and each enrolled solution."""
    from tvaers.followup import forecast_figures as figures
    from tvaers.followup.forecast_service import Scope

    settings, sessions = app.state.settings, app.state.sessions
    as_of = figures.as_of_date(settings, None)
    scopes = [Scope(), *(Scope(periods=figures.period_rows(periods), name=f"løsning {solution}")
                         for solution, periods in enrolled.items())]  # fmt: skip
    for scope in scopes:  # the same context as the page's
        context = f"prognose {scope.name or 'områder'} {as_of.isoformat()}"
        figures.published_forecast(settings, sessions, scope, as_of, None, context, None)


def _followup(app: FastAPI, solutions: list[int]) -> None:
    """Issue 14: the monthly deviations (gross) and each enrolled solution's result goals as
    their pages first show them (the latest year, the pages' contexts)."""
    from tvaers.budget import assumption_figures as af
    from tvaers.budget.state import Basis
    from tvaers.followup import deviations, results

    settings, sessions = app.state.settings, app.state.sessions
    choice = af.year_choice(settings, None)
    if choice is not None:
        with sessions() as session:
            year = deviations.default_year(session, choice.years, Basis.GROSS) or choice.year
        with contextlib.suppress(NoData):  # a year without postings: nothing to show
            deviations.published(settings, sessions, year, None, Basis.GROSS,
                                 f"afvigelser {year}-", None)  # fmt: skip
    found = results.year_choice(settings, None)
    if found is not None:
        for solution in solutions:  # the same context as the results page's
            with contextlib.suppress(NoData):
                results.goal_attainment(settings, sessions, solution, found[0])


def warm(app: FastAPI) -> int:
    """Compute (or find cached) the overview and every stored rule set's group; the number of
    rule sets warmed."""
    settings, sessions = app.state.settings, app.state.sessions
    started = time.monotonic()
    overview.overview(settings)
    with sessions() as session:
        rule_store.load_ready_made(session, T.selection["ready_made_actor"])
        session.commit()
        rules = [rule_store.get_rule(session, r.key)[0] for r in rule_store.list_rules(session)]
        enrolled = {
            solution: solution_economy.plain(decisions.enrolments(session, solution))
            for solution in session.scalars(select(Enrolment.solution_id).distinct())
        }
    with opened(settings) as analysis:
        for rule in rules:  # a few rule sets, each one set-based query over every citizen
            published.group_summary(settings, analysis, rule, None, sessions, None)
    for solution, periods in enrolled.items():  # the same context as the economy page's
        context = f"løsning {solution} økonomi"
        solution_economy.published(settings, sessions, periods, context, None)
    _forecasts(app, enrolled)
    _principles(app, list(enrolled))
    _followup(app, list(enrolled))
    log.info("warmed", rules=len(rules), solutions=len(enrolled),
             seconds=round(time.monotonic() - started, 2))  # fmt: skip
    return len(rules)
