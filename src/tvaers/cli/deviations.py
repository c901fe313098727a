"""Monthly deviations from the budget assumptions from the command line (issue 14, 003 §2.3),
thin over :mod:`tvaers.followup.deviations` and :mod:`tvaers.followup.deviation_cases`.

``tvaers deviations --year YEAR [--month M] [--intervention CODE]`` gives each intervention
type's full-year persons and average price to date and projected to the year against the
assumption, the deviation split into volume and price (statistical: small cells hidden, the sets
shown remembered as the web's). ``--cases --intervention CODE`` lists the cases that explain the
type's deviation, ranked — person-level, so ``--user`` with a casework role and ``--purpose
casework``; only the citizens with a recorded basis are listed (the others counted), and the
list is logged per citizen. ``--format json`` (exact numbers), ``csv`` or ``xlsx`` (``--out``,
with the charts native).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.cli import _settings, app
from tvaers.cli.acting import PurposeOption, UserOption, acting, store
from tvaers.cli.assumptions import write_json
from tvaers.cli.draw import _emit, checked_format
from tvaers.cli.principles import die, fail
from tvaers.core.errors import TvaersError

if TYPE_CHECKING:
    from tvaers.followup.deviation_cases import CaseRow, Cases
    from tvaers.followup.deviations import DeviationRow, Deviations

ROW_KEYS = (
    "intervention", "name", "citizens", "days", "planned_units", "planned_price", "planned",
    "actual_units", "actual_price", "actual", "variance", "volume", "price", "projected_units",
    "projected", "projected_variance", "projected_volume", "projected_price", "note",
)  # fmt: skip
CASE_KEYS = (
    "rank", "citizen", "caseworker", "days", "units", "spend", "price", "price_difference",
    "planned_share", "volume", "price_effect", "contribution",
)  # fmt: skip


def _json_row(row: DeviationRow | CaseRow, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: getattr(row, key) for key in keys}


def _header(found: Deviations | Cases) -> dict[str, Any]:
    return {"year": found.year, "month": found.month, "basis": found.basis}


@app.command("deviations")
def deviations(
    year: Annotated[int, typer.Option("--year", help="Budgetåret")],
    month: Annotated[
        int | None, typer.Option("--month", help="Til og med måned 1-12 (standard: datas seneste)")
    ] = None,
    intervention: Annotated[
        str | None, typer.Option("--intervention", help="Kun denne indsatskode")
    ] = None,
    cases: Annotated[
        bool, typer.Option("--cases", help="Sagerne bag afvigelsen (kræver --intervention)")
    ] = False,
    basis: Annotated[
        str, typer.Option("--basis", help="gross (brutto, standard) eller net (netto af staten)")
    ] = "gross",
    fmt: Annotated[str, typer.Option("--format", help="json (standard), csv eller xlsx")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Fil (xlsx kræver en fil)")] = None,
    user: UserOption = None,
    purpose: PurposeOption = "statistical",
) -> None:
    """Afvigelser fra budgetforudsætningerne måned for måned: helårspersoner og
    gennemsnitspris til dato og fremskrevet, afvigelsen delt i mængde og pris; med --cases de
    sager, der forklarer en indsatstypes afvigelse (sagsbehandling, grundlag pr. borger,
    logget)."""
    from tvaers.budget.assumptions import parse_basis
    from tvaers.followup.deviations import parse_month

    chosen = checked_format(fmt, out)
    try:
        wanted, month_ = parse_basis(basis), parse_month(month)
    except TvaersError as exc:
        die(exc)
    if cases:
        if intervention is None:
            fail("--cases kræver --intervention KODE.", "Angiv den indsatstype, hvis sager ses.")
        _cases(year, month_, wanted, intervention, chosen, out, user, purpose)
        return
    _types(year, month_, wanted, intervention, chosen, out, user)


def _types(
    year: int, month: int | None, basis: Any, intervention: str | None, chosen: str,
    out: Path | None, user: str | None,
) -> None:  # fmt: skip
    from tvaers.core.cpr import redact
    from tvaers.followup import deviation_tables as tables
    from tvaers.followup import deviations as service

    settings = _settings()
    try:
        found = service.published(settings, lambda: store(settings), year, month, basis,
                                  f"tvaers deviations --year {year}", user)  # fmt: skip
    except TvaersError as exc:
        die(exc)
    rows = [r for r in found.rows if intervention is None or r.intervention == intervention]
    if intervention is not None and not rows:
        fail(
            f"Indsatsen «{redact(intervention[:40])}» har hverken budgetforudsætning eller data "
            f"i {year}."
        )
    if chosen == "json":
        write_json({
            **_header(found), "first_day": found.window.first_day,
            "last_day": found.window.last_day, "rows": [_json_row(r, ROW_KEYS) for r in rows],
            **({} if intervention else {"total": _json_row(found.total, ROW_KEYS)}),
        })  # fmt: skip
        return
    table = tables.deviation_table(found)
    if intervention is not None:
        table.rows = [r for r in table.rows if r["intervention"] == intervention]
    _emit([table], chosen, out)


def _cases(
    year: int, month: int | None, basis: Any, intervention: str, chosen: str, out: Path | None,
    user: str | None, purpose: str,
) -> None:  # fmt: skip
    from tvaers.followup import deviation_cases as service
    from tvaers.followup import deviation_tables as tables

    settings = _settings()
    with acting(settings, user, purpose) as (session, actor):
        found = service.cases_on_home(settings, session, actor, year, month, basis, intervention)
    if chosen == "json":
        write_json({
            **_header(found), "intervention": intervention,
            "row": _json_row(found.row, ROW_KEYS),
            "cases": [_json_row(c, CASE_KEYS) for c in found.cases],
            "without_basis": found.without_basis,
        })  # fmt: skip
        return
    _emit([tables.case_table(found)], chosen, out)
