"""Follow-up deadlines at ``/opfoelgning/frister`` (memo 003, issue 14): as of a day, the
cases whose follow-up is overdue or due soon and the counts per caseworker and per team.

The counts are statistical (no citizens; 1-4 hidden, with a bar chart per team) and shown to
every role. The cases name citizens: only under the casework purpose, each citizen with a basis
in force, the others counted; a caseworker sees their own cases by default; each view and
download is audited per citizen (:func:`tvaers.followup.deadline_service.due_list`). Excel: the
page's tables in one workbook.

``/opfoelgning/frister/registrer`` records a follow-up (casework, ``FOLLOWUP_RECORDERS``, a
basis for the citizen); a refusal keeps what was typed (422).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.core.access import FOLLOWUP_RECORDERS
from tvaers.core.errors import ConfigError, NoData
from tvaers.core.periods import danish_date, parse_day, today
from tvaers.core.publication import DataTable
from tvaers.draw.service import opened
from tvaers.followup import deadline_service as service
from tvaers.followup import deadline_tables as tables
from tvaers.followup.deadlines import SOON_DAYS, FollowUpError, Outcome, add_months
from tvaers.web.deps import DbSession, Viewer, flash, redirect, render, settings_of
from tvaers.web.forms import posted
from tvaers.web.tables import excel_download, wants_excel
from tvaers.web.texts_followup import DEADLINES as F

router = APIRouter(prefix="/opfoelgning/frister")
FILENAME = "opfoelgningsfrister"
RECORD_FIELDS = ("citizen", "intervention", "started_on", "followed_up_on", "form", "outcome",
                 "note")  # fmt: skip


@dataclass
class Page:
    values: dict[str, str]
    selection: service.Selection | None = None
    reason: str | None = None
    refused: bool = False
    tables: dict[str, DataTable] = field(default_factory=dict)
    withheld: int = 0


def _selection(who: Actor, values: dict[str, str]) -> service.Selection:
    """The choice from the address, or :class:`ConfigError` in Danish."""

    def day(name: str) -> date | None:
        text = values.get(name, "").strip()
        found = parse_day(text)
        if text and found is None:
            raise ConfigError(F["bad_date"].format(text=text[:20]))
        return found

    days = values.get("dage", "").strip() or str(SOON_DAYS)
    if not days.isdigit() or int(days) > 366:
        raise ConfigError(F["bad_days"])
    asked = values.get("sagsbehandler")  # absent: a caseworker's own; "": everyone's
    worker = service.own_caseworker(who, asked)
    return service.Selection(day("dato") or today(), day("fra"), int(days), worker,
                             values.get("team", "").strip() or None)  # fmt: skip


def _linked(table: DataTable) -> DataTable:
    """Each case links to the form that records its follow-up."""
    for row in table.rows:  # the listed cases
        query = {"borger": row["citizen"], "indsats": row["intervention"],
                 "start": row["started_on"].isoformat()}  # fmt: skip
        row["href"] = f"/opfoelgning/frister/registrer?{urlencode(query)}"
    return table


def _fill(request: Request, who: Actor, session: Session, page: Page, export: bool) -> None:
    settings = settings_of(request)
    selection = page.selection
    assert selection is not None
    teams = service.load_teams(settings)
    with opened(settings) as analysis:
        whole = service.Selection(selection.as_of, selection.since, selection.soon_days)
        for by in ("team", "caseworker"):
            counted = service.due_counts(analysis, session, whole, by, teams)
            page.tables[by] = tables.counts_table(counted)
        if who.casework:
            found = service.due_list(analysis, session, who, selection, teams, export=export)
            page.tables = {"frister": _linked(tables.list_table(found)), **page.tables}
            page.withheld = found.withheld


@router.get("", response_class=HTMLResponse)
def deadlines(request: Request, who: Viewer, session: DbSession) -> Response:
    values = {k: str(v) for k, v in request.query_params.items()}
    page = Page(values)
    try:
        page.selection = _selection(who, values)
        _fill(request, who, session, page, wants_excel(request))
    except ConfigError as exc:
        page.reason, page.refused = F["bad_choice"].format(message=exc.message), True
    except NoData:
        page.reason = F["no_data"]
    if wants_excel(request) and page.tables:
        return excel_download(request, page.tables, next(iter(page.tables)), FILENAME)
    s = page.selection
    shown = dict(values)
    if s is not None:
        shown.setdefault("dato", s.as_of.isoformat())
        shown.setdefault("sagsbehandler", s.caseworker or "")
    return render(
        request, "followup/deadlines.html", who, status_code=422 if page.refused else 200,
        F=F, page=page, values=shown, query="&" + urlencode(shown) if shown else "",
        may_record=who.casework and who.role in FOLLOWUP_RECORDERS,
    )  # fmt: skip


# --- recording a follow-up --------------------------------------------------------------------


def _form(
    request: Request, who: Actor, values: dict[str, str], error: str | None = None
) -> Response:
    return render(
        request, "followup/record.html", who, status_code=422 if error else 200, F=F,
        values=values, error=error, today=today(),
    )  # fmt: skip


def _gate(who: Actor) -> None:
    access.require_casework(who)
    access.require_role(who, FOLLOWUP_RECORDERS, "At registrere en opfølgning")


@router.get("/registrer", response_class=HTMLResponse)
def record_form(request: Request, who: Viewer) -> Response:
    _gate(who)
    q = request.query_params
    values = {"citizen": q.get("borger", ""), "intervention": q.get("indsats", ""),
              "started_on": q.get("start", ""), "followed_up_on": today().isoformat(),
              "form": "meeting", "outcome": "continue", "note": ""}  # fmt: skip
    return _form(request, who, values)


@router.post("/registrer", response_class=HTMLResponse)
async def record(request: Request, who: Viewer, session: DbSession) -> Response:
    _gate(who)  # who may not write is told so before the input is read
    form = posted(await request.form())
    values = {k: form.get(k, "") for k in RECORD_FIELDS}
    try:
        row = _recorded(request, who, session, values)
    except (FollowUpError, ConfigError) as exc:
        session.rollback()
        return _form(request, who, values, f"{exc.message} {exc.hint or ''}".strip())
    except NoData:
        session.rollback()
        return _form(request, who, values, F["no_data"])
    outcome = Outcome(row.outcome)
    day = row.followed_up_on
    after = F["next"].format(day=danish_date(add_months(day, 12)))
    label = F["outcomes"][outcome.value].lower()
    then = F["no_next"] if outcome is Outcome.STOP else after
    message = F["recorded"].format(day=danish_date(day), outcome=label, next=then)
    flash(request, message)
    return redirect("/opfoelgning/frister")


def _recorded(request: Request, who: Actor, session: Session, values: dict[str, str]) -> Any:
    for name in ("started_on", "followed_up_on"):
        text = values[name].strip()
        if text and parse_day(text) is None:
            raise FollowUpError(f"{F['fields'][name]}: " + F["bad_date"].format(text=text[:20]))
    given = service.FollowUpInput(
        values["citizen"].strip(), values["intervention"].strip(),
        parse_day(values["started_on"]), parse_day(values["followed_up_on"]), values["form"],
        values["outcome"], values["note"],
    )  # fmt: skip
    with opened(settings_of(request)) as analysis:
        return service.record_followup(analysis, session, who, given)
