"""The result goals' and progression's tables and charts, declared once (the publication model):
the page, ``tvaers results`` (CSV, JSON, Excel) and the monthly report render them.

Furesø's figure II is :func:`goals_table`'s chart: per goal the citizens who reached it beside
the goal (a share as the citizens it takes). :func:`months_table`'s chart is the same month by
month, cumulative, with the goal as a dashed level; :func:`flows_table`'s chart shows where the
citizens at each level at the start ended (one bar per level at the end).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TABLE_NOTE, TOTAL
from tvaers.followup.results import STAIRCASE, STEPS, Results
from tvaers.followup.results_model import (
    DIRECTION_LABELS,
    PROGRESS_LABELS,
    STEP_LABELS,
    Direction,
    status_label,
)

REACHED, GOAL = "Nået", "Mål"
TOTAL_LABEL = "I alt"
KIND_LABELS = {STEPS: "Furesøs tre trin", STAIRCASE: "Indsatstrappen"}
NOTE = Column("note", "Bemærkning")
GOAL_NOTES = [
    "En borger tæller med fra sin første indskrivning (tidligst 1. januar) til sin sidste "
    "udskrivning (senest datas sidste måned i året); en borger, der når målet flere gange, "
    "tæller én gang, fra første gang.",
    "Et antal er skjult, når færre end 5 borgere nåede målet, eller færre end 5 ikke nåede det, "
    "eller når borgerne afviger med færre end 5 fra et tal, der er vist før.",
]
FLOW_NOTES = [
    "Trin og indsatstrappe ved starten og slutningen af hver borgers del af året. Furesøs trin: "
    "1 på ydelse, 2 i praktik, 3 i job eller uddannelse (nyeste udfald på dagen). "
    "Indsatstrappen: det højeste trin blandt borgerens indsatser den dag (0: ingen).",
    TABLE_NOTE,
]


def target_text(count: int | None, share: Decimal | None) -> str:
    if count is not None:
        return f"{count:,} borgere".replace(",", ".")
    text = f"{share:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def _fraction(share: Decimal | None) -> Decimal | None:
    return None if share is None else share / 100


def goals_table(found: Results, solution: str) -> DataTable:
    """One row per goal: the target, the citizens it takes, those who reached it, the share and
    whether it is reached; the chart is Furesø's figure II."""
    rows = [{
        "goal": g.goal, "name": g.name,
        "statuses": ", ".join(status_label(s) for s in g.statuses),
        "target": target_text(g.target_count, g.target_share), "needed": g.needed,
        "reached": g.reached, "share": _fraction(g.share),
        "attained": None if g.attained is None else ("Ja" if g.attained else "Nej"),
        "note": g.note or "",
    } for g in found.goals]  # fmt: skip
    table = DataTable(
        f"Resultatmål {found.year}: {solution}",
        [Column("name", "Mål"), Column("statuses", "Tæller som nået"),
         Column("target", "Målsætning"), Column("needed", "Borgere, det kræver", "int"),
         Column("reached", "Borgere, der har nået det", "int"),
         Column("share", "Andel af løsningens borgere", "share"),
         Column("attained", "Nået"), NOTE],
        rows, f"resultatmaal-{found.year}", list(GOAL_NOTES),
    )  # fmt: skip
    bars = []
    for g in found.goals:  # a handful
        if g.reached is not None:
            bars.append({"goal": g.name, "series": REACHED, "citizens": g.reached})
        if g.needed is not None:
            bars.append({"goal": g.name, "series": GOAL, "citizens": g.needed})
    if bars:
        table.chart = Chart("bar", f"Resultatmål {found.year}: nået og mål", bars, "goal",
                            "citizens", "Mål", "Borgere", series="series",
                            series_title="Nået eller mål")  # fmt: skip
    return table


def months_table(found: Results) -> DataTable:
    """Per goal and month the citizens who had reached it by the month's end."""
    names = {g.goal: g for g in found.goals}
    rows = [{
        "name": names[m.goal].name if m.goal in names else m.goal, "month": m.month,
        "reached": m.reached,
        "target": names[m.goal].needed if m.goal in names else None, "note": m.note or "",
    } for m in found.months]  # fmt: skip
    table = DataTable(
        f"Resultatmål måned for måned {found.year} (samlet fra årets start)",
        [Column("name", "Mål"), Column("month", "Måned", "month"),
         Column("reached", "Borgere, der har nået målet", "int"),
         Column("target", "Målet (borgere)", "int"), NOTE],
        rows, f"resultatmaal-{found.year}-maaneder", list(GOAL_NOTES),
    )  # fmt: skip
    points = [r for r in rows if r["reached"] is not None]
    if points:
        table.chart = Chart("lines", "Borgere, der har nået målet, samlet fra årets start",
                            points, "month", "reached", "Måned", "Borgere", series="name",
                            reference="target", series_title="Mål")  # fmt: skip
    return table


