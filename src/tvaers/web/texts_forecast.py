"""The year-end forecast's pages in Danish (issue 14; Furesø's figure 6.2; 003 §2.4): passed to
the templates as ``F``. The tables' own titles and headings are
:mod:`tvaers.followup.forecast_tables`' (shared with ``tvaers forecast``), the methods' names
and how they are computed :mod:`tvaers.followup.model`'s."""

from __future__ import annotations

from typing import Any

FORECAST: dict[str, Any] = {
    "title": "Årsprognose",
    "nav": "Opfølgning",
    "lead": "Hvad ender året på? Realiseret til og med opgørelsesdatoen plus en prognose for "
    "årets resterende måneder, pr. sektorområde og indsatstype, mod sidste år. Hver metodes "
    "årsresultat står side om side; den metode, der bruges for indsatstypen, er fremhævet.",
    "choose": "Vælg opgørelsesdato, omfang og metode",
    "as_of": "Opgørelsesdato",
    "as_of_hint": "En månedsafslutning, fx 31-08-2025 eller 2025-08-31. Tom: den seneste i data.",
    "scope": "Omfang",
    "whole_areas": "Hele sektorområder (bogførte driftsudgifter)",
    "method": "Metode",
    "chosen_methods": "Den valgte metode pr. indsatstype",
    "show": "Vis",
    "refused": "Prognosen kan ikke vises",
    "no_data": "Der er ikke indlæst data endnu, så der er ingen prognose.",
    "no_members": "Løsningen har ingen indskrevne borgere endnu, så der er ingen prognose.",
    "hidden": "Gruppen er skjult",
    "members": "Løsningens borgere på opgørelsesdatoen: {members}.",
    "months_title": "Figur 6.2: forbrug i år mod sidste år",
    "months_label": "Linjediagram: forbruget i år akkumuleret måned for måned til "
    "opgørelsesdatoen, prognosen derfra til december og sidste års forbrug. Tallene står i "
    "tabellen herunder.",
    "months_hint": "Prognosens resterende beløb er fordelt på månederne efter sidste års "
    "forløb (jævnt, hvis sidste år intet havde), så linjen ender præcis på årsresultatet.",
    "areas_label": "Søjlediagram: forventet årsresultat mod sidste år pr. sektorområde. Tallene "
    "står i tabellen herunder.",
    "highlight": "fremhævet: den metode, der bruges",
    "used": "bruges",
    "methods_link": "Tilbagetest metoderne og vælg metode pr. indsatstype",
    "how": "Sådan regnes metoderne",
    "months_show": "Vis tallene måned for måned",
    "empty": "Der er ingen udgifter i året til opgørelsesdatoen.",
}

METHODS_PAGE: dict[str, Any] = {
    "title": "Prognosemetoder",
    "lead": "Hvilken metode rammer bedst? Hver metode er prøvet på et afsluttet år, som om "
    "prognosen var lavet ved hver månedsafslutning januar-november, og fejlen er målt mod det "
    "faktiske årsresultat (gennemsnitlig absolut fejl i procent). Den mindste fejl er "
    "fremhævet. Kommunen vælger metoden pr. indsatstype; hvert valg gemmes som en ny version.",
    "back": "Tilbage til årsprognosen",
    "choose_year": "Vælg år",
    "year": "År",
    "show": "Vis",
    "no_data": "Der er ikke indlæst data endnu, så metoderne kan ikke tilbagetestes.",
    "backtest_label": "Søjlediagram: hver metodes gennemsnitlige fejl i procent for alle "
    "indsatstyper i alt. Tallene står i tabellen herunder.",
    "smallest": "mindste fejl",
    "choose": "Vælg metode pr. indsatstype",
    "choose_column": "Ny metode og begrundelse",
    "choose_hint": "Valget gælder fra nu for prognosen af indsatstypen; de tidligere valg "
    "gemmes med hvem, hvornår og hvorfor.",
    "choices": "Valgte metoder",
    "no_types": "Der er ingen indsatstyper med udgifter i data at vælge metode for.",
    "read_only": "Kun administratorer og økonomikonsulenter kan vælge prognosemetode.",
    "type": "Indsatstype",
    "in_force": "Gældende metode",
    "default": "{method} (standard, intet valgt)",
    "method_for": "Metode for {type}",
    "note_for": "Begrundelse for {type}",
    "note": "Begrundelse",
    "save": "Gem",
    "save_for": "Gem metoden for {type}",
    "saved": "Prognosemetoden for {type} er gemt som version {version}: {method}.",
    "refused": "Metoden er ikke gemt",
    "unknown_type": "Indsatstypen «{type}» har ingen udgifter i data.",
    "unknown_hint": "Vælg en af indsatstyperne i listen.",
    "history": "Versioner af valgene",
    "no_history": "Der er ikke valgt prognosemetode for nogen indsatstype endnu.",
    "columns": {
        "area": "Sektorområde",
        "intervention": "Indsatstype",
        "method": "Metode",
        "note": "Begrundelse",
        "in_force": "Gældende",
    },
}

AUDIT_ACTIONS = {"prognosemetode_valgt": "Valgte prognosemetode for en indsatstype"}
