"""Follow-up deadlines from the command line (``tvaers followup due|record``), thin over
:mod:`tvaers.followup.deadline_service`.

``due`` lists the cases whose follow-up is overdue or due soon: person-level (pseudonyms), so a
casework role under the casework purpose (the default here) acts as ``--user``, each citizen
needs a recorded basis, and the list is logged; a caseworker gets their own cases unless
``--caseworker`` says otherwise (``--caseworker ""``: everyone's). With ``--by caseworker`` or
``--by team`` it counts instead (statistical, no citizens, small counts hidden; no user needed).
``record`` records a follow-up (append-only), as a real user, logged.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting, store
from tvaers.cli.draw import _analysis, _emit, checked_format
from tvaers.cli.options import TableOptions, table_options
from tvaers.cli.principles import die, fail
from tvaers.core.errors import TvaersError

followup_app = typer.Typer(
    help="Opfølgning: frister for opfølgning på bevillinger og indsatser (003).",
    no_args_is_help=True,
)
app.add_typer(followup_app, name="followup")

DateOption = Annotated[str | None, typer.Option(help="Dato, fx 2026-01-31 eller 31-01-2026")]


def _day(text: str | None, option: str, default: date | None = None) -> date:
    from tvaers.core.periods import parse_day, today

    if text is None or not text.strip():
        return default or today()
    found = parse_day(text)
    if found is None:
        fail(f"{option}: «{text}» er ikke en dato.", "Skriv fx 2026-01-31 eller 31-01-2026.")
    return found


def _checked(call: Any, *args: Any) -> Any:
    try:
        return call(*args)
    except TvaersError as exc:
        die(exc)


@followup_app.command("due")
@table_options(purpose="casework")
def due(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Fristerne pr. denne dag (standard: i dag)")
    ] = None,
    caseworker: Annotated[
        str | None,
        typer.Option(
            "--caseworker", help="Kun denne sagsbehandler (standard for en sagsbehandler: egne)"
        ),
    ] = None,
    team: Annotated[str | None, typer.Option("--team", help="Kun dette team")] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Sager startet fra (standard: 1. januar sidste år)"),
    ] = None,
    soon: Annotated[
        int, typer.Option("--soon", min=0, max=366, help="Også frister inden for så mange dage")
    ] = 30,
    by: Annotated[
        str | None,
        typer.Option("--by", help="caseworker eller team: antal pr. gruppe (statistisk)"),
    ] = None,
    *,
    options: TableOptions,
) -> None:
    """Sager, hvis opfølgning er overskredet eller forfalder snart: ny bevilling/indsats inden
    for 3 måneder, siden mindst årligt. Forfalder på fristen, overskredet fra dagen efter.
    Oplysninger om borgere: sagsbehandlingsformål og grundlag pr. borger; logges. Med --by
    antal pr. sagsbehandler eller team (statistisk, små tal skjult)."""
    from tvaers.draw.service import opened
    from tvaers.followup import deadline_service as ds
    from tvaers.followup import deadline_tables as tables

    settings = _settings()
    chosen = checked_format(options.fmt, options.out)
    day = _day(as_of, "--as-of")
    start = _day(since, "--since") if since else None
    selection = ds.Selection(day, start, soon, caseworker, team)
    if by is not None:
        if by not in ("caseworker", "team"):
            fail(f"--by: «{by}» kan ikke bruges.", "Brug caseworker eller team.")
        with store(settings) as session, _analysis(settings) as analysis:
            counts = _checked(
                ds.due_counts, analysis, session, selection, by, ds.load_teams(settings)
            )
        _emit([tables.counts_table(counts)], chosen, options.out)
        return
    # inside acting: a refusal prints «Afvist», another error «Fejl»
    with acting(settings, options.user, options.purpose) as (session, actor):
        chosen_worker = ds.own_caseworker(actor, caseworker)
        selection = ds.Selection(day, start, soon, chosen_worker, team)
        with opened(settings) as analysis:
            found = ds.due_list(analysis, session, actor, selection, ds.load_teams(settings),
                                export=True)  # fmt: skip
    _emit([tables.list_table(found)], chosen, options.out)


@followup_app.command("record")
def record(
    citizen: Annotated[str, typer.Option("--citizen", help="Borgerens pseudonym")],
    intervention: Annotated[str, typer.Option("--intervention", help="Indsatsens kode")],
    started_on: Annotated[str, typer.Option("--started-on", help="Indsatsens startdato")],
    followed_up_on: Annotated[
        str | None,
        typer.Option("--date", help="Opfølgningens dato (standard: i dag)"),
    ] = None,
    form: Annotated[
        str, typer.Option("--form", help="meeting, home_visit, phone, video eller written")
    ] = "meeting",
    outcome: Annotated[
        str, typer.Option("--outcome", help="continue, adjust, reduce eller stop")
    ] = "continue",
    note: Annotated[str, typer.Option("--note", help="Bemærkning (uden CPR-nummer)")] = "",
    user: UserOption = None,
) -> None:
    """Registrér en opfølgning på en borgers bevilling eller indsats (en ny række; rettes ved en
    ny opfølgning). Afviser en dato i fremtiden eller før indsatsens start og ukendt form eller
    udfald. Kræver sagsbehandlingsformål og grundlag for borgeren; logges."""
    from tvaers.core.periods import danish_date
    from tvaers.draw.service import opened
    from tvaers.followup import deadline_service as ds
    from tvaers.followup.deadlines import OUTCOME_LABELS, Outcome, add_months

    settings = _settings()
    given = ds.FollowUpInput(
        citizen.strip(), intervention.strip(), _day(started_on, "--started-on"),
        _day(followed_up_on, "--date"), form, outcome, note,
    )  # fmt: skip
    with acting(settings, user, "casework") as (session, actor), opened(settings) as analysis:
        row = ds.record_followup(analysis, session, actor, given)
        day, result = row.followed_up_on, Outcome(row.outcome)
    after = (
        "Sagen har ingen frister mere."
        if result is Outcome.STOP
        else f"Næste opfølgning senest {danish_date(add_months(day, 12))}."
    )
    console.print(
        f"Opfølgningen {danish_date(day)} er registreret ({OUTCOME_LABELS[result].lower()}). "
        + after
    )
