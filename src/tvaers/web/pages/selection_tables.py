"""The person-level tables of the casework pages (:mod:`.selection_casework`): the candidate
list, the data behind one candidate, the decision history and the enrolment periods. One
definition for the page and its Excel download; only the casework pages call these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tvaers.core.periods import danish_date
from tvaers.core.publication import Column, DataTable, display
from tvaers.core.units import Unit
from tvaers.selection.candidates import CandidateDetail
from tvaers.selection.rules import MEASURE_LABELS, Leaf, Measure, RuleSet
from tvaers.selection.sentences import leaf_sentence
from tvaers.store.identities import Identity
from tvaers.store.models import Enrolment, SelectionDecision, Solution, TargetGroupRuleVersion
from tvaers.web.tables import AREA, REGISTERED
from tvaers.web.texts import T

if TYPE_CHECKING:
    from tvaers.draw.session import Analysis

S = T.selection
PARTS = {"include": "Betingelse", "exclude": "Undtagelse", "score": "Mindste score"}


def _measure_label(measure: Measure | str) -> str:
    return MEASURE_LABELS[Measure(measure)].capitalize()


def leaf_text(leaf: Leaf, names: Mapping[str, str]) -> str:
    """A condition in Danish with its sector area's name instead of its code and its
    interventions in words: «indsats i sektorområdet «Udsatte børn og unge» på skæringsdatoen»,
    not «… sektorområde children …» (:func:`tvaers.selection.sentences.leaf_sentence`)."""
    return leaf_sentence(leaf, names)


def leaf_texts(rule: RuleSet, names: Mapping[str, str]) -> dict[str, str]:
    """Path -> the condition in Danish (:func:`leaf_text`) for every condition of the rule."""
    return {leaf.path: leaf_text(leaf, names) for leaf in rule.leaves()}


def condition_rows(
    rows: Sequence[Mapping[str, Any]], texts: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Rows about the rule's conditions with each condition in Danish (``texts`` by path, see
    :func:`leaf_texts`) and the part of the rule it sits in named («Betingelse»)."""
    return [
        dict(
            r,
            label=T.sentence(texts.get(r["path"], r["label"])),
            part=PARTS.get(r["part"], r["part"]),
        )
        for r in rows
    ]


def area_names(codes: str | None, names: Mapping[str, str]) -> str | None:
    """``'children, children, adults'`` -> ``'Udsatte børn og unge, Udsatte voksne'``."""
    found: list[str] = []
    for code in (codes or "").split(","):
        name = names.get(code.strip(), code.strip())
        if name and name not in found:
            found.append(name)
    return ", ".join(found) or None


def candidate_table(
    rows: Sequence[dict[str, Any]],
    rule: RuleSet,
    version: TargetGroupRuleVersion,
    solution: Solution,
    as_of: date,
    status: Mapping[str, str],
    names: Mapping[str, str],
) -> DataTable:
    """The ranked candidates with the score breakdown and the data behind it."""
    unit = rule.unit.value
    subject_label = "Borger (pseudonym)" if rule.unit is Unit.CITIZEN else "Familie"
    points = [
        Column(f"points_{m.value}", f"Point: {MEASURE_LABELS[m]}", "decimal")
        for m in rule.score.weights
    ]
    shown = []
    for row in rows:
        subject = str(row[unit])
        shown.append(
            {
                **row,
                "subject": subject,
                "areas": area_names(row.get("areas"), names),
                "benefits": T.sentence(row.get("benefits")) or None,
                "status": status.get(subject, "Ikke vurderet"),
                "href": f"/loesninger/{solution.id}/udvaelgelse/{unit}/{quote(subject)}"
                f"?regelsaet={rule.key}&version={version.version}&dato={as_of.isoformat()}",
            }
        )
    columns = [
        Column("rank", "Placering", "int"),
        Column("subject", subject_label),
        *([Column("members", "Familiemedlemmer", "int")] if rule.unit is Unit.FAMILY else []),
        Column("score", "Kompleksitetsscore", "decimal"),
        *points,
        *(Column(m.value, _measure_label(m), "int") for m in Measure),
        Column("cost", "Ressourcetræk i perioden", "money"),
        Column("benefits", "Ydelser på skæringsdatoen"),
        Column("areas", "Sektorområder"),
        Column("status", "Status i løsningen"),
    ]
    return DataTable(
        title=f"{S['candidate_list']}: {rule.label} (version {version.version}) pr. "
        f"{danish_date(as_of)}",
        columns=columns,
        rows=shown,
        filename=f"kandidater-loesning-{solution.id}-{rule.key}-{as_of.isoformat()}",
        notes=[
            "Personoplysninger (sagsbehandlingsformål). Visningen og hvert Excel-udtræk er logget.",
        ],
    )


