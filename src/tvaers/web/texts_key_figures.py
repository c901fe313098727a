"""The key figures' pages in Danish (003 §3.1, issue 14: «nøgletal opad og nedad»): passed to
the templates as ``K``. The tables' own titles and headings are the report's
(:mod:`tvaers.followup.report`), shared with ``tvaers report monthly``."""

from __future__ import annotations

from typing import Any

KEY_FIGURES: dict[str, Any] = {
    "title": "Nøgletal",
    "nav": "Nøgletal",
    "lead": "Månedsrapporter til hvert niveau i organisationen: opad til direktion og "
    "politikere, nedad til områdechefer, ledere og sagsbehandlere. Hver rapport kan udskrives "
    "og hentes som én Excel-projektmappe med de samme diagrammer.",
    "choose_level": "Vælg niveau",
    "levels": {
        "directorate": "Samlet udgift, udvikling mod sidste år, tilgang og afgang af sager, "
        "budget mod forbrug og udgift pr. borger.",
        "area": "Hvert sektorområdes budget, forbrug og forventede afvigelse, udgiften mod "
        "sidste år og udgiften pr. borger.",
        "caseworker": "Dine egne sager i måneden (kræver sagsbehandlingsformål og et "
        "registreret grundlag for hver borger; hver visning logges).",
    },
    "casework_only": "Kræver sagsbehandlingsformål",
    "choose_month": "Vælg måned",
    "month": "Måned",
    "show": "Vis",
    "print": "Udskriv",
    "excel": "Hent rapporten i Excel (én projektmappe med diagrammer)",
    "no_data": "Der er ikke indlæst data endnu, så der er ingen nøgletal.",
    "back": "Alle niveauer",
    "made": "Rapport for {month}. Data til og med {last}.",
    "no_cases": "Der er ingen sager med sagsbehandler «{code}» i {month}.",
}
