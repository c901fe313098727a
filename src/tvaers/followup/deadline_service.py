"""Follow-up deadlines as of a day (memo 003; rule: :mod:`tvaers.followup.deadlines`): the cases
whose follow-up is overdue or due soon, per caseworker and per team, and the recording of a
follow-up.

*Cases* are the citizens' granted interventions started on or after a horizon (``since``;
default 1 January of the year before the as-of day): the imported ``activities`` (its
``caseworker``; computed set-based in the engine, :mod:`tvaers.followup.deadline_queries`) and
the approved grants of focus point 4 to a citizen (the store's few rows, by the pure rule; the
caseworker is who proposed the grant). A case's *team* is the mapping file's team for its
caseworker (``TVAERS_HOME/konfiguration/teams.csv``, ``caseworker;team``), else the activity's
deciding unit (``decided_by``) or the grant's solution.

* :func:`due_list` — person-level: the cases, naming citizens (pseudonyms). A casework role under
  the casework purpose; each citizen shown needs a basis in force, the others are only counted;
  one audit entry for the list and one per citizen (:mod:`tvaers.access.caselists`). A
  caseworker sees their own cases by default (the caseworker code that is their user name).
* :func:`due_counts` — statistical: cases overdue and due per caseworker or team, no citizens;
  counts of 1-4 hidden with secondary suppression.
* :func:`record_followup` — a new follow-up (append-only), person-level and audited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from tvaers import access
from tvaers.access import Actor
from tvaers.access.caselists import listing_bases, log_listing
from tvaers.core import periods
from tvaers.core.access import FOLLOWUP_RECORDERS, Role
from tvaers.core.config import Settings
from tvaers.core.cpr import contains_cpr
from tvaers.core.errors import ConfigError, ErrorCode
from tvaers.core.suppression import TOTAL, suppress_groups
from tvaers.draw.session import Analysis
from tvaers.followup import deadline_queries as q
from tvaers.followup.deadlines import (
    SOON_DAYS,
    FollowUpError,
    Outcome,
    check_followup,
    deadline,
)
from tvaers.store.models import Solution
from tvaers.store.models_followup import FollowUp
from tvaers.store.models_principles import Grant

TEAMS_FILE = "teams.csv"
LIST_ACTION = "opfoelgningsfrister_vist"
EXPORT_ACTION = "opfoelgningsfrister_eksporteret"
RECORDED = "opfoelgning_registreret"
NOTE_MAX = 2_000
CaseKey = tuple[str, str, date]


@dataclass(frozen=True)
class Case:
    """One case whose follow-up is overdue or due: the next follow-up's due date, whether it is
    the first (3-month) one, the latest follow-up made (``None``: none yet)."""

    citizen: str
    intervention: str
    intervention_name: str
    started_on: date
    ended_on: date | None
    caseworker: str
    team: str
    latest: date | None
    due_on: date
    first: bool
    overdue: bool
    days_overdue: int
    grant_id: int | None = None
    solution_id: int | None = None


@dataclass(frozen=True)
class Selection:
    """What a list or count is asked for: as of the day, cases started since ``since``, due up
    to ``soon_days`` after the day, of one caseworker or team (``None``: all)."""

    as_of: date
    since: date | None = None
    soon_days: int = SOON_DAYS
    caseworker: str | None = None
    team: str | None = None

    @property
    def horizon(self) -> date:
        return self.since or date(self.as_of.year - 1, 1, 1)

    @property
    def last_day(self) -> date:
        return self.as_of + timedelta(days=self.soon_days)


@dataclass(frozen=True)
class DueList:
    """The person-level list: the cases shown and how many were left out for want of a basis."""

    selection: Selection
    cases: list[Case]
    withheld: int
    bases: dict[str, str]  # citizen -> the basis that made showing them lawful


@dataclass(frozen=True)
class GroupCount:
    """Cases overdue and due (not yet overdue) of a caseworker or team; ``None``: hidden."""

    group: str
    overdue: int | None
    due: int | None
    note: str | None = None


@dataclass(frozen=True)
class DueCounts:
    selection: Selection
    by: str  # caseworker or team
    rows: list[GroupCount]
    total: GroupCount


# --- configuration ----------------------------------------------------------------------------


def load_teams(settings: Settings) -> dict[str, str]:
    """Caseworker -> team from ``konfiguration/teams.csv`` (``caseworker;team``, also
    ``sagsbehandler;team``, comma or semicolon); empty when there is no file. A line without
    both is refused in Danish, naming the line."""
    path = settings.home / "konfiguration" / TEAMS_FILE
    if not path.exists():
        return {}
    text = path.read_text("utf-8-sig")
    dialect = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=dialect))
    head = [h.strip().lower() for h in rows[0]] if rows else []
    if len(head) < 2 or head[0] not in ("caseworker", "sagsbehandler") or head[1] != "team":
        raise ConfigError(
            f"{path}: første linje skal være «caseworker;team» (eller «sagsbehandler;team»).",
            hint="Én linje pr. sagsbehandler: sagsbehandlerens kode og teamets navn.",
        )
    teams: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ConfigError(
                f"{path}, linje {number}: både sagsbehandler og team skal udfyldes.",
                hint="Skriv fx «ABK;Team Nord».",
            )
        teams[row[0].strip()] = row[1].strip()
    return teams


# --- the cases --------------------------------------------------------------------------------


def _latest(session: Session, on: date) -> dict[CaseKey, FollowUp]:
    """Per case the latest follow-up made on or before ``on`` (the recorded few)."""
    found: dict[CaseKey, FollowUp] = {}
    rows = session.scalars(
        select(FollowUp)
        .where(FollowUp.followed_up_on <= on)
        .order_by(FollowUp.followed_up_on, FollowUp.id)
    )
    for row in rows:
        found[(row.citizen, row.intervention, row.started_on)] = row
    return found


def _latest_table(latest: dict[CaseKey, FollowUp]) -> Any:
    keys = list(latest)
    return ibis.memtable(
        pa.table(
            {
                "l_citizen": pa.array([k[0] for k in keys], pa.string()),
                "l_intervention": pa.array([k[1] for k in keys], pa.string()),
                "l_started_on": pa.array([k[2] for k in keys], pa.date32()),
                "latest": pa.array([latest[k].followed_up_on for k in keys], pa.date32()),
                "stopped": pa.array([latest[k].outcome == Outcome.STOP for k in keys], pa.bool_()),
            }
        )
    )


def _teams_table(teams: dict[str, str]) -> Any:
    return ibis.memtable(
        pa.table(
            {
                "t_caseworker": pa.array(list(teams), pa.string()),
                "t_team": pa.array(list(teams.values()), pa.string()),
            }
        )
    )


def _matches(value: str, wanted: str | None) -> bool:
    return wanted is None or value.strip().lower() == wanted.strip().lower()


def _activity_due(
    analysis: Analysis, selection: Selection, latest: dict[CaseKey, FollowUp],
    teams: dict[str, str],
) -> Any:  # fmt: skip
    """The activities' due cases as an expression (filtered to the caseworker/team asked)."""
    s = selection
    cases = q.activity_cases(analysis.table("activities"), s.horizon, s.as_of)
    deadlines = q.with_deadlines(cases, _latest_table(latest), _teams_table(teams), s.as_of)
    due = q.due_by(deadlines, s.as_of, s.last_day)
    if s.caseworker is not None:
        due = due.filter(due.caseworker.lower() == s.caseworker.strip().lower())
    if s.team is not None:
        due = due.filter(due.team.lower() == s.team.strip().lower())
    return due