# The candidate list's headings on the page, short so that ten columns fit a laptop's width; the
# Excel download keeps the full ones.
PAGE_LABELS = {
    "rank": "Nr.",
    "score": "Score",
    "members": "Medlemmer",
    Measure.SECTOR_AREAS.value: "Antal områder",
    Measure.INTERVENTIONS.value: "Indsatser",
    Measure.SIMULTANEOUS_INTERVENTIONS.value: "Samtidige indsatser",
    Measure.CASEWORKERS.value: "Sagsbehandlere",
    Measure.OVERLAPS.value: "Overlap",
    Measure.BENEFIT_TYPES.value: "Ydelsestyper",
    "cost": "Ressourcetræk i perioden",
    "benefits": "Ydelse",
    "status": "Status",
}


def with_identities(table: DataTable, found: Mapping[str, Identity]) -> DataTable:
    """The candidate list with each citizen's CPR number and name after the pseudonym (revealed
    through :func:`tvaers.access.reveal_listed`, one audit entry per citizen)."""
    at = next(i for i, c in enumerate(table.columns) if c.key == "subject") + 1
    columns = [*table.columns[:at], Column("cpr", "CPR-nummer"), Column("name", "Navn"),
               *table.columns[at:]]  # fmt: skip
    rows = []
    for row in table.rows:
        person = found.get(str(row["subject"]))
        rows.append(dict(row, cpr=person.shown if person else None, name=person and person.name))
    notes = [*table.notes, "CPR-nummer og navn er vist for sagsbehandling; visningen er logget."]
    return replace(table, columns=columns, rows=rows, notes=notes)


def candidate_page_table(table: DataTable, rule: RuleSet) -> DataTable:
    """The candidate list as the page shows it: the score with the counts it is made of, the
    cost, benefits, areas and status. The points per measure and the other counts are in the
    Excel download (``table``); the note says how the points are given."""
    weighted = {m.value for m in rule.score.weights}
    keep = {
        "rank",
        "subject",
        "cpr",
        "name",
        "members",
        "score",
        *weighted,
        "cost",
        "benefits",
        "areas",
        "status",
    }
    columns = [
        replace(c, label=PAGE_LABELS.get(c.key, c.label)) for c in table.columns if c.key in keep
    ]
    points = ", ".join(
        f"{MEASURE_LABELS[m]} {display(w, 'decimal')}" for m, w in rule.score.weights.items()
    )
    note = f"Kompleksitetsscoren giver point pr. stk.: {points}." if points else ""
    if note and rule.score.min is not None:
        note = f"{note[:-1]}; mindste score {display(rule.score.min, 'decimal')}."
    excel = "Excel-udtrækket har også pointene pr. mål og de øvrige mål."
    return replace(table, columns=columns, notes=[n for n in (note, excel) if n] + table.notes)


def detail_tables(
    detail: CandidateDetail,
    unit: Unit,
    subject: str,
    names: Mapping[str, str] | None = None,
    texts: Mapping[str, str] | None = None,
) -> dict[str, DataTable]:
    """The data behind one candidate: criteria, score breakdown, measures, cost, activities,
    benefits and members. ``names`` gives the sector areas' Danish names (code -> name), ``texts``
    the conditions in Danish by path (:func:`leaf_texts`). For a citizen the pseudonym is the
    page's heading, so the tables do not repeat it per row."""
    short = subject[:12]
    names, texts = names or {}, texts or {}
    family = unit is Unit.FAMILY
    who = [Column("citizen", "Borger (pseudonym)")] if family else []
    window = T.period(detail.window)
    return {
        "criteria": _criteria_table(detail, texts, short),
        "score": _score_table(detail, short),
        "measures": DataTable(
            title=S["data_behind"],
            columns=[Column("label", "Mål"), Column("value", "Værdi")],
            rows=_facts(detail, family),
            filename=f"kandidat-{short}-maal",
        ),
        "cost": DataTable(
            title=f"Ressourcetræk pr. sektorområde, {window}",
            columns=[
                AREA,
                REGISTERED,
                Column("attributed", "Individfordelt", "money"),
                Column("total", "I alt", "money"),
            ],
            rows=detail.cost_by_area,
            filename=f"kandidat-{short}-udgift",
        ),
        "activities": DataTable(
            title=f"Indsatser, {window}",
            columns=[
                *who,
                Column("name", "Indsats"),
                Column("intervention", "Kode"),
                Column("sector_area", "Sektorområde"),
                Column("start_date", "Start", "date"),
                Column("end_date", "Slut", "date"),
            ],
            rows=[
                dict(a, sector_area=names.get(a["sector_area"], a["sector_area"]))
                for a in detail.activities
            ],
            filename=f"kandidat-{short}-indsatser",
        ),
        "benefits": DataTable(
            title=f"Ydelsesforløb, {window}",
            columns=[
                *who,
                Column("benefit", "Ydelse"),
                Column("start", "Fra", "date"),
                Column("end", "Til", "date"),
                Column("days", "Dage", "int"),
            ],
            rows=[dict(b, benefit=T.sentence(b["benefit"])) for b in detail.benefits],
            filename=f"kandidat-{short}-ydelser",
        ),
        "members": DataTable(
            title="Familiens medlemmer",
            columns=[Column("citizen", "Borger (pseudonym)"), Column("age", "Alder", "int")],
            rows=detail.members if family else [],
            filename=f"kandidat-{short}-medlemmer",
        ),
    }


