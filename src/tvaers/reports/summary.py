"""The summary workbook of what is loaded (the demo's Excel file)."""

from __future__ import annotations

from pathlib import Path

from tvaers.core.errors import Issue
from tvaers.data.importer import ImportResult
from tvaers.data.issues import IssueSink
from tvaers.data.summary import Summary
from tvaers.draw.charts import area_bars
from tvaers.reports.excel import Sheet, write_workbook


def write_summary(
    path: Path, summary: Summary, municipality: str, result: ImportResult | None
) -> Path:
    areas = Sheet(
        "Udgift pr. område",
        ["Sektorområde", "Kode", "Udgift (kr.)", "CPR-registreret (kr.)", "CPR-registreret andel"],
        [
            (a.name, a.sector_area, a.expenditure, a.registered, a.registered_share)
            for a in summary.areas
        ]
        + [("I alt", "", summary.expenditure, summary.registered, summary.registered_share)],
        title=f"{municipality}: driftsudgifter (dranst 1) {summary.first_day} – {summary.last_day}",
        notes=[
            f"Borgere: {summary.citizens:,}".replace(",", "."),
            f"Familier: {summary.families:,}".replace(",", "."),
        ],
        widths={0: 34},
        chart=area_bars(  # the web's bars of the same figures (/data), native
            [{"name": a.name, "millions": float(a.expenditure) / 1e6} for a in summary.areas],
            "Driftsudgifter pr. sektorområde (mio. kr.)",
        ),
    )
    sheets = [areas]
    if result is not None:
        sheets.append(
            Sheet(
                "Import",
                ["Tabel", "Fil", "Rækker", "Indlæst i denne kørsel"],
                [(t.table, t.file, t.rows, t.changed) for t in result.tables],
                title=f"Importkørsel {result.batch_id or '(ingen ændringer)'}",
            )
        )
    return write_workbook(path, sheets)


def write_validation_report(path: Path, issues: list[Issue], sink: IssueSink | None = None) -> Path:
    rows = [
        (i.file, i.row or None, i.column, i.value, i.message, i.hint, str(i.code)) for i in issues
    ]
    notes = []
    if sink is not None:
        for (file, column, code), n in sink.hidden().items():
            notes.append(f"{file}, kolonne '{column}': {n} flere fejl af typen {code} (ikke vist)")
    return write_workbook(
        path,
        [
            Sheet(
                "Valideringsrapport",
                ["Fil", "Række", "Kolonne", "Værdi", "Fejl", "Sådan retter du det", "Fejlkode"],
                rows,
                title="Valideringsrapport: importen er afvist, intet er indlæst",
                notes=notes,
                widths={0: 22, 4: 50, 5: 60},
            )
        ],
    )