def _grant_cases(
    session: Session, selection: Selection, latest: dict[CaseKey, FollowUp],
    teams: dict[str, str], names: dict[str, str],
) -> list[Case]:  # fmt: skip
    """The approved grants' due cases, by the pure rule (the store's few rows)."""
    s = selection
    found: list[Case] = []
    rows = session.execute(
        select(Grant, Solution.name)
        .join(Solution, Solution.id == Grant.solution_id)
        .where(Grant.status == "approved", Grant.unit == "citizen",
               Grant.start_date >= s.horizon, Grant.start_date <= s.as_of)
        .order_by(Grant.id)
    )  # fmt: skip
    for grant, solution_name in rows:
        last = latest.get((grant.subject, grant.intervention, grant.start_date))
        stopped = last is not None and last.outcome == Outcome.STOP
        next_one = deadline(grant.start_date, s.as_of, last.followed_up_on if last else None,
                            stopped, grant.end_date)  # fmt: skip
        team = teams.get(grant.proposed_by, solution_name)
        if next_one is None or next_one.due_on > s.last_day:
            continue
        if not (_matches(grant.proposed_by, s.caseworker) and _matches(team, s.team)):
            continue
        found.append(Case(
            grant.subject, grant.intervention,
            grant.intervention_name or names.get(grant.intervention, ""), grant.start_date,
            grant.end_date, grant.proposed_by, team, last.followed_up_on if last else None,
            next_one.due_on, next_one.first, next_one.overdue(s.as_of),
            next_one.days_overdue(s.as_of), grant.id, grant.solution_id,
        ))  # fmt: skip
    return found


