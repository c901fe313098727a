"""The benchmarking page in Danish (issue 15, F26), passed to the template as ``B``. The tables'
titles and headings are :mod:`tvaers.benchmarking.tables`', shared with ``tvaers benchmark``."""

from __future__ import annotations

from typing import Any

BENCHMARKING: dict[str, Any] = {
    "title": "Sammenligning af kommuner",
    "nav": "Sammenligning",
    "lead": "Kommunernes samlede ressourcetræk side om side: dækningsgrad, hvor meget de "
    "dyreste borgere trækker, borgere i flere sektorområder, træk pr. borger i de færdige "
    "målgrupper og efter kombination af områder — og den udgift, kommunen kunne forventes at "
    "have ud fra sine borgeres alder, familietype og ydelser, mod den faktiske. Kun samlede "
    "tal; grupper med færre end 5 borgere er skjult.",
    "choose": "Vælg år og sammenligningsgruppe",
    "year": "År",
    "peers": "Sammenlign med",
    "peers_hint": "Tomt: kommuner af samme størrelse. Ellers kommunekoder adskilt af komma, "
    "fx 101,147,190.",
    "show": "Vis",
    "excel": "Hent alle tabeller i Excel (én projektmappe med diagrammer)",
    "no_data": "Der er ikke indlæst data endnu, så der er intet at sammenligne.",
    "year_wrong": "Året skal være et årstal, fx 2025, ikke «{text}».",
    "year_missing": "Data dækker ikke {year}.",
    "one": "Der er kun én kommune i data: tallene står alene, men forventet mod faktisk "
    "udgift og placeringerne giver først mening med flere kommuner.",
}
