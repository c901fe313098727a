"""Focus point 2, the statistical view of a target group: the rule in readable Danish, the
group's size and cost, cost per sector area, composition, the funnel, what each criterion means
(«uden dette kriterium») and a «Hvad nu hvis?» variant compared with the stored rule.

Aggregates only, as :func:`tvaers.selection.statistics.summary` and
:func:`~tvaers.selection.comparison.compare` publish them (cells of 1-4 hidden, and every figure
whose units differ by 1-4 from a set published before). No identity is
ever shown here, and nothing here leads to a candidate list (DOMAIN.md §3.7): candidates are
drawn afresh under the casework purpose, per solution (:mod:`.selection_casework`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tvaers.access import Actor
from tvaers.core.errors import ConfigError, NoData
from tvaers.core.periods import danish_date
from tvaers.core.publication import Chart, Column, DataTable, display
from tvaers.core.units import TOTAL_AREA, Unit
from tvaers.draw import service as draw_service
from tvaers.selection import comparison, published, rule_store, statistics
from tvaers.selection.charts import area_chart
from tvaers.selection.evaluation import evaluate
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rules import (
    MEASURE_LABELS,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    NotOf,
    RuleSet,
)
from tvaers.selection.sentences import plain_warnings
from tvaers.store.models import TargetGroupRule
from tvaers.web import progress
from tvaers.web.deps import DbSession, Viewer, render, settings_of
from tvaers.web.pages.selection import RULE_EDITORS, known_rule, stored
from tvaers.web.pages.selection_tables import (
    condition_rows,
    leaf_text,
    leaf_texts,
    reference_date,
)
from tvaers.web.tables import (
    AREA,
    NOTE,
    excel_download,
    wants_excel,
)
from tvaers.web.texts import T

router = APIRouter(prefix="/maalgrupper")
S = T.selection
# The funnel's steps in the words of the page (the service's labels name the YAML parts).
FUNNEL = {
    "include": "Opfylder betingelserne",
    "exclude": "Tilbage efter undtagelserne",
    "score": "Tilbage efter mindste score",
}
# The overlap of rule and variant: the service's cell names as row and column labels.
OVERLAP = {
    "i grundregel": "I grundreglen",
    "ikke i grundregel": "Ikke i grundreglen",
    "i variant": "I varianten",
    "ikke i variant": "Ikke i varianten",
}


def _label(value: Any) -> Any:
    return "I alt" if value in (TOTAL_AREA, "I alt") else value


# --- the rule in Danish -----------------------------------------------------------------------


def rule_tree(node: Condition | None, names: dict[str, str] | None = None) -> dict[str, Any] | None:
    """A condition tree as the template shows it: nested lists of Danish sentences (with the
    sector areas' names from ``names``, code -> name)."""
    if node is None:
        return None
    if isinstance(node, AllOf | AnyOf):
        kind = "all" if isinstance(node, AllOf) else "any"
        items = [rule_tree(i, names) for i in node.items]
        return {"kind": kind, "path": node.path, "items": items}
    if isinstance(node, NotOf):
        return {"kind": "not", "path": node.path, "items": [rule_tree(node.item, names)]}
    assert isinstance(node, Leaf)
    return {"kind": "leaf", "path": node.path, "text": leaf_text(node, names or {}), "items": []}


def rule_facts(rule: RuleSet, names: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "include": rule_tree(rule.include, names),
        "exclude": rule_tree(rule.exclude, names),
        "weights": [(MEASURE_LABELS[m], w) for m, w in rule.score.weights.items()],
        "score_min": rule.score.min,
    }


def _number(value: Any) -> str:
    return display(value, "decimal") if value is not None else "ingen"


def variant_changes(
    base: RuleSet, variant: RuleSet, names: dict[str, str] | None = None
) -> list[str]:
    """What the variant changes, in Danish, so the comparison says what it compares."""
    changes: list[str] = []
    if variant.unit is not base.unit:
        now, before = S["units"][variant.unit.value], S["units"][base.unit.value]
        changes.append(f"Enhed: {now} (grundreglen: {before})")
    if variant.lookback_months != base.lookback_months:
        changes.append(
            f"Ser tilbage {variant.lookback_months} måneder "
            f"(grundreglen: {base.lookback_months} måneder)"
        )
    for part, title in (("include", "Betingelse"), ("exclude", "Undtagelse")):
        before = _descriptions(getattr(base, part), names or {})
        after = _descriptions(getattr(variant, part), names or {})
        changes += [f"{title} i varianten: {T.sentence(d)}" for d in after if d not in before]
        changes += [f"{title} kun i grundreglen: {T.sentence(d)}" for d in before if d not in after]
    for measure in dict.fromkeys([*base.score.weights, *variant.score.weights]):
        old, new = base.score.weights.get(measure), variant.score.weights.get(measure)
        if old != new:
            changes.append(
                f"Point pr. {MEASURE_LABELS[measure]}: {_number(new)} (grundreglen: {_number(old)})"
            )
    if variant.score.min != base.score.min:
        changes.append(
            f"Mindste score: {_number(variant.score.min)} (grundreglen: {_number(base.score.min)})"
        )
    return changes


def _descriptions(node: Condition | None, names: dict[str, str]) -> list[str]:
    return [leaf_text(leaf, names) for leaf in node.leaves()] if node is not None else []


# --- the figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    as_of: date
    first: date
    last: date
    period: str
    population: int
    tables: dict[str, DataTable] = field(default_factory=dict)
    chart: Chart | None = None
    warnings: tuple[str, ...] = ()


def _noun(rule: RuleSet) -> str:
    return str(S["units"][rule.unit.value])


def summary_tables(
    summary: statistics.Summary, rule: RuleSet, names: dict[str, str] | None = None
) -> dict[str, DataTable]:
    """Every table of the statistical view, from the service's suppressed summary (``names``:
    the sector areas' Danish names for the conditions that name one)."""
    texts = leaf_texts(rule, names or {})
    noun, day = _noun(rule), danish_date(summary.as_of)
    window = T.period(summary.window)
    families = rule.unit is Unit.FAMILY  # for citizens, units and citizens are the same count
    stem = f"maalgruppe-{rule.key}-{summary.as_of.isoformat()}"
    tables = _size_tables(summary, noun, day, window, stem, families)
    tables.update(_composition_tables(summary, noun, stem))
    tables.update(_step_tables(summary, texts, noun, stem, families))
    return tables


def _size_tables(
    summary: statistics.Summary, noun: str, day: str, window: str, stem: str, families: bool
) -> dict[str, DataTable]:
    """The target group's size and its resource draw per sector area."""
    tables: dict[str, DataTable] = {}
    tables["size"] = DataTable(
        title=f"{S['size']} pr. {day}",
        columns=[
            Column("population", f"{noun} i kommunen", "int"),
            Column("units", f"{noun} i målgruppen", "int"),
            *([Column("citizens", "Borgere i målgruppen", "int")] if families else []),
            Column("cost", f"Ressourcetræk {window}", "money"),
            NOTE,
        ],
        rows=[
            {
                "population": summary.population,
                "units": summary.units,
                "citizens": summary.citizens,
                "cost": summary.cost,
                "note": summary.note,
            }
        ],
        filename=f"{stem}-stoerrelse",
        notes=[T.suppressed_note],
    )
    tables["by_area"] = DataTable(
        title=f"{S['by_area']} {window}",
        columns=[
            AREA,
            Column("units", f"{noun} med udgift i området", "int"),
            Column("cost", "Ressourcetræk", "money"),
            NOTE,
        ],
        rows=summary.cost_by_area,
        filename=f"{stem}-sektoromraader",
        notes=[
            "En borger eller familie med udgift i flere områder tælles i hvert område; "
            "totalen er målgruppen.",
            T.suppressed_note,
        ],
    )
    return tables


COMPOSITION_FILES = {"by_areas": "antal-omraader", "by_age": "alder", "by_benefit": "ydelse",
                     "by_score": "kompleksitetsscore"}  # fmt: skip


def _composition_tables(summary: statistics.Summary, noun: str, stem: str) -> dict[str, DataTable]:
    """The composition by number of areas, age, benefit on the reference date and score."""
    tables: dict[str, DataTable] = {}
    composition = [
        ("by_areas", "Efter antal sektorområder", "areas", "Antal sektorområder", "units"),
        ("by_age", "Borgere efter alder", "age", "Alder", "citizens"),
        ("by_benefit", "Efter ydelse på skæringsdatoen", "benefit", "Ydelse", "units"),
        ("by_score", "Efter kompleksitetsscore", "score", "Score (fra og med – til)", "units"),
    ]
    for key, title, group, group_label, count in composition:
        rows = [dict(r, **{group: T.sentence(_label(r[group]))}) for r in getattr(summary, key)]
        columns = [
            Column(group, group_label),
            Column(count, "Borgere" if count == "citizens" else noun, "int"),
        ]
        if key == "by_areas":
            columns.append(Column("cost", "Ressourcetræk", "money"))
        tables[key] = DataTable(
            title=f"{S['composition']}: {title.lower()}",
            columns=[*columns, NOTE],
            rows=rows,
            filename=f"{stem}-{COMPOSITION_FILES[key]}",
            notes=[T.suppressed_note],
        )
    return tables


def _step_tables(
    summary: statistics.Summary, texts: dict[str, str], noun: str, stem: str, families: bool
) -> dict[str, DataTable]:
    """The funnel through the rule's steps and what the group would be without each condition."""
    tables: dict[str, DataTable] = {}
    figure_columns = [
        Column("units", noun, "int"),
        *([Column("citizens", "Borgere", "int")] if families else []),
        Column("cost", "Ressourcetræk", "money"),
    ]
    tables["funnel"] = DataTable(
        title=S["funnel"],
        columns=[Column("label", "Trin"), *figure_columns, NOTE],
        rows=[dict(r, label=FUNNEL.get(r["step"], r["label"])) for r in summary.funnel],
        filename=f"{stem}-tragt",
        notes=[
            "Et tal er også skjult, når det afviger med 1-4 fra et andet vist tal, så en lille "
            "gruppe ikke kan regnes ud som forskellen.",
        ],
    )
    tables["what_if"] = DataTable(
        title=S["what_if"],
        columns=[
            Column("label", "Uden dette kriterium"),
            Column("part", "Del"),
            *figure_columns,
            Column("difference", f"Forskel i {noun.lower()}", "int"),
            NOTE,
        ],
        rows=condition_rows(summary.what_if, texts),
        filename=f"{stem}-hvad-hvis",
        notes=[S["what_if_hint"]],
    )
    return tables


def comparison_tables(compared: comparison.Comparison, rule: RuleSet) -> dict[str, DataTable]:
    noun = _noun(rule)
    stem = f"maalgruppe-{rule.key}-variant-{compared.as_of.isoformat()}"
    rows = [
        {"which": "Grundregel", **compared.base},
        {"which": "Variant", **compared.variant},
        {"which": "Forskel (variant − grundregel)", "label": None, **compared.difference},
    ]
    pivot: dict[str, dict[str, Any]] = {}
    for cell in compared.overlap:
        base = OVERLAP.get(cell["base"], _label(cell["base"]))
        row = pivot.setdefault(base, {"base": base})
        row[_label(cell["variant"])] = cell["units"]
    return {
        "compare": DataTable(
            title=f"{S['compare']} pr. {danish_date(compared.as_of)}",
            columns=[
                Column("which", "Regel"),
                Column("label", S["label"]),
                Column("units", noun, "int"),
                *([Column("citizens", "Borgere", "int")] if rule.unit is Unit.FAMILY else []),
                Column("cost", "Ressourcetræk", "money"),
                NOTE,
            ],
            rows=rows,
            filename=f"{stem}-sammenligning",
            notes=[T.suppressed_note],
        ),
        "overlap": DataTable(
            title=f"Overlap mellem grundregel og variant ({noun.lower()})",
            columns=[
                Column("base", "Grundregel"),
                Column("i variant", OVERLAP["i variant"], "int"),
                Column("ikke i variant", OVERLAP["ikke i variant"], "int"),
                Column("I alt", "I alt", "int"),
            ],
            rows=list(pivot.values()),
            filename=f"{stem}-overlap",
            notes=[T.suppressed_note],
        ),
    }


def _figures(
    summary: statistics.Summary, rule: RuleSet, span: tuple[date, date], names: dict[str, str]
) -> Figures:
    first, last = span
    chart = area_chart(summary)
    tables = summary_tables(summary, rule, names)
    tables["by_area"].chart = chart
    return Figures(
        as_of=summary.as_of,
        first=first,
        last=last,
        period=T.period(summary.window),
        population=summary.population,
        tables=tables,
        chart=chart,
        warnings=plain_warnings(summary.warnings, rule, names),
    )


def _published(request: Request, who: Actor, rule: RuleSet, as_of: date) -> Callable[[], Any]:
    """The group's published summary, as background work (its own analysis session)."""
    settings, sessions = settings_of(request), request.app.state.sessions

    def work() -> statistics.Summary:
        with draw_service.opened(settings) as analysis:
            return published.group_summary(settings, analysis, rule, as_of, sessions, who.username)

    return work


def _variant(
    request: Request, who: Actor, analysis: Any, rules: tuple[RuleSet, RuleSet], as_of: date
) -> tuple[statistics.Summary, dict[str, DataTable], list[str]]:
    """The rule's summary and its comparison with the variant (computed now: a variant is one
    user's question, not shared figures)."""
    rule, variant = rules
    evaluation = evaluate(analysis, rule, as_of)
    other = evaluate(analysis, variant, as_of)
    sessions = request.app.state.sessions
    summary = statistics.published_summary(evaluation, sessions, who.username)
    found = comparison.published_comparison(evaluation, other, sessions, who.username)
    warned = plain_warnings(other.warnings, variant, analysis.area_names)
    return summary, comparison_tables(found, rule), list(warned)


def _page(
    request: Request,
    who: Actor,
    session: Session,
    key: str,
    wanted: str | None,
    variant_text: str | None = None,
) -> Response:
    """The statistical view; with ``variant_text`` also the variant compared with the rule."""
    rule, row = stored(session, key)
    settings = settings_of(request)
    figures: Figures | None = None
    date_error = variant_error = None
    compared: dict[str, DataTable] | None = None
    changes: list[str] = []
    variant_warnings: list[str] = []
    names: dict[str, str] = {}
    try:
        with draw_service.opened(settings) as analysis:
            as_of, first, last, date_error = reference_date(analysis, wanted)
            names = analysis.area_names
            summary: statistics.Summary | None = None
            if variant_text is not None:
                try:
                    variant = parse_rule_set(variant_text, "variant")
                    summary, compared, variant_warnings = _variant(
                        request, who, analysis, (rule, variant), as_of
                    )
                    changes = variant_changes(rule, variant, names)
                except ConfigError as exc:
                    variant_error = str(exc)
            if summary is None:
                title = f"{S['statistics_of']} {rule.label}"
                found = progress.computed(
                    request, who, ("maalgruppe", key, row.version, as_of), title,
                    _published(request, who, rule, as_of),
                    published.cached_summary(settings, analysis, rule, as_of),
                )  # fmt: skip
                if isinstance(found, Response):
                    return found
                summary = found
            figures = _figures(summary, rule, (first, last), names)
    except NoData:
        figures = None
    if wants_excel(request) and not (date_error or variant_error):
        # An Excel request with a wrong date or YAML gets the page with the error (and the
        # user's text), not a file for another date or a bare 404.
        source = compared if variant_text is not None else (figures.tables if figures else None)
        first_table = "compare" if variant_text is not None else "size"
        # the page's workbook is named by the stem its tables share (not «…-stoerrelse»)
        stem = source[first_table].filename.rsplit("-", 1)[0] if source else ""
        return excel_download(request, source or {}, first_table, stem)
    text = variant_text if variant_text is not None else rule_store.export_rule(session, key)
    return render(
        request,
        "selection/view.html",
        who,
        status_code=422 if (variant_error or date_error) else 200,
        rule=rule,
        stored_rule=_stored_rule(session, key),
        version=row,
        facts=rule_facts(rule, names),
        figures=figures,
        date_error=date_error,
        wanted=wanted or "",
        variant_text=text,
        variant_error=variant_error,
        compared=compared,
        changes=changes,
        variant_warnings=variant_warnings,
        can_edit=who.role in RULE_EDITORS,
    )


def _stored_rule(session: Session, key: str) -> TargetGroupRule:
    return known_rule(session, key)


@router.get("/{key}", response_class=HTMLResponse)
def view(
    request: Request, key: str, who: Viewer, session: DbSession, dato: str | None = None
) -> Response:
    return _page(request, who, session, key, dato)


@router.post("/{key}/hvad-nu-hvis", response_class=HTMLResponse)
async def what_if(request: Request, key: str, who: Viewer, session: DbSession) -> Response:
    form = await request.form()
    text = str(form.get("yaml") or "").replace("\r\n", "\n")
    wanted = str(form.get("dato") or "") or None
    # two rule sets evaluated over every citizen: off the event loop, which serves everybody
    return await run_in_threadpool(_page, request, who, session, key, wanted, text)
