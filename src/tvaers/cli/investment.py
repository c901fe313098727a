"""The investment case from the command line (``tvaers invest``), thin over
:mod:`tvaers.budget.investment`.

``invest run`` and ``invest preset`` are pure rules and need no user; ``invest save`` acts as a
real user (``--user``) of ``INVESTMENT_EDITORS`` and is audited; ``invest list`` and
``invest show`` read the stored cases (no person data). The JSON has a fixed form, for
scripts; amounts are JSON numbers exact to the øre.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tvaers.budget.model import BASIS_LABELS
from tvaers.cli import _settings, app, console
from tvaers.cli.acting import UserOption, acting
from tvaers.cli.principles import TextFormatOption, _read_text, die, text_or_json, write_json
from tvaers.cli.select import _solution_id, _store
from tvaers.core.errors import TvaersError
from tvaers.core.money import format_dkk

if TYPE_CHECKING:
    from tvaers.budget.investment import BasisResult, Case, Evaluation

invest_app = typer.Typer(
    help="Investeringscasen: udgifter nu, gevinster senere og andre steder.", no_args_is_help=True
)
app.add_typer(invest_app, name="invest")
FileArgument = Annotated[Path, typer.Argument(help="Investeringscasen som YAML")]
BASIS_TEXT = {b.value: label for b, label in BASIS_LABELS.items()}


def _case_from(file: Path) -> Case:
    from tvaers.budget.investment_input import parse_case_text

    try:
        return parse_case_text(_read_text(file, "Investeringscasen"), f"Filen {file.name}")
    except TvaersError as exc:
        die(exc)


def rate_value(rate: Fraction) -> Any:
    """A rate as a JSON number when it has a finite decimal form, else ``"p/q"``."""
    from decimal import Decimal

    value = Decimal(rate.numerator) / Decimal(rate.denominator)
    return value if Fraction(value) == rate else f"{rate.numerator}/{rate.denominator}"


def _rounded(rate: Fraction, places: int) -> Any:
    from decimal import Decimal

    return Decimal(round(rate * 10**places)).scaleb(-places)


def basis_json(case: Case, result: BasisResult) -> dict[str, Any]:
    from tvaers.budget.investment import (
        break_even_text,
        payback_text,
        return_text,
    )

    found = result.outcome
    ratio = found.return_ratio
    even = result.break_even
    return {
        "rows": [
            {"sector_area": c.sector_area, "year": c.year, "cost": c.cost, "gain": c.gain,
             "net": c.net, "discounted_cost": c.discounted_cost,
             "discounted_gain": c.discounted_gain, "discounted_net": c.discounted_net,
             "source": c.source or None}
            for c in found.cells
        ],
        "areas": [
            {"sector_area": a.key, "cost": a.cost, "gain": a.gain, "net": a.net,
             "discounted_net": a.discounted_net}
            for a in found.areas
        ],
        "years": [
            {"year": y.key, "cost": y.cost, "gain": y.gain, "net": y.net,
             "discounted_net": y.discounted_net}
            for y in found.years
        ],
        "cumulative": [
            {"year": y.key, "nominal": y.cumulative, "discounted": y.discounted_cumulative}
            for y in found.years
        ],
        "payback_year": found.payback_year,
        "npv": found.npv,
        "pv_costs": found.pv_costs,
        "pv_gains": found.pv_gains,
        "return": {
            "npv": found.npv,
            "ratio": None if ratio is None else _rounded(ratio, 6),
            "ratio_fraction": None if ratio is None else f"{ratio.numerator}/{ratio.denominator}",
        },
        "sensitivity": [
            {"success_rate": rate_value(p.success_rate), "npv": p.npv,
             "payback_year": p.payback_year}
            for p in result.sensitivity
        ],
        "break_even": None if even is None else {
            "fraction": f"{even.numerator}/{even.denominator}",
            "percent": _rounded(even * 100, 4),
        },
        "text": {"payback": payback_text(case, found), "return": return_text(found),
                 "break_even": break_even_text(result)},
    }  # fmt: skip


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    case = evaluation.case
    return {
        "name": case.name,
        "years": case.years,
        "first_year": case.first_year,
        "discount_rate": rate_value(case.discount_rate),
        "success_rate": rate_value(case.success_rate),
        "citizens": case.citizens,
        "gross": basis_json(case, evaluation.gross),
        "net": basis_json(case, evaluation.net),
    }


def _print(evaluation: Evaluation) -> None:
    from rich.table import Table

    from tvaers.budget.investment import BASES, break_even_text, payback_text, return_text

    case = evaluation.case
    console.print(f"[bold]{case.name}[/bold]")
    for basis in BASES:
        result = evaluation.basis(basis)
        found = result.outcome
        table = Table(title=f"{BASIS_TEXT[basis]}: hvem betaler, hvem får gevinsten")
        for heading in ("Sektorområde", "År", "Udgift", "Gevinst", "Netto", "Nutidsværdi"):
            table.add_column(heading, justify="left" if heading == "Sektorområde" else "right")
        for c in found.cells:
            table.add_row(c.sector_area, case.year_label(c.year), format_dkk(c.cost),
                          format_dkk(c.gain), format_dkk(c.net),
                          format_dkk(c.discounted_net))  # fmt: skip
        console.print(table)
        for y in found.years:
            console.print(
                f"{case.year_label(int(y.key))}: netto "
                f"{format_dkk(y.net)}, akkumuleret {format_dkk(y.cumulative)}, "
                f"tilbagediskonteret akkumuleret {format_dkk(y.discounted_cumulative)}"
            )
        console.print(payback_text(case, found))
        console.print(return_text(found))
        console.print(break_even_text(result))


@invest_app.command("run")
def invest_run(file: FileArgument, fmt: TextFormatOption = "text") -> None:
    """Beregn en investeringscase fra en YAML-fil: pr. sektorområde og år, akkumuleret,
    tilbagebetalingsår, afkast og følsomhed for succesraten, brutto og netto af staten. En ren
    regel: kræver ingen bruger."""
    from tvaers.budget.investment import evaluate

    chosen = text_or_json(fmt)
    evaluation = evaluate(_case_from(file))
    if chosen == "json":
        write_json(evaluation_json(evaluation))
        return
    _print(evaluation)


@invest_app.command("preset")
def invest_preset() -> None:
    """Vis Tværs' eksempel på en investeringscase (YAML) at tage udgangspunkt i."""
    from importlib import resources

    sys.stdout.write(
        resources.files("tvaers.budget")
        .joinpath("presets/investeringscase.yaml")
        .read_text("utf-8")
    )


