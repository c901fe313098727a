"""The result goals' page in Danish (Furesø, issue 14: goals per solution and year, figure II,
the three steps and the intervention staircase): ``T.results`` in the templates."""

from __future__ import annotations

from typing import Any

from tvaers.core.suppression import SMALL_CELL

RESULTS: dict[str, Any] = {
    "title": "Resultater og progression",
    "link": "Resultater og progression",
    "lead": "Hvor mange af løsningens borgere når målene i året — i job, uddannelse eller "
    "praktik — og hvordan bevæger de sig på Furesøs tre trin og på indsatstrappen? Tallene "
    "bygger på de indlæste udfald og aktiviteter.",
    "group": "{citizens} borgere var indskrevet i løsningen en dag i {year} (data til og med "
    "{period}).",
    "choose": "Vælg år",
    "year": "År",
    "show": "Vis",
    "year_refused": "Året kan ikke vises",
    "no_data": "Der er ingen indlæste data endnu.",
    "no_members": "Løsningen har ingen indskrevne borgere endnu.",
    "no_year": "Der er ingen data for {year}.",
    "hidden": "Løsningens resultater er skjult",
    "no_goals": "Løsningen har ingen resultatmål for året endnu.",
    "goals": "Resultatmål",
    "chart_goals": "Søjlediagram: borgere, der har nået hvert mål, ved siden af målet (Furesøs "
    "figur II). Tallene står i tabellen nedenfor.",
    "months": "Måned for måned",
    "chart_months": "Kurver: borgere, der har nået hvert mål, samlet fra årets start, med målet "
    "som stiplet linje. Tallene står i tabellen nedenfor.",
    "steps": "Furesøs tre trin",
    "steps_hint": "Trin 1: på ydelse. Trin 2: i praktik. Trin 3: i job eller uddannelse. "
    "Borgerens trin er trinnet for det nyeste udfald på dagen.",
    "staircase": "Indsatstrappen",
    "staircase_hint": "Det højeste trin på indsatstrappen blandt borgerens indsatser på dagen "
    "(0: ingen indsats). Et højere trin er mere indgribende; målet er at komme ned ad trappen.",
    "chart_flow": "Søjlediagram: for hvert trin ved start, hvor mange borgere der endte på hvert "
    "trin. Tallene står i tabellen nedenfor.",
    "movements": "Op, ned eller samme trin",
    "suppressed_note": f"Tal for færre end {SMALL_CELL} borgere er skjult.",
    "citizens_link": "Borgernes resultater (sagsbehandling)",
    "citizens_title": "Borgernes resultater",
    "citizens_lead": "Hver borgers periode i året, trin og indsatstrappe ved start og slut og "
    "dagen, hvert mål første gang blev nået. Visningen er logget for hver borger.",
    "edit": "Sæt et resultatmål",
    "edit_hint": "En ny version af målet for året; det samme mål gemmer intet. Angiv enten et "
    "antal borgere eller en andel i procent.",
    "edit_refused": "Resultatmålet er ikke gemt",
    "presets": "Furesøs mål",
    "presets_hint": "Sæt Furesøs tre mål for året: 15 % i job eller uddannelse, 50 i praktik og "
    "15 i job eller uddannelse.",
    "presets_button": "Sæt Furesøs tre mål",
    "fields": {
        "goal": "Målets kode",
        "name": "Målets navn",
        "statuses": "Udfald, der tæller som nået",
        "count": "Mål: antal borgere",
        "share": "Mål: andel i procent",
        "note": "Bemærkning",
    },
    "hints": {
        "goal": "Små bogstaver og tal, fx praktik.",
        "statuses": "Adskil med komma, fx job, education. Kendte udfald: {known}.",
        "count": "Fx 50. Udfyld enten antal eller andel.",
        "share": "Fx 15 eller 15,5.",
    },
    "save": "Gem resultatmålet",
    "saved": "Resultatmålet «{name}» for {year} er gemt som version {version}.",
    "unchanged": "Resultatmålet «{name}» for {year} er uændret (version {version}).",
    "presets_saved": "Furesøs mål for {year} er sat ({changed} ændret).",
    "read_only": "Kun administrator, leder af tværgående løsning, fagchef og økonomikonsulent "
    "kan sætte resultatmål.",
    "versions": "Versioner af årets mål",
}

AUDIT_ACTIONS = {
    "resultatmaal_sat": "Resultatmål sat",
    "resultater_borgere_vist": "Borgernes resultater vist",
    "resultater_borgere_eksporteret": "Borgernes resultater hentet som Excel",
    "resultater_borgere_udtrukket": "Borgernes resultater udtrukket på kommandolinjen",
}
