"""The investment case's tables and charts (the publication model): one declaration each, shown
on the page and written as one Excel workbook with native charts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tvaers.budget.investment import BASES, Cell, Evaluation, MeasuredGain, Total, percent_text
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.principles import catalogue
from tvaers.principles.model import SOLUTION_BUDGET, SOLUTION_BUDGET_NAME
from tvaers.web.deps import settings_of
from tvaers.web.texts import T

I = T.investment  # noqa: E741
C = I["columns"]
BASIS = I["basis"]


def area_names(request: Request) -> dict[str, str]:
    """The sector areas' Danish names from the loaded data, and the solution's own budget."""
    names = dict(catalogue.loaded(settings_of(request)).area_names)
    return {SOLUTION_BUDGET: SOLUTION_BUDGET_NAME, **names}


def measured_for(
    request: Request, session: Session, solution_id: int | None, user: str
) -> dict[str, MeasuredGain]:
    """The measured effects of the case's solution (none without a solution)."""
    from tvaers.budget import investment_service as service

    return service.measured_for(session, settings_of(request), solution_id, user)


def _money(*keys: str) -> list[Column]:
    return [Column(k, C[k], "money") for k in keys]


CELL_COLUMNS = [
    Column("area", C["sector_area"]), Column("year", C["year"]), Column("source", C["source"]),
    *_money("cost", "gain", "net", "discounted_net", "cost_net", "gain_net", "net_net",
            "discounted_net_net"),
]  # fmt: skip
AREA_COLUMNS = [
    Column("area", C["sector_area"]), Column("role", C["role"]),
    *_money("cost", "gain", "net", "discounted_net", "cost_net", "gain_net", "net_net",
            "discounted_net_net"),
]  # fmt: skip
YEAR_COLUMNS = [
    Column("year", C["year"]),
    *_money("net", "discounted_net", "cumulative", "discounted_cumulative", "net_net",
            "discounted_net_net", "cumulative_net", "discounted_cumulative_net"),
]  # fmt: skip
SENSITIVITY_COLUMNS = [
    Column("success_rate", C["success_rate"]), *_money("npv"), Column("payback", C["payback"]),
    *_money("npv_net"), Column("payback_net", C["payback_net"]),
]  # fmt: skip
MEASURED_COLUMNS = [
    Column("area", C["sector_area"]), *_money("per_citizen", "low", "high"),
    Column("citizens", C["citizens"], "int"), *_money("measured_gain"),
]  # fmt: skip


@dataclass
class CaseTables:
    tables: dict[str, DataTable]
    cumulative: Chart
    sensitivity: Chart


def _pair(gross: Cell | Total, net: Cell | Total) -> dict[str, Any]:
    return {
        "cost": gross.cost, "gain": gross.gain, "net": gross.net,
        "discounted_net": gross.discounted_net, "cost_net": net.cost, "gain_net": net.gain,
        "net_net": net.net, "discounted_net_net": net.discounted_net,
    }  # fmt: skip


def _role(total: Total) -> str:
    if total.cost and total.gain:
        return str(I["roles"]["both"])
    return str(I["roles"]["gains" if total.gain else "pays"])


def _payback(found: Evaluation, year: int | None) -> str:
    return found.case.year_label(year) if year else str(I["no_payback"])


def _cumulative_chart(found: Evaluation, rows: list[dict[str, Any]]) -> Chart:
    points = [
        {"series": f"{BASIS[b]}, {I[kind]}", "year": r["year"],
         "value": float(r[f"{'discounted_' if kind == 'discounted' else ''}cumulative{suffix}"])}
        for b, suffix in (("gross", ""), ("net", "_net"))
        for kind in ("nominal", "discounted")
        for r in rows
    ]  # fmt: skip
    return Chart("ordered", I["cumulative_chart"], points, "year", "value", I["chart_year"],
                 I["chart_value"], series="series", series_title=I["series"])  # fmt: skip


def case_tables(
    found: Evaluation, measured: Mapping[str, MeasuredGain], names: Mapping[str, str]
) -> CaseTables:
    """Every table of a case, with the cumulative and the sensitivity charts."""
    case = found.case
    gross, net = found.gross.outcome, found.net.outcome
    label = case.year_label
    cells = [
        {"area": names.get(g.sector_area, g.sector_area), "year": label(g.year),
         "source": I.get(g.source, "") if g.source else "", **_pair(g, n)}
        for g, n in zip(gross.cells, net.cells, strict=True)
    ]  # fmt: skip
    areas = [
        {"area": names.get(str(g.key), str(g.key)), "role": _role(g), **_pair(g, n)}
        for g, n in zip(gross.areas, net.areas, strict=True)
    ]
    areas.append({"area": "I alt", "role": "", **_pair(gross.total, net.total)})
    years = [
        {"year": label(int(g.key)), "net": g.net, "discounted_net": g.discounted_net,
         "cumulative": g.cumulative, "discounted_cumulative": g.discounted_cumulative,
         "net_net": n.net, "discounted_net_net": n.discounted_net, "cumulative_net": n.cumulative,
         "discounted_cumulative_net": n.discounted_cumulative}
        for g, n in zip(gross.years, net.years, strict=True)
    ]  # fmt: skip
    points = [
        {"success_rate": percent_text(g.success_rate, 0), "npv": g.npv,
         "payback": _payback(found, g.payback_year), "npv_net": n.npv,
         "payback_net": _payback(found, n.payback_year)}
        for g, n in zip(found.gross.sensitivity, found.net.sensitivity, strict=True)
    ]  # fmt: skip
    sensitivity = Chart(
        "ordered", I["sensitivity_chart"],
        [{"series": BASIS[b], "rate": percent_text(p.success_rate, 0), "value": float(p.npv)}
         for b in BASES for p in found.basis(b).sensitivity],
        "rate", "value", I["chart_rate"], I["chart_value"], series="series",
        series_title=I["series"],
    )  # fmt: skip
    cumulative = _cumulative_chart(found, years)
    notes = [I["rounding_note"], I["sources_note"]]
    tables = {
        "cells": DataTable(I["cells_title"], CELL_COLUMNS, cells, "investering-pr-aar", notes,
                           name="omraade-aar"),
        "areas": DataTable(I["areas_title"], AREA_COLUMNS, areas, "investering-pr-omraade",
                           name="omraader"),
        "years": DataTable(I["years_title"], YEAR_COLUMNS, years, "investering-akkumuleret",
                           chart=cumulative, name="aar"),
        "sensitivity": DataTable(I["sensitivity_title"], SENSITIVITY_COLUMNS, points,
                                 "investering-foelsomhed", chart=sensitivity, name="foelsomhed"),
    }  # fmt: skip
    if measured:
        tables["measured"] = _measured_table(found, measured, names)
    return CaseTables(tables, cumulative, sensitivity)


def _measured_table(
    found: Evaluation, measured: Mapping[str, MeasuredGain], names: Mapping[str, str]
) -> DataTable:
    people = found.case.citizens or 0
    rows = [
        {"area": names.get(area, area), "per_citizen": m.change_per_citizen, "low": m.low,
         "high": m.high, "citizens": people,
         "measured_gain": -m.change_per_citizen * people}
        for area, m in measured.items()
    ]  # fmt: skip
    return DataTable(I["measured_table"], MEASURED_COLUMNS, rows, "investering-maalt",
                     [I["measured_lead"]], name="maalt")  # fmt: skip


def rate_shown(rate: Fraction) -> str:
    """A rate as the page shows it: ``4 %``, ``4,5 %``, or to two decimals."""
    exact = rate * 100
    return percent_text(rate, 0 if exact.denominator == 1 else 2)
