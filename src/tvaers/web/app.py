"""The FastAPI app: Danish pages on DKFDS, sessions, CSRF, security headers, one page module per
feature (``web/pages``)."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from tvaers.core.config import Settings
from tvaers.core.logging import get_logger
from tvaers.store.database import make_engine, sessions, upgrade
from tvaers.web import filters, warmer
from tvaers.web.errors import install_error_pages
from tvaers.web.pages import (
    admin,
    auth,
    benchmarking,
    budget,
    budget_area,
    budget_assumptions,
    budget_investment,
    budget_pilot,
    budget_requirement,
    budget_settlement,
    budget_settlement_hand,
    citizens,
    data,
    draw,
    focus,
    followup_deadlines,
    followup_deviations,
    followup_forecast,
    followup_forecast_methods,
    grants,
    grants_inbox,
    grants_plan,
    home,
    key_figures,
    principles,
    principles_draw,
    principles_keys,
    principles_review,
    runs,
    selection,
    selection_builder,
    selection_casework,
    selection_enrolment,
    selection_view,
    solution_economy,
    solution_results,
    solutions,
)
from tvaers.web.progress import Jobs
from tvaers.web.security import (
    BodyLimitMiddleware,
    CsrfMiddleware,
    SafeAddressMiddleware,
    SecurityHeadersMiddleware,
)

log = get_logger(__name__)


def create_app(settings: Settings) -> FastAPI:
    settings.ensure_home()
    engine = make_engine(settings.store_url)
    upgrade(engine)
    # no API description for anonymous visitors (it lists every route and parameter)
    app = FastAPI(title="Tværs", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions(engine)
    app.state.jobs = Jobs()  # long computations, once per key, off the request threads
    app.router.add_event_handler("shutdown", app.state.jobs.shutdown)
    if settings.warm_cache:
        warmer.install(app)
    folder = resources.files("tvaers.web")
    templates = Jinja2Templates(directory=str(folder / "templates"))
    filters.install(templates.env)
    selection_casework.install(templates.env)
    principles.install(templates.env)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(folder / "static")), name="static")
    # selection before selection_view: /maalgrupper/ny is not a rule set's key; budget_area
    # last: its /budget/{area} would catch every other /budget/... path
    for module in (auth, home, solutions, focus, citizens, data, draw, selection, selection_builder,
                   selection_view,
                   selection_casework, selection_enrolment, solution_economy, solution_results,
                   grants, grants_inbox, grants_plan, budget_investment,
                   principles, principles_draw, principles_keys, principles_review,
                   budget_assumptions, key_figures, benchmarking, followup_deviations,
                   followup_deadlines,
                   followup_forecast_methods, followup_forecast,
                   budget_pilot,
                   budget_settlement, budget_settlement_hand, budget_requirement,
                   admin, runs, budget,
                   budget_area):  # fmt: skip
        app.include_router(module.router)
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_key,
        session_cookie="tvaers_session",
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodyLimitMiddleware)  # before the session, CSRF or a form reads a byte
    app.add_middleware(SafeAddressMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.cookie_secure)

    install_error_pages(app)
    return app