@invest_app.command("save")
def invest_save(
    file: FileArgument,
    solution: Annotated[
        str | None, typer.Option("--solution", help="Løsningen casen gælder (nummer eller navn)")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Hvad er ændret")] = "",
    user: UserOption = None,
) -> None:
    """Gem investeringscasen som ny version af casen med samme navn (uændret gemmer intet).
    Kræver økonomikonsulent, leder af tværgående løsning eller analytiker; logges."""
    from tvaers.budget import investment_service as service

    case = _case_from(file)
    with acting(_settings(), user) as (session, actor):
        solution_id = _solution_id(session, solution) if solution else None
        record, saved = service.save_case(session, actor, case, solution_id, note)
        number, version = record.id, record.version
    if saved:
        console.print(
            f"Investeringscasen «{case.name}» er gemt som nr. {number}, version {version}."
        )
    else:
        console.print(f"Investeringscasen «{case.name}» er uændret; intet gemt (nr. {number}, "
                      f"version {version}).")  # fmt: skip


@invest_app.command("list")
def invest_list(fmt: TextFormatOption = "text") -> None:
    """De gemte investeringscaser (nyeste version af hver) med nutidsværdi og
    tilbagebetalingsår, brutto og netto af staten."""
    from tvaers.budget import investment_service as service
    from tvaers.budget.investment import evaluate

    chosen = text_or_json(fmt)
    rows: list[dict[str, Any]] = []
    with _store(_settings()) as session:
        for record in service.cases(session):  # the municipality's handful of cases
            found = evaluate(service.case_of(record))
            rows.append({
                "id": record.id, "name": record.name, "version": record.version,
                "solution_id": record.solution_id, "years": found.case.years,
                "npv_gross": found.gross.outcome.npv, "npv_net": found.net.outcome.npv,
                "payback_year_gross": found.gross.outcome.payback_year,
                "payback_year_net": found.net.outcome.payback_year,
                "changed_by": record.changed_by, "changed_at": record.changed_at.isoformat(),
            })  # fmt: skip
    if chosen == "json":
        write_json(rows)
        return
    if not rows:
        console.print("Der er ingen gemte investeringscaser endnu (tvaers invest save FIL).")
    for r in rows:
        console.print(
            f"nr. {r['id']} «{r['name']}» version {r['version']}: nutidsværdi brutto "
            f"{format_dkk(r['npv_gross'])}, netto {format_dkk(r['npv_net'])}"
        )


@invest_app.command("show")
def invest_show(
    case_id: Annotated[int, typer.Argument(help="Casens nummer (tvaers invest list)")],
    fmt: TextFormatOption = "text",
    as_yaml: Annotated[bool, typer.Option("--yaml", help="Skriv casen som YAML")] = False,
) -> None:
    """Vis en gemt investeringscase beregnet (eller som YAML med --yaml)."""
    from tvaers.budget import investment_service as service
    from tvaers.budget.investment import evaluate
    from tvaers.budget.investment_input import case_yaml

    chosen = text_or_json(fmt)
    with _store(_settings()) as session:
        try:
            record = service.get_case(session, case_id)
            case = service.case_of(record)
        except TvaersError as exc:
            die(exc)
        facts = {
            "id": record.id,
            "version": record.version,
            "solution_id": record.solution_id,
            "changed_by": record.changed_by,
            "changed_at": record.changed_at.isoformat(),
        }
    if as_yaml:
        sys.stdout.write(case_yaml(case))
        return
    evaluation = evaluate(case)
    if chosen == "json":
        write_json({**facts, **evaluation_json(evaluation)})
        return
    console.print(f"nr. {facts['id']}, version {facts['version']} ({facts['changed_by']})")
    _print(evaluation)
