"""Key figures per organisational level at ``/noegletal`` (003 §3.1, issue 14): the choice of
level, and ``/noegletal/{niveau}?aar=&maaned=`` the level's monthly report as a printable page
(each table with its chart; printed without the menu, a table a page) and, with
``?format=xlsx``, as one workbook with the same charts native. The report is computed once by
:func:`tvaers.followup.report_service.monthly_report`; the access rules are its."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from tvaers.core.errors import NoData
from tvaers.core.periods import DANISH_MONTHS
from tvaers.followup.report import LEVEL_LABELS, LEVEL_SLUGS, Level, level_of
from tvaers.followup.report_service import Report, monthly_report
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.tables import excel_workbook, wants_excel
from tvaers.web.texts_key_figures import KEY_FIGURES as K

router = APIRouter(prefix="/noegletal")


def _number(request: Request, name: str, label: str, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high`` from the address (``aar``, ``maaned``),
    ``None`` when not given; else :class:`ValueError` in Danish (the page answers 422)."""
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:
        raise ValueError(f"{label} skal være et helt tal, ikke «{text[:20]}».")
    if not low <= int(text) <= high:
        raise ValueError(f"{label} skal være fra {low} til {high}, ikke {int(text)}.")
    return int(text)


@router.get("", response_class=HTMLResponse)
def levels(request: Request, who: Viewer) -> Response:
    return render(request, "key_figures/index.html", who, K=K, labels=LEVEL_LABELS,
                  slugs=LEVEL_SLUGS)  # fmt: skip


@router.get("/{slug}", response_class=HTMLResponse)
def level_report(request: Request, slug: str, who: Viewer, session: DbSession) -> Response:
    level = level_of(slug)
    if level is None:
        raise HTTPException(404)
    report: Report | None = None
    reason, status = None, 200
    try:
        year = _number(request, "aar", "Året", 1900, 2999)
        month = _number(request, "maaned", "Måneden", 1, 12)
        report = monthly_report(settings_of(request), request.app.state.sessions, session, who,
                                level, year, month)  # fmt: skip
    except ValueError as exc:
        reason, status = str(exc), 422
    except NoData as exc:
        reason = f"{exc.message} {exc.hint or ''}".strip()
    if report is not None and wants_excel(request):
        return excel_workbook(report.tables, report.filename)
    return render(
        request, "key_figures/report.html", who, status_code=status, K=K, report=report,
        level=level, label=LEVEL_LABELS[level], slug=LEVEL_SLUGS[level], reason=reason,
        casework=level is Level.CASEWORKER, refused=status == 422, month_names=DANISH_MONTHS,
        typed={k: request.query_params.get(k, "")[:20] for k in ("aar", "maaned")},
    )  # fmt: skip
