"""Benchmarking across municipalities at ``/sammenligning`` (issue 15, F26):
``?aar=&kommuner=`` the year and the peer group (empty: size bands; else 3-digit codes), each
key figure as a table with its chart and ranks, and with ``?format=xlsx`` every table in one
workbook with native charts. Statistical aggregates for every signed-in role, computed once by
:func:`tvaers.benchmarking.service.published_benchmark`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.benchmarking import model, service, tables
from tvaers.core.errors import NoData
from tvaers.core.suppression import TOTAL
from tvaers.web import progress
from tvaers.web.deps import Viewer, render, settings_of
from tvaers.web.tables import excel_workbook, wants_excel
from tvaers.web.texts_benchmarking import BENCHMARKING as B

router = APIRouter(prefix="/sammenligning")


def _year(text: str) -> int | None:
    """The year in the address, ``None`` when not given; :class:`ValueError` in Danish."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2999:
        raise ValueError(B["year_wrong"].format(text=text[:20]))
    return int(text)


@router.get("", response_class=HTMLResponse)
def benchmarking(request: Request, who: Viewer) -> Response:
    typed = {k: request.query_params.get(k, "")[:200] for k in ("aar", "kommuner")}
    found, reason, status = None, None, 200
    try:
        year, peers = _year(typed["aar"]), model.parse_peers(typed["kommuner"])
        settings, sessions = settings_of(request), request.app.state.sessions
        computed = progress.computed(  # the first time it takes a while: the waiting page
            request, who, ("sammenligning", year, peers), B["title"],
            lambda: service.published_benchmark(settings, sessions, who, year, peers),
        )  # fmt: skip
        if isinstance(computed, Response):
            return computed
        found = computed
    except ValueError as exc:
        reason, status = str(exc), 422
    except NoData as exc:
        reason = f"{exc.message} {exc.hint or ''}".strip()
    published = tables.tables(found) if found is not None else []
    if found is not None and wants_excel(request):
        return excel_workbook(published, f"sammenligning-{found.year}")
    municipalities = [r for r in found.rows if r["municipality"] != TOTAL] if found else []
    return render(
        request, "benchmarking/index.html", who, status_code=status, B=B, found=found,
        tables=published, reason=reason, refused=status == 422, typed=typed,
        alone=len(municipalities) == 1,
    )  # fmt: skip