def _criteria_table(detail: CandidateDetail, texts: Mapping[str, str], short: str) -> DataTable:
    """Each condition of the rule in Danish, where it sits and whether the candidate meets it."""
    return DataTable(
        title="Kriterier",
        columns=[
            Column("label", "Kriterium"),
            Column("part", "Del"),
            Column("met", "Opfyldt", "bool"),
        ],
        rows=condition_rows(detail.criteria, texts),
        filename=f"kandidat-{short}-kriterier",
    )


def _score_table(detail: CandidateDetail, short: str) -> DataTable:
    """The complexity score's points per measure, with the total and the rule's minimum."""
    breakdown = [
        {
            "label": str(r["label"]).capitalize(),
            "value": r["value"],
            "weight": r["weight"],
            "points": r["points"],
        }
        for r in detail.score_breakdown
    ]
    breakdown.append({"label": "I alt", "points": detail.score})
    return DataTable(
        title=S["score_breakdown"],
        columns=[
            Column("label", "Mål"),
            Column("value", "Antal", "int"),
            Column("weight", "Point pr. stk.", "decimal"),
            Column("points", "Point", "decimal"),
        ],
        rows=breakdown,
        filename=f"kandidat-{short}-score",
        notes=[
            f"Mindste score for målgruppen: {display(detail.score_min, 'decimal')}."
            if detail.score_min is not None
            else "Regelsættet har ingen mindste score."
        ],
    )


def _facts(detail: CandidateDetail, family: bool) -> list[dict[str, object]]:
    """The measures behind the candidate, with the family's size or the citizen's age."""
    measures = dict(detail.measures)
    facts: list[dict[str, object]] = [
        {"label": _measure_label(m), "value": measures.get(m.value)} for m in Measure
    ] + [
        {"label": "Ressourcetræk i perioden", "value": _money(measures.get("cost"))},
        {"label": "Ydelser på skæringsdatoen", "value": T.sentence(measures.get("benefits"))},
    ]
    if family:
        facts += [
            {"label": "Familiemedlemmer", "value": measures.get("members")},
            {"label": "Heraf børn", "value": measures.get("children")},
            {"label": "Heraf voksne", "value": measures.get("adults")},
        ]
    elif detail.members:
        facts.append({"label": "Alder på skæringsdatoen", "value": detail.members[0]["age"]})
    return facts


def _decimal(text: str | None) -> Decimal | str | None:
    """A score stored as exact decimal text, as a number (shown «11» or «10,5»)."""
    try:
        return Decimal(text) if text else None
    except ArithmeticError:
        return text


def _money(value: Any) -> str | None:
    return display(Decimal(str(value)), "money") if value is not None else None


def rule_text(key: str | None, version: int | None) -> str | None:
    """A rule set and its version as a table cell: «furesoe, version 1»."""
    if not key:
        return None
    return f"{key}, {T.version.lower()} {version}" if version else key


