"""The monthly deviations' pages in Danish (003 §2.3: deviations from the budget assumptions down
to the single case): ``D`` in the templates ``followup/deviations.html`` and
``followup/deviation_cases.html``. The tables' headings are declared with the tables
(:mod:`tvaers.followup.deviation_tables`), so the command line's Excel has them too."""

from __future__ import annotations

from typing import Any

from tvaers.core.suppression import SMALL_CELL

DEVIATIONS: dict[str, Any] = {
    "title": "Månedlige afvigelser",
    "nav": "Opfølgning",
    "lead": "Måned for måned: helårspersoner og gennemsnitspris pr. indsatstype til og med den "
    "valgte måned og fremskrevet til hele året, mod budgetforudsætningerne. Afvigelsen er delt i "
    "en mængdeeffekt og en priseffekt, og for hver indsatstype kan de sager, der forklarer "
    "afvigelsen, ses — med sagsbehandlingsformål og et registreret grundlag for borgeren.",
    "choose": "Vælg år, måned og grundlag",
    "year": "År",
    "month": "Måned",
    "basis": "Grundlag",
    "show": "Vis",
    "no_data": "Der er ikke indlæst data endnu.",
    "no_year": "Data har ingen posteringer i {year}.",
    "bad_choice": "Valget kunne ikke bruges: {message}",
    "unplanned": "{count} af {types} indsatstyper har ingen budgetforudsætning for {year} "
    "({basis}) og er markeret «Ingen budgetforudsætning». For dem er det planlagte 0 kr., så "
    "hele forbruget står som afvigelse — som på siden Budgetforudsætninger.",
    "none_planned": "Der er ingen budgetforudsætninger for {year} ({basis}). Det planlagte er "
    "derfor 0 kr., og hele forbruget står som afvigelse; tallene siger intet om mængde og pris "
    "mod en plan.",
    "set_assumptions": "Sæt budgetforudsætningerne",
    "chart_label": "Søjlediagram: mængdeeffekt og priseffekt til dato pr. indsatstype i kr. "
    "Tallene står i tabellen nedenfor.",
    "suppressed": f"Faktiske tal for en indsatstype med færre end {SMALL_CELL} borgere er "
    "skjult, også når de kunne regnes ud af tal, der er vist før (fx for året eller en anden "
    "måned). De planlagte tal er kommunens egne og vises altid.",
    "drill": "Sagerne bag afvigelsen",
    "drill_hint": "Klik på en indsatskode for at se de sager, der forklarer afvigelsen. Det "
    "kræver sagsbehandlingsformål, og kun borgere med et registreret grundlag vises; visningen "
    "logges for hver borger.",
    "drill_statistical": "Du arbejder under statistisk formål og ser kun de samlede tal. Sager "
    "på enkelte borgere kræver sagsbehandlingsformål (skift formål øverst på siden), hvis din "
    "rolle tillader det.",
    "how": "Sådan er tallene regnet",
    "how_window": "Perioden er {period} ({days} dage af årets {year_days}).",
    "how_units": "Helårspersoner til dato: aktiviteternes dage i perioden divideret med årets "
    "dage. Fremskrevet: dagene divideret med periodens dage (borgere i gennemsnit).",
    "how_planned": "Planlagt til dato: årets planlagte helårspersoner × periodens dage ÷ årets "
    "dage, til den planlagte gennemsnitspris.",
    "how_formula": "Mængdeeffekt = (faktiske − planlagte helårspersoner) × planlagt pris. "
    "Priseffekt = afvigelsen − mængdeeffekten. Planlagt + afvigelse = forbruget præcist på "
    "øren.",
    "back": "Tilbage til afvigelserne",
    "cases_title": "Sager bag afvigelsen",
    "cases_lead": "Sagerne er ordnet efter, hvor meget de bidrager til afvigelsen i dens "
    "retning. Hver sags bidrag er dens forbrug minus dens andel af det planlagte; bidragene "
    "giver tilsammen indsatstypens afvigelse til dato.",
    "type_row": "{code} {name}: planlagt til dato {planned}, forbrug til dato {actual}, "
    "afvigelse {variance} (mængdeeffekt {volume}, priseffekt {price}).",
    "without_basis": "{count} sager vises ikke, fordi der ikke er registreret et gyldigt "
    "grundlag for borgeren.",
    "no_cases": "Ingen sager at vise.",
    "cases_chart_label": "Søjlediagram: de største bidrag til afvigelsen pr. sag, delt i "
    "mængdeeffekt og priseffekt i kr. Tallene står i tabellen nedenfor.",
}
