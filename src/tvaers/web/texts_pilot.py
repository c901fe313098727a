"""The pilot evaluation's page in Danish (issue 13): ``T.pilot`` in the templates. Apart from
:mod:`tvaers.web.texts` so that each file stays short enough to read."""

from __future__ import annotations

from typing import Any

from tvaers.budget.pilot_model import COST_BANDS, METHOD_LABELS
from tvaers.budget.state import BASIS_HINTS, BASIS_LABELS
from tvaers.core.suppression import SMALL_CELL

PILOT: dict[str, Any] = {
    "title": "Pilotevaluering",
    "link": "Pilotevaluering: effekt mod en sammenligningsgruppe",
    "lead": "Har løsningen ændret de indskrevne borgeres udgifter? Udgiften i de 12 måneder før "
    "indskrivningen sammenlignes med de 12 måneder fra indskrivningen, og ændringen holdes op "
    "mod ændringen for en sammenligningsgruppe af borgere, der aldrig har været indskrevet i en "
    "tværgående løsning, matchet på baseline-udgift, kombination af sektorområder og alder på "
    "samme (tænkte) indskrivningsdato. Forskellen mellem de to ændringer (difference-in-"
    "differences) er pilotens anslåede effekt pr. borger om året.",
    "statistical": "Sammenligningsgruppen er statistisk: den vises aldrig som en liste over "
    "borgere, bruges aldrig til sagsbehandling og indgår kun i tal for grupper, hvor grupper "
    f"med færre end {SMALL_CELL} borgere er skjult.",
    "choose": "Vælg metode og grundlag",
    "method": "Matchning",
    "methods": {m.value: label for m, label in METHOD_LABELS.items()},
    "method_hints": {
        "nearest": "Hver indskrevet borger får den borger med nærmeste baseline-udgift inden for "
        "samme kombination af sektorområder og aldersgruppe (med tilbagelægning; står flere "
        "lige nær, deler de). Er der ingen i gruppen, søges inden for kombinationen af "
        "sektorområder alene og derefter blandt alle; balancetabellen viser hvor mange.",
        "strata": "Borgerne deles i grupper efter kombination af sektorområder, aldersgruppe og "
        "baseline-udgift; sammenligningsborgerne vægtes, så hver gruppe tæller som de "
        "indskrevne i den. Har en indskrevet ingen sammenligning i sin gruppe, bruges en "
        "grovere gruppe (uden aldersgruppe, så kun baseline-udgift, så kun måneden); "
        "balancetabellen viser hvor mange.",
    },
    "basis": "Grundlag",
    "bases": {b.value: label for b, label in BASIS_LABELS.items()},
    "basis_hints": {b.value: hint for b, hint in BASIS_HINTS.items()},
    "show": "Vis",
    "facts": "Grundlaget",
    "enrolled": "{n} borgere indskrevet i løsningen (en familie: hvert medlem).",
    "evaluable": "{n} af dem har data både før og efter indskrivningen.",
    "matched": "{treated} indskrevne matchet med {comparison} borgere i sammenligningsgruppen.",
    "cohorts": "Indskrevet {period}.",
    "windows": "Før: de 12 måneder før indskrivningsmåneden. Efter: de 12 måneder fra "
    "indskrivningsmåneden, eller de måneder, data rækker; begge omregnet til kr. om året.",
    "estimates": "Anslået effekt pr. sektorområde",
    "estimates_hint": "Kr. pr. borger om året. Negativ = en besparelse. Intervallet er et "
    "95 %-konfidensinterval: omfatter det 0, kan effekten ikke skelnes fra ingen effekt.",
    "chart": "Anslået effekt med 95 %-konfidensinterval",
    "chart_label": "Diagram over den anslåede effekt pr. sektorområde med nedre og øvre grænse "
    "for konfidensintervallet; tallene står i tabellen under diagrammet.",
    "chart_value": "Kr. pr. borger om året",
    "series_effect": "Anslået effekt",
    "series_low": "95 %-konfidensinterval, nedre grænse",
    "series_high": "95 %-konfidensinterval, øvre grænse",
    "balance": "Balance før og efter matchning",
    "balance_hint": "Gennemsnit (for sektorområder: andelen med udgift i de 12 måneder før) for "
    "de matchede indskrevne, for alle borgere, der aldrig har været indskrevet (på de samme "
    "datoer), og for den matchede sammenligningsgruppe. Den standardiserede forskel bør efter "
    "matchning ligge tæt på 0 (under 0,1 regnes for god balance).",
    "area_share": "Andel med udgift til {name}",
    "hidden": "Evalueringen kan ikke vises",
    "no_members": "Der er ingen borgere eller familier indskrevet i løsningen endnu.",
    "no_data": "Der er ikke indlæst data endnu.",
    "significant": "Forskellig fra 0",
    "yes": "Ja",
    "no": "Nej",
    "method_error": "Vælg en af metoderne «nearest» (nærmeste nabo) eller «strata» (eksakte "
    "strata).",
    "basis_error": "Vælg grundlaget «gross» (brutto) eller «net» (netto af staten).",
    "cost_bands": ", ".join(f"{b:,}".replace(",", ".") for b in COST_BANDS[1:]),
    "bands_note": "Aldersgrupper: 0-17, 18-24, 25-29, 30-39, 40-49, 50-59, 60-66 og 67+ år. "
    "Baseline-udgiften i grupper med grænser ved {bands} kr. om året (strata).",
    "columns": {
        "treated": "Indskrevne med udgift",
        "comparison": "Sammenligning med udgift",
        "treated_change": "Ændring, indskrevne",
        "comparison_change": "Ændring, sammenligning",
        "effect": "Anslået effekt",
        "standard_error": "Standardfejl",
        "low": "95 %-KI, nedre",
        "high": "95 %-KI, øvre",
        "significant": "Forskellig fra 0",
        "variable": "Variabel",
        "treated_mean": "Indskrevne (matchede)",
        "pool": "Sammenligning før matchning",
        "before": "Std. forskel før",
        "matched": "Sammenligning efter matchning",
        "after": "Std. forskel efter",
    },
}
