"""A solution's economy page (issue 11 #4), in Danish: ``T.economy`` in the templates."""

from __future__ import annotations

from tvaers.core.suppression import SMALL_CELL

ECONOMY = {
    "title": "Økonomi",
    "link": "Løsningens økonomi",
    "link_hint": "Nulpunkt og træk siden indskrivning for løsningens indskrevne, pr. sektorområde "
    "og måned. Kun sammentællinger.",
    "lead": "{members} borgere har været indskrevet i løsningen (også de udskrevne; en indskrevet "
    "familie med alle sine medlemmer). Kun sammentællinger: tal for færre end "
    f"{SMALL_CELL} borgere er skjult.",
    "baseline_lead": "Nulpunktet er udgiften de 12 måneder før hver borgers første indskrivning "
    "({window}), i alt {months} borgermåneder med data.",
    "since_lead": "Trækket siden indskrivning er fra indskrivningsmåneden til udskrivningsmåneden "
    "eller dataenes sidste måned ({period}), i alt {months} borgermåneder.",
    "no_baseline": "Der er ingen data fra månederne før indskrivningen, så der er intet nulpunkt.",
    "no_since": "Der er ingen data fra månederne efter indskrivningen endnu.",
    "no_members": "Løsningen har ingen indskrevne borgere eller familier endnu, så der er ingen "
    "økonomi at vise. Borgere indskrives fra kandidatlisten under sagsbehandlingsformål.",
    "no_data": "Der er ikke indlæst data endnu, så løsningens økonomi kan ikke beregnes.",
    "no_data_hint": "Indlæs kommunens data med kommandoen tvaers import MAPPE.",
    "hidden": "Løsningens tal er skjult.",
    "areas": "Nulpunkt og træk pr. sektorområde",
    "areas_hint": "Pr. borger pr. måned: beløbet delt med borgermånederne (nulpunktets måneder "
    "med data, henholdsvis de indskrevne måneder), så perioder af forskellig længde kan "
    "sammenlignes. Forskellen er trækket siden indskrivning minus nulpunktet, pr. borger pr. "
    "måned.",
    "months": "Træk pr. sektorområde og måned siden indskrivning",
    "months_hint": "Pr. indskrevet: månedens træk delt med de borgere, der var indskrevet i "
    "måneden. Rækken «I alt» pr. område er hele perioden, delt med alle borgermånederne.",
    "chart": "Træk pr. indskrevet borger pr. måned, med nulpunktet stiplet",
    "chart_label": "Linjediagram: træk pr. indskrevet borger pr. måned for hvert sektorområde, med "
    "områdets nulpunkt pr. borger pr. måned som stiplet linje. Tallene står i tabellen under.",
    "chart_value": "Kr. pr. borger pr. måned",
    "baseline_note": "Nulpunkt: {note}",
    "since_note": "Siden indskrivning: {note}",
    "costs_hint": "Nulpunkt: udgiften de 12 måneder før indskrivningen (de måneder, der er data "
    "for). Træk siden indskrivning: fra indskrivningsmåneden til udskrivningsmåneden eller "
    "dataenes sidste måned; «Måneder siden» er de måneder. En familie: alle medlemmer.",
}

COLUMNS = {
    "holder": "Budgetansvarlig",
    "baseline": "Nulpunkt i alt",
    "baseline_per_month": "Nulpunkt pr. borger pr. måned",
    "since": "Træk siden indskrivning",
    "since_per_month": "Træk pr. borger pr. måned",
    "difference": "Forskel pr. borger pr. måned",
    "units": "Borgere med træk",
    "total": "Træk",
    "members": "Indskrevne",
    "per_month": "Pr. indskrevet",
    "reference": "Nulpunkt pr. borger pr. måned",
    "member_baseline": "Nulpunkt (12 mdr. før)",
    "since_months": "Måneder siden",
}