def _level(kind: str, value: str) -> str:
    if value == TOTAL:
        return TOTAL_LABEL
    return STEP_LABELS.get(int(value), value) if kind == STEPS else f"Trin {value}"


def flows_table(found: Results, kind: str) -> DataTable:
    """Citizens by level at the start × at the end (with totals); the chart: per level at the
    start, one bar per level at the end (hidden and empty cells left out)."""
    flows = [f for f in found.flows if f.kind == kind]
    rows = [{"start": _level(kind, f.start), "end": _level(kind, f.end), "citizens": f.citizens,
             "note": f.note or ""} for f in flows]  # fmt: skip
    table = DataTable(
        f"{KIND_LABELS[kind]} {found.year}: fra start til slut",
        [Column("start", "Ved start"), Column("end", "Ved slut"),
         Column("citizens", "Borgere", "int"), NOTE],
        rows, f"resultater-{found.year}-{kind}", list(FLOW_NOTES),
    )  # fmt: skip
    bars = [{"start": r["start"], "end": r["end"], "citizens": r["citizens"]} for r, f in
            zip(rows, flows, strict=True)
            if TOTAL not in (f.start, f.end) and f.citizens]  # fmt: skip
    if bars:
        table.chart = Chart("bar", f"{KIND_LABELS[kind]}: hvor borgerne endte", bars, "start",
                            "citizens", "Ved start", "Borgere", series="end",
                            series_title="Ved slut")  # fmt: skip
    return table


def movements_table(found: Results) -> DataTable:
    """Up, down and steady on the staircase and in Furesø's steps."""
    rows = []
    for m in found.movements:  # six rows
        labels = DIRECTION_LABELS if m.kind == STAIRCASE else PROGRESS_LABELS
        rows.append({"kind": KIND_LABELS[m.kind], "direction": labels[Direction(m.direction)],
                     "citizens": m.citizens, "note": m.note or ""})  # fmt: skip
    return DataTable(
        f"Bevægelse {found.year}",
        [Column("kind", "Opgjort på"), Column("direction", "Retning"),
         Column("citizens", "Borgere", "int"), NOTE],
        rows, f"resultater-{found.year}-bevaegelse", list(FLOW_NOTES),
    )  # fmt: skip


def tables(found: Results, solution: str) -> dict[str, DataTable]:
    """Every table of the results, in the page's order (one workbook, a sheet each); the goals
    and their months only when the year has goals (no sheet of months without a month)."""
    if not found.shown:
        return {}
    made = {"goals": goals_table(found, solution), "months": months_table(found)}
    return {
        **(made if found.goals else {}),
        "steps": flows_table(found, STEPS), "staircase": flows_table(found, STAIRCASE),
        "movements": movements_table(found),
    }  # fmt: skip


def citizens_table(rows: Sequence[dict[str, Any]], goals: Sequence[Any], year: int,
                   solution: str) -> DataTable:  # fmt: skip
    """The person-level list (casework): each citizen's period, steps, staircase and the day
    each goal was first reached."""
    out = []
    for r in rows:  # the solution's citizens, already computed
        out.append({
            "citizen": r["citizen"], "start": r["start"], "stop": r["stop"],
            "step_start": STEP_LABELS[r["step_start"]], "step_end": STEP_LABELS[r["step_end"]],
            "step_direction": PROGRESS_LABELS[Direction(r["step_direction"])],
            "level_start": r["level_start"], "level_end": r["level_end"],
            "level_direction": DIRECTION_LABELS[Direction(r["level_direction"])],
            **{f"goal_{g.goal}": r["reached"].get(g.goal) for g in goals},
        })  # fmt: skip
    columns = [
        Column("citizen", "Borger (pseudonym)"), Column("start", "Fra", "date"),
        Column("stop", "Til", "date"), Column("step_start", "Trin ved start"),
        Column("step_end", "Trin ved slut"), Column("step_direction", "Progression"),
        Column("level_start", "Indsatstrappe ved start", "int"),
        Column("level_end", "Indsatstrappe ved slut", "int"),
        Column("level_direction", "Bevægelse på trappen"),
        *[Column(f"goal_{g.goal}", f"Nået: {g.name}", "date") for g in goals],
    ]  # fmt: skip
    return DataTable(f"Borgernes resultater {year}: {solution}", columns, out,
                     f"resultater-{year}-borgere", [FLOW_NOTES[0]])  # fmt: skip
