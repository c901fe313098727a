"""Result goals and progression from the command line (issue 14, Furesø), thin over
:mod:`tvaers.followup.goals` and :mod:`tvaers.followup.results`.

``tvaers goal set`` records a solution's goal for a year (a solution editor, as a real user,
audited; ``--preset`` takes one of Furesø's three); ``tvaers goal list`` shows the goals in force
and their versions. ``tvaers results --solution NAME --year YEAR`` gives the goals against the
targets, month by month, Furesø's steps and the staircase (statistical: small cells hidden, the
sets shown remembered as the web's); ``--citizens`` gives each citizen's row instead (casework:
``--purpose casework`` and the solution's basis, logged).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import PurposeOption, UserOption, acting, store
from tvaers.cli.forecast import FormatChoice, Out, _emit, _format
from tvaers.cli.principles import die, fail, write_json
from tvaers.core.errors import TvaersError

if TYPE_CHECKING:
    from tvaers.followup.results import Results

goal_app = typer.Typer(help="Resultatmål pr. løsning og år (fx 15 % i job eller uddannelse).")
app.add_typer(goal_app, name="goal")

SolutionArg = Annotated[str, typer.Option("--solution", help="Løsningens nummer eller navn")]
YearArg = Annotated[int, typer.Option("--year", help="Året")]


def _solution(session: Any, text: str) -> tuple[int, str]:
    from tvaers.anchoring import service as solutions

    found = solutions.find(session, text)
    return found.id, found.name


@goal_app.command("set")
def goal_set(
    solution: SolutionArg,
    year: YearArg,
    goal: Annotated[str | None, typer.Option("--goal", help="Målets kode, fx praktik")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Målets navn")] = None,
    statuses: Annotated[
        str | None, typer.Option("--statuses", help="Udfald, der tæller, fx job,education")
    ] = None,
    count: Annotated[int | None, typer.Option("--count", help="Mål: antal borgere")] = None,
    share: Annotated[str | None, typer.Option("--share", help="Mål: andel i procent")] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="Et af Furesøs mål: job_uddannelse_andel, praktik, "
            "job_uddannelse (eller all for alle tre)",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Bemærkning")] = None,
    user: UserOption = None,
) -> None:
    """Sæt et resultatmål for løsningen og året (en ny version; samme mål gemmer intet)."""
    from tvaers.followup import goals, results
    from tvaers.followup.results_model import PRESETS

    settings = _settings()
    known = results.known_statuses(settings)
    with acting(settings, user) as (session, actor):  # errors end it in Danish, nothing saved
        solution_id, _name = _solution(session, solution)
        if preset == "all":
            saved = goals.set_presets(session, actor, solution_id, year)
        elif preset is not None:
            chosen = next((p for p in PRESETS if p.goal == preset), None)
            if chosen is None:
                fail(f"Forudindstillingen «{preset}» findes ikke.",
                     "Brug " + ", ".join(p.goal for p in PRESETS) + " eller all.")  # fmt: skip
            target = chosen.target
            saved = [goals.set_goal(
                session, actor, solution_id, year, chosen.goal, name or chosen.name,
                chosen.statuses, target.count,
                None if target.share is None else str(target.share), note, known,
            )]  # fmt: skip
        else:
            saved = [goals.set_goal(
                session, actor, solution_id, year, goal or "", name or "", statuses or "",
                count, share, note, known,
            )]  # fmt: skip
        lines = [f"Målet «{s.row.name}» ({s.row.goal}) for {year}: "
                 + (f"gemt som version {s.row.version}." if s.changed else
                    f"uændret (version {s.row.version}).") for s in saved]  # fmt: skip
    for line in lines:
        console.print(line)


@goal_app.command("list")
def goal_list(solution: SolutionArg, year: YearArg, user: UserOption = None) -> None:
    """Løsningens resultatmål for året: de gældende og alle versioner."""
    from tvaers.followup import goals
    from tvaers.followup.results_tables import target_text

    settings = _settings()
    with acting(settings, user) as (session, _actor):
        solution_id, title = _solution(session, solution)
        rows = goals.versions(session, solution_id, year)
        seen: set[str] = set()
        lines = []
        for r in rows:  # a handful of goals, a few versions each
            share = None if r.target_share_e4 is None else goals.target_of(r).share
            mark = "gældende" if r.goal not in seen else "tidligere"
            seen.add(r.goal)
            lines.append(f"{r.goal} v{r.version} ({mark}): {r.name} — "
                         f"{target_text(r.target_count, share)}; tæller: "
                         f"{', '.join(r.statuses)}; {r.changed_by}")  # fmt: skip
    console.print(f"Resultatmål {year} for {title}:" if lines else
                  f"{title} har ingen resultatmål for {year}.")  # fmt: skip
    for line in lines:
        console.print(line)


def results_json(found: Results, solution: str) -> dict[str, Any]:
    """The results as one JSON document (hidden figures null, with their note)."""
    from dataclasses import asdict

    return {
        "solution": solution, "year": found.year, "citizens": found.citizens,
        **({"note": found.note} if found.note else {}),
        "goals": [asdict(g) for g in found.goals], "months": [asdict(m) for m in found.months],
        "flows": [asdict(f) for f in found.flows],
        "movements": [asdict(m) for m in found.movements],
    }  # fmt: skip


@app.command("results")
def results_command(
    solution: SolutionArg,
    year: YearArg,
    fmt: FormatChoice = "text",
    out: Out = None,
    citizens: Annotated[
        bool, typer.Option("--citizens", help="Hver borgers række (sagsbehandling, logges)")
    ] = False,
    purpose: PurposeOption = "statistical",
    user: UserOption = None,
) -> None:
    """Løsningens resultatmål mod målene, måned for måned, Furesøs trin og indsatstrappen."""
    from tvaers.followup import results, results_tables

    chosen = _format(fmt, out)
    settings = _settings()
    if citizens:
        _citizens(settings, solution, year, chosen, out, user, purpose)
        return
    with acting(settings, user, purpose) as (session, actor):
        solution_id, title = _solution(session, solution)
        username = actor.username
    try:
        found = results.goal_attainment(settings, lambda: store(settings), solution_id, year,
                                        username)  # fmt: skip
    except TvaersError as exc:
        die(exc)
    if chosen == "json":
        write_json(results_json(found, title))
    elif chosen == "text":
        _print(found, title)
    else:
        _emit(list(results_tables.tables(found, title).values()), chosen, out)


def _print(found: Results, title: str) -> None:
    from tvaers.followup.results_tables import movements_table

    if not found.shown:
        console.print(f"{title} {found.year}: tallene er skjult. {found.note or ''}".strip())
        return
    console.print(f"{title} {found.year}: {found.citizens} borgere i løsningen i året.")
    for g in found.goals:
        reached = "(skjult)" if g.reached is None else str(g.reached)
        share = "" if g.share is None else f" ({g.share} %)".replace(".", ",")
        state = {True: "nået", False: "ikke nået", None: "ukendt"}[g.attained]
        console.print(f"  {g.name}: {reached} borgere{share}, målet kræver {g.needed} — {state}")
    for r in movements_table(found).rows:  # six rows
        shown = "(skjult)" if r["citizens"] is None else str(r["citizens"])
        console.print(f"  {r['kind']}, {r['direction'].lower()}: {shown}")


def _citizens(settings: Any, solution: str, year: int, chosen: str, out: Path | None,
              user: str | None, purpose: str) -> None:  # fmt: skip
    """Each citizen's row: casework, the solution's basis, one audit entry per citizen listed."""
    from tvaers import access
    from tvaers.draw.solution_economy import plain
    from tvaers.followup import goals, results, results_tables
    from tvaers.selection import decisions

    with acting(settings, user, purpose) as (session, actor):  # refusals end it in Danish
        solution_id, title = _solution(session, solution)
        access.require_casework(actor, solution_id)
        access.solution_gate(session, actor, solution_id)
        periods = plain(decisions.enrolments(session, solution_id))
        specs = [results.spec_of(r) for r in goals.current(session, solution_id, year)]
        rows = results.citizens_of(settings, periods, specs, year)
        access.solution(session, actor, solution_id, "resultater_borgere_udtrukket",
                        listed=[r["citizen"] for r in rows],
                        detail={"year": year, "rows": len(rows)})  # fmt: skip
    table = results_tables.citizens_table(rows, specs, year, title)
    if chosen == "json":
        write_json({"solution": title, "year": year, "citizens": table.records()})
    elif chosen == "text":
        for r in table.records():
            console.print(r)
    else:
        _emit([table], chosen, out)
