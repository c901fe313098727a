"""The person-level tables of the casework pages (:mod:`.selection_casework`): the candidate
list, the data behind one candidate, the decision history and the enrolment periods. One
definition for the page and its Excel download; only the casework pages call these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from tvaers.draw.model import Unit
from tvaers.selection import service
from tvaers.selection.model import MEASURE_LABELS, Measure, RuleSet
from tvaers.store.models import Enrolment, SelectionDecision, Solution, TargetGroupRuleVersion
from tvaers.web.tables import Column, DataTable, display
from tvaers.web.texts import T

S = T.selection
PARTS = {"include": "Betingelse", "exclude": "Undtagelse"}


def _measure_label(measure: Measure | str) -> str:
    return MEASURE_LABELS[Measure(measure)].capitalize()


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
                "benefits": row.get("benefits") or None,
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
        f"{as_of.strftime('%d-%m-%Y')}",
        columns=columns,
        rows=shown,
        filename=f"kandidater-loesning-{solution.id}-{rule.key}-{as_of.isoformat()}",
        notes=[
            "Personoplysninger (sagsbehandlingsformål). Visningen og hvert Excel-udtræk er logget.",
        ],
    )


def detail_tables(
    detail: service.CandidateDetail, unit: Unit, subject: str
) -> dict[str, DataTable]:
    """The data behind one candidate: criteria, score breakdown, measures, cost, activities,
    benefits and members."""
    short = subject[:12]
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
    measures = dict(detail.measures)
    facts = [{"label": _measure_label(m), "value": measures.get(m.value)} for m in Measure] + [
        {"label": "Ressourcetræk i perioden", "value": _money(measures.get("cost"))},
        {"label": "Ydelser på skæringsdatoen", "value": measures.get("benefits") or None},
        {"label": "Familiemedlemmer", "value": measures.get("members")},
        {"label": "Heraf børn", "value": measures.get("children")},
        {"label": "Heraf voksne", "value": measures.get("adults")},
    ]
    return {
        "criteria": DataTable(
            title="Kriterier",
            columns=[
                Column("label", "Kriterium"),
                Column("part", "Del"),
                Column("path", "Sted i reglen"),
                Column("met", "Opfyldt", "bool"),
            ],
            rows=[dict(r, part=PARTS.get(r["part"], r["part"])) for r in detail.criteria],
            filename=f"kandidat-{short}-kriterier",
        ),
        "score": DataTable(
            title=S["score_breakdown"],
            columns=[
                Column("label", "Mål"),
                Column("value", "Antal", "int"),
                Column("weight", "Point pr. enhed", "decimal"),
                Column("points", "Point", "decimal"),
            ],
            rows=breakdown,
            filename=f"kandidat-{short}-score",
            notes=[
                f"Mindste score for målgruppen: {detail.score_min}."
                if detail.score_min is not None
                else "Regelsættet har ingen mindste score."
            ],
        ),
        "measures": DataTable(
            title=S["data_behind"],
            columns=[Column("label", "Mål"), Column("value", "Værdi")],
            rows=facts,
            filename=f"kandidat-{short}-maal",
        ),
        "cost": DataTable(
            title=f"Ressourcetræk pr. sektorområde {detail.window}",
            columns=[
                Column("name", "Sektorområde"),
                Column("registered", "CPR-registreret", "money"),
                Column("attributed", "Individfordelt", "money"),
                Column("total", "I alt", "money"),
            ],
            rows=detail.cost_by_area,
            filename=f"kandidat-{short}-udgift",
        ),
        "activities": DataTable(
            title="Indsatser i perioden",
            columns=[
                Column("citizen", "Borger (pseudonym)"),
                Column("intervention", "Indsats"),
                Column("name", "Navn"),
                Column("sector_area", "Sektorområde"),
                Column("start_date", "Start", "date"),
                Column("end_date", "Slut", "date"),
            ],
            rows=detail.activities,
            filename=f"kandidat-{short}-indsatser",
        ),
        "benefits": DataTable(
            title="Ydelsesforløb i perioden",
            columns=[
                Column("citizen", "Borger (pseudonym)"),
                Column("benefit", "Ydelse"),
                Column("start", "Fra", "date"),
                Column("end", "Til", "date"),
                Column("days", "Dage", "int"),
            ],
            rows=detail.benefits,
            filename=f"kandidat-{short}-ydelser",
        ),
        "members": DataTable(
            title="Familiens medlemmer" if unit is Unit.FAMILY else "Borgeren",
            columns=[Column("citizen", "Borger (pseudonym)"), Column("age", "Alder", "int")],
            rows=detail.members,
            filename=f"kandidat-{short}-medlemmer",
        ),
    }


def _money(value: Any) -> str | None:
    return display(Decimal(str(value)), "money") if value is not None else None


def decision_table(decisions: Sequence[SelectionDecision], title: str, filename: str) -> DataTable:
    """Every decision (assessment, enrolment, discharge) in the order recorded."""
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
            "rule": f"{d.rule_key} v{d.rule_version}" if d.rule_key else None,
            "score": d.score,
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
            Column("unit", S["unit"]),
            Column("subject", "Borger/familie"),
            Column("decision", S["decision"]),
            Column("motivation", S["motivation"]),
            Column("development_potential", S["development_potential"]),
            Column("note", "Notat/årsag"),
            Column("rule", "Regelsæt"),
            Column("score", "Score"),
            Column("decided_by", "Registreret af"),
            Column("recorded_at", T.changed_at, "datetime"),
        ],
        rows=rows,
        filename=filename,
        notes=["Historikken kan ikke ændres; en ny vurdering tilføjes som en ny række."],
    )


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
            "rule": f"{p.rule_key} v{p.rule_version}" if p.rule_key else None,
            "rule_key": p.rule_key,
            "rule_version": p.rule_version,
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
