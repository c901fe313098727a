"""The follow-up deadlines' tables in the publication model, declared once for the page, Excel
and the command line (CSV/JSON keys are the glossary's English names, headings Danish)."""

from __future__ import annotations

from typing import Any

from tvaers.core.periods import danish_date
from tvaers.core.publication import Chart, Column, DataTable
from tvaers.core.suppression import TABLE_NOTE
from tvaers.followup.deadline_service import DueCounts, DueList
from tvaers.followup.deadlines import FIRST_MONTHS, SOON_DAYS, YEARLY_MONTHS

HEADINGS = {
    "status": "Status",
    "due_on": "Frist",
    "days_overdue": "Dage overskredet",
    "kind": "Opfølgning",
    "citizen": "Borger (pseudonym)",
    "intervention": "Indsats",
    "intervention_name": "Indsatsens navn",
    "started_on": "Startet",
    "latest": "Seneste opfølgning",
    "caseworker": "Sagsbehandler",
    "team": "Team",
    "basis": "Grundlag",
    "overdue": "Overskredne",
    "due": "Forfalder snart",
    "note": "Note",
}
OVERDUE = "Overskredet"
DUE = "Forfalder"
FIRST = f"Første ({FIRST_MONTHS} mdr.)"
YEARLY = "Årlig"
RULE_NOTE = (
    f"En ny bevilling eller indsats følges op senest {FIRST_MONTHS} måneder efter start, siden "
    f"mindst hver {YEARLY_MONTHS}. måned efter seneste opfølgning. Fristen er samme dato, eller "
    "månedens sidste dag, når måneden er kortere (30. november + 3 måneder = 28./29. februar). "
    "Opfølgningen forfalder på fristen og er overskredet fra dagen efter."
)
WITHHELD = (
    "{count} sager vises ikke: der er ikke registreret et gældende grundlag for borgeren "
    "(eller løsningens grundlag for udvælgelse)."
)
COUNTS_NOTE = f"«Forfalder snart»: fristen er inden for {SOON_DAYS} dage (eller de valgte)."


def list_table(found: DueList) -> DataTable:
    """The person-level list, overdue first by due date."""
    keys = ("status", "due_on", "days_overdue", "kind", "citizen", "intervention",
            "intervention_name", "started_on", "latest", "caseworker", "team", "basis")  # fmt: skip
    kinds = {"due_on": "date", "started_on": "date", "latest": "date", "days_overdue": "int"}
    columns = [Column(k, HEADINGS[k], kinds.get(k, "text")) for k in keys]
    rows: list[dict[str, Any]] = [{
        "status": OVERDUE if case.overdue else DUE, "due_on": case.due_on,
        "days_overdue": case.days_overdue, "kind": FIRST if case.first else YEARLY,
        "citizen": case.citizen, "intervention": case.intervention,
        "intervention_name": case.intervention_name, "started_on": case.started_on,
        "latest": case.latest, "caseworker": case.caseworker, "team": case.team,
        "basis": found.bases.get(case.citizen, ""),
    } for case in found.cases]  # fmt: skip
    notes = [RULE_NOTE]
    if found.withheld:
        notes.append(WITHHELD.format(count=found.withheld))
    s = found.selection
    title = f"Opfølgningsfrister pr. {danish_date(s.as_of)}"
    if s.caseworker or s.team:
        title += ": " + ", ".join(x for x in (s.caseworker, s.team) if x)
    return DataTable(title, columns, rows, "opfoelgningsfrister", notes, name="followups")


def counts_table(found: DueCounts) -> DataTable:
    """Cases overdue and due soon per caseworker or team, with the total; small counts hidden."""
    group = HEADINGS["caseworker"] if found.by == "caseworker" else HEADINGS["team"]
    columns = [Column("group", group), Column("overdue", HEADINGS["overdue"], "int"),
               Column("due", HEADINGS["due"], "int"), Column("note", HEADINGS["note"])]  # fmt: skip
    rows = [{"group": r.group, "overdue": r.overdue, "due": r.due, "note": r.note or ""}
            for r in (*found.rows, found.total)]  # fmt: skip
    title = f"Opfølgningsfrister pr. {group.lower()} pr. {danish_date(found.selection.as_of)}"
    notes = [COUNTS_NOTE, TABLE_NOTE, RULE_NOTE]
    name = f"followups_by_{found.by}"
    table = DataTable(title, columns, rows, f"opfoelgning-{found.by}", notes, name=name)
    bars = [{"group": r.group, "overdue": r.overdue} for r in found.rows if r.overdue]
    if bars and found.by == "team":  # the published teams' (a bar per caseworker: thousands)
        table.chart = Chart("bar", f"Overskredne opfølgninger pr. {group.lower()}", bars,
                            "group", "overdue", group, HEADINGS["overdue"])  # fmt: skip
    return table