def _names(analysis: Analysis) -> dict[str, str]:
    rows = analysis.table("interventions").select("intervention", "name").to_pyarrow()
    return {str(r["intervention"]): str(r["name"] or "") for r in rows.to_pylist()}


def _case_of(row: dict[str, Any], names: dict[str, str]) -> Case:
    return Case(
        row["citizen"], row["intervention"], names.get(row["intervention"], ""),
        row["started_on"], row["ended_on"], row["caseworker"], row["team"] or "",
        row["latest"], row["due_on"], bool(row["first"]), bool(row["overdue"]),
        int(row["days_overdue"]),
    )  # fmt: skip


def _order(case: Case) -> tuple[Any, ...]:
    return (not case.overdue, case.due_on, case.caseworker, case.citizen, case.intervention)


# --- person-level: the list -------------------------------------------------------------------


def own_caseworker(actor: Actor, asked: str | None) -> str | None:
    """The caseworker a list is of: as asked (``""``: everyone's), else a caseworker's own
    (their user name as the caseworker code), else everyone's."""
    if asked is not None:
        return asked.strip() or None
    return actor.username if actor.role is Role.CASEWORKER else None


def due_list(
    analysis: Analysis, session: Session, actor: Actor, selection: Selection,
    teams: dict[str, str], *, export: bool = False,
) -> DueList:  # fmt: skip
    """The overdue and soon-due cases (person-level; see the module's docstring), overdue first
    by due date. Refused (:class:`~tvaers.core.errors.AccessRefused`) without the casework role
    and purpose, or when none of the cases' citizens has a basis; audited."""
    citizen_bases, solution_bases = listing_bases(session, actor)
    latest = _latest(session, selection.as_of)
    names = _names(analysis)
    rows = _activity_due(analysis, selection, latest, teams).to_pyarrow().to_pylist()
    cases = [_case_of(r, names) for r in rows]
    cases += _grant_cases(session, selection, latest, teams, names)
    shown, bases, withheld = [], {}, []
    for case in cases:  # the due cases of the list asked for
        text = citizen_bases.get(case.citizen) or solution_bases.get(case.solution_id or -1)
        if text is None:
            withheld.append(case.citizen)
            continue
        shown.append(case)
        bases[case.citizen] = text
    detail = {"as_of": selection.as_of.isoformat(), "since": selection.horizon.isoformat(),
              "caseworker": selection.caseworker, "team": selection.team,
              "cases": len(shown)}  # fmt: skip
    log_listing(session, actor, EXPORT_ACTION if export else LIST_ACTION, bases, withheld, detail)
    return DueList(selection, sorted(shown, key=_order), len(cases) - len(shown), bases)


# --- statistical: the counts ------------------------------------------------------------------


def due_counts(analysis: Analysis, session: Session, selection: Selection, by: str,
               teams: dict[str, str]) -> DueCounts:  # fmt: skip
    """Cases overdue and due per caseworker (``by="caseworker"``) or team, and in total; no
    citizens. Primary and secondary suppression on each measure: a count of 1-4 cases is hidden,
    and so many others that it cannot be worked out from the total."""
    if by not in ("caseworker", "team"):
        raise ConfigError(f"Der kan tælles pr. caseworker eller team, ikke «{by}».")
    latest = _latest(session, selection.as_of)
    due = _activity_due(analysis, selection, latest, teams)
    found: dict[str, list[int]] = {}
    for row in q.counts(due, by).to_pyarrow().to_pylist():  # the groups
        found[str(row["group"] or "")] = [int(row["overdue"]), int(row["due"])]
    for case in _grant_cases(session, selection, latest, teams, {}):
        pair = found.setdefault(case.caseworker if by == "caseworker" else case.team, [0, 0])
        pair[0 if case.overdue else 1] += 1
    groups = sorted(found)
    if not groups:
        return DueCounts(selection, by, [], GroupCount(TOTAL, 0, 0))
    overdue = suppress_groups({g: found[g][0] for g in groups}, unit="sager")
    due_soon = suppress_groups({g: found[g][1] for g in groups}, unit="sager")

    def counted(group: str) -> GroupCount:
        a, b = overdue.cell(group), due_soon.cell(group)
        return GroupCount(group, a.count, b.count, a.note or b.note)

    return DueCounts(selection, by, [counted(g) for g in groups], counted(TOTAL))


# --- recording a follow-up --------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpInput:
    """A follow-up as typed: the case (citizen pseudonym, intervention code, start date), when it
    was made, its form and outcome, and a note."""

    citizen: str
    intervention: str
    started_on: date | None
    followed_up_on: date | None
    form: str
    outcome: str
    note: str = ""


