"""Danish headings for the outputs of target-group selection (Excel, the CLI and the UI): the
columns of the candidate list, the candidate detail and the statistical summary."""

from __future__ import annotations

from tvaers.selection.rules import MEASURE_LABELS

# Danish headings for the outputs (Excel and the UI); keys are the output column names.
LABELS: dict[str, str] = {
    "rank": "placering",
    "cpr": "CPR-nummer",
    "citizen": "borger",
    "family": "familie",
    "members": "familiemedlemmer",
    "citizens": "borgere",
    "units": "antal",
    "score": "kompleksitetsscore",
    **{f"points_{m.value}": f"point: {label}" for m, label in MEASURE_LABELS.items()},
    **{m.value: label for m, label in MEASURE_LABELS.items()},
    "cost": "ressourcetræk i perioden",
    "benefits": "ydelser på skæringsdatoen",
    "areas": "sektorområder",
    "sector_area": "sektorområde",
    "name": "navn",
    "step": "trin",
    "label": "betegnelse",
    "path": "betingelse",
    "part": "del",
    "difference": "forskel",
    "group": "gruppe",
    "note": "bemærkning",
    "base": "grundregel",
    "variant": "variant",
    "registered": "CPR-registreret",
    "attributed": "individfordelt",
    "total": "i alt",
    "intervention": "indsats",
    "start_date": "start",
    "end_date": "slut",
    "benefit": "ydelse",
    "start": "fra",
    "end": "til",
    "days": "dage",
    "age": "alder",
    "met": "opfyldt",
}