def decision_table(
    decisions: Sequence[SelectionDecision], title: str, filename: str, *, subjects: bool = True
) -> DataTable:
    """Every decision (assessment, enrolment, discharge) in the order recorded; without the
    unit and subject columns (``subjects=False``) on the page of one candidate."""
    rows = [
        {
            "event_date": d.event_date,
            "kind": T.decision_kinds.get(d.kind, d.kind),
            "unit": S["unit_one"].get(d.unit, d.unit),
            "subject": d.subject,
            "decision": T.decisions.get(d.decision or "", d.decision),
            "motivation": T.assessment_levels.get(d.motivation or "", d.motivation),
            "development_potential": T.assessment_levels.get(
                d.development_potential or "", d.development_potential
            ),
            "note": d.note or d.reason,
            "rule": rule_text(d.rule_key, d.rule_version),
            "score": _decimal(d.score),
            "decided_by": d.decided_by,
            "recorded_at": d.recorded_at,
        }
        for d in decisions
    ]
    return DataTable(
        title=title,
        columns=[
            Column("event_date", "Dato", "date"),
            Column("kind", "Hændelse"),
            *([Column("unit", S["unit"]), Column("subject", "Borger/familie")] if subjects else []),
            Column("decision", S["decision"]),
            Column("motivation", S["motivation"]),
            Column("development_potential", S["development_potential"]),
            Column("note", "Notat/årsag"),
            Column("rule", "Regelsæt"),
            Column("score", "Score", "decimal"),
            Column("decided_by", "Registreret af"),
            Column("recorded_at", T.changed_at, "datetime"),
        ],
        rows=rows,
        filename=filename,
        notes=["Historikken kan ikke ændres; en ny vurdering tilføjes som en ny række."],
    )


def decision_page_table(table: DataTable) -> DataTable:
    """The decision history as the page shows it: the decision, motivation and development
    potential in one column «Vurdering» and the unit with the subject, so that it fits the
    page's width; the Excel download keeps a column for each."""
    folded = {"unit", "motivation", "development_potential"}
    columns = [
        Column("assessment", "Vurdering") if c.key == "decision" else c
        for c in table.columns
        if c.key not in folded
    ]
    rows = [
        dict(
            r,
            assessment=_assessment(r),
            subject=f"{r['unit']} {r['subject']}" if r.get("unit") else r.get("subject"),
        )
        for r in table.rows
    ]
    return replace(table, columns=columns, rows=rows)


def _assessment(row: Mapping[str, Any]) -> str | None:
    """«Optages, motivation høj, udviklingspotentiale middel» (None for an enrolment)."""
    parts = [row.get("decision")]
    if row.get("motivation"):
        parts.append(f"{S['motivation'].lower()} {str(row['motivation']).lower()}")
    if row.get("development_potential"):
        potential = str(row["development_potential"]).lower()
        parts.append(f"{S['development_potential'].lower()} {potential}")
    shown = [str(p) for p in parts if p]
    return ", ".join(shown) or None


def enrolment_rows(periods: Sequence[Enrolment], solution: Solution) -> DataTable:
    """The solution's enrolment periods, open ones first."""
    ordered = sorted(periods, key=lambda p: (p.discharged_on is not None, p.enrolled_on, p.id))
    rows = [
        {
            "id": p.id,
            "open": p.discharged_on is None,
            "unit_code": p.unit,
            "unit": S["unit_one"].get(p.unit, p.unit),
            "subject": p.subject,
            "enrolled_on": p.enrolled_on,
            "enrolled_by": p.enrolled_by,
            "rule": rule_text(p.rule_key, p.rule_version),
            "href": f"/loesninger/{solution.id}/udvaelgelse/{p.unit}/{p.subject}"
            + (f"?regelsaet={p.rule_key}&version={p.rule_version}" if p.rule_key else ""),
            "discharged_on": p.discharged_on,
            "discharge_reason": p.discharge_reason,
            "discharged_by": p.discharged_by,
        }
        for p in ordered
    ]
    return DataTable(
        title=f"{S['enrolments']}: {solution.name}",
        columns=[
            Column("unit", S["unit"]),
            Column("subject", "Borger/familie"),
            Column("enrolled_on", "Indskrevet fra", "date"),
            Column("enrolled_by", "Indskrevet af"),
            Column("rule", "Regelsæt"),
            Column("discharged_on", "Udskrevet fra", "date"),
            Column("discharge_reason", "Årsag"),
            Column("discharged_by", "Udskrevet af"),
        ],
        rows=rows,
        filename=f"loesning-{solution.id}-indskrevne",
    )


def reference_date(analysis: Analysis, wanted: str | None) -> tuple[date, date, date, str | None]:
    """(chosen date, data's first day, data's last day, Danish error or None): the as-of date
    of :func:`tvaers.draw.reference.as_of` as the selection pages unpack it. Without a wish the
    last day with data; a wish that is no date, or lies outside the data, is an error (the page
    then shows the last day and says so, and keeps what the user wrote)."""
    found = analysis.as_of(wanted)
    return found.day, found.first, found.last, found.error