def _grant(session: Session, given: FollowUpInput, started_on: date) -> Grant | None:
    """The approved (or ended) grant to the citizen with that intervention and start."""
    return session.scalars(
        select(Grant).where(
            Grant.subject == given.citizen, Grant.intervention == given.intervention,
            Grant.start_date == started_on, Grant.status.in_(("approved", "ended")),
        ).order_by(Grant.id.desc())
    ).first()  # fmt: skip


def _basis_gate(session: Session, actor: Actor, given: FollowUpInput, started_on: date) -> None:
    """Refuse (:class:`~tvaers.core.errors.AccessRefused`) unless a basis covers the case: the
    citizen's own, or the selection basis of the solution of an approved grant that is the
    case. Asked before the case is looked up, so that the refusal is the same whether or not
    the case exists (it says only that the citizen has no basis); nothing is logged."""
    if access.citizen_basis(session, given.citizen) is not None:
        return
    grant = _grant(session, given, started_on)
    if grant is None or access.selection_basis(session, grant.solution_id) is None:
        access.citizen_gate(session, actor, given.citizen)  # no basis: the citizen's refusal


def _known_case(
    analysis: Analysis, session: Session, given: FollowUpInput, started_on: date
) -> tuple[str, Grant | None]:
    """The case's caseworker and grant (``None``: an activity), or a Danish error when neither
    an activity nor an approved grant to the citizen has that intervention and start."""
    grant = _grant(session, given, started_on)
    if grant is not None:
        return grant.proposed_by, grant
    activities = analysis.table("activities")
    query = q.case_caseworker(activities, given.citizen, given.intervention, started_on)
    found = query.to_pyarrow().to_pylist()
    if not found or not found[0]["n"]:
        raise FollowUpError(
            f"Borgeren har ingen indsats {given.intervention} med start "
            f"{periods.danish_date(started_on)}.",
            code=ErrorCode.NOT_FOUND,
            hint="Vælg sagen fra listen over frister, eller kontrollér indsatsens kode og "
            "startdato.",
        )
    return str(found[0]["caseworker"] or ""), None


def record_followup(
    analysis: Analysis, session: Session, actor: Actor, given: FollowUpInput
) -> FollowUp:
    """Record a follow-up (a new row; the table refuses changes) for a case that exists, by a
    role in ``FOLLOWUP_RECORDERS`` under the casework purpose with a basis for the citizen (or
    for the solution of the grant that is the case); refused in Danish for a date in the future
    or before the start, an unknown form or outcome (what was typed, checked first), then
    without a basis — asked before the case, so a refusal tells nothing of whether the case
    exists. One audit entry."""
    access.require_casework(actor)
    access.require_role(actor, FOLLOWUP_RECORDERS, "At registrere en opfølgning")
    if given.started_on is None:
        raise FollowUpError("Angiv indsatsens startdato.", code=ErrorCode.DATE_INVALID)
    if given.followed_up_on is None:
        raise FollowUpError(
            "Angiv datoen for opfølgningen (fx 31-01-2026).", code=ErrorCode.DATE_INVALID
        )
    form, outcome = check_followup(given.started_on, given.followed_up_on, periods.today(),
                                   given.form, given.outcome)  # fmt: skip
    note = (given.note or "").strip()
    if len(note) > NOTE_MAX or contains_cpr(note):
        raise FollowUpError(
            f"Bemærkningen må højst have {NOTE_MAX:,} tegn og intet CPR-nummer.".replace(",", "."),
            code=ErrorCode.CODE_INVALID,
        )
    _basis_gate(session, actor, given, given.started_on)  # the input checked, the case not yet
    caseworker, grant = _known_case(analysis, session, given, given.started_on)
    detail = {
        "intervention": given.intervention,
        "started_on": given.started_on.isoformat(),
        "followed_up_on": given.followed_up_on.isoformat(),
        "outcome": outcome.value,
    }
    if grant is not None and access.citizen_basis(session, given.citizen) is None:
        access.solution(
            session,
            actor,
            grant.solution_id,
            RECORDED,
            citizen=given.citizen,
            detail={**detail, "grant_id": grant.id},
        )  # the solution's basis
    else:
        access.person(session, actor, given.citizen, RECORDED, detail=detail)
    row = FollowUp(
        citizen=given.citizen, intervention=given.intervention, started_on=given.started_on,
        grant_id=grant.id if grant else None, followed_up_on=given.followed_up_on, form=form.value,
        outcome=outcome.value, caseworker=caseworker, recorded_by=actor.username, note=note,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row
