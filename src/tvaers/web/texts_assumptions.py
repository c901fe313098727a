"""The budget assumptions' page in Danish (003 §2.1: planned full-year persons × average price,
and the deviation split into volume and price): ``T.assumptions`` in the templates."""

from __future__ import annotations

from typing import Any

from tvaers.core.suppression import SMALL_CELL

ASSUMPTIONS: dict[str, Any] = {
    "title": "Budgetforudsætninger",
    "nav": "Budgetforudsætninger",
    "link": "Budgetforudsætninger pr. indsatstype: afvigelsen delt i mængde og pris",
    "lead": "Budgettet for hver indsatstype er lagt som et antal helårspersoner gange en "
    "gennemsnitspris. Her ses forudsætningerne mod det faktiske forbrug i data, og afvigelsen "
    "delt i en mængdeeffekt (flere eller færre helårspersoner end planlagt, til den planlagte "
    "pris) og en priseffekt (en anden pris pr. helårsperson, for de faktiske helårspersoner).",
    "choose": "Vælg år og grundlag",
    "year": "År",
    "basis": "Grundlag",
    "show": "Vis",
    "how": "Sådan er tallene regnet",
    "how_units": "Faktiske helårspersoner: hver aktivitets dage i perioden {period} divideret "
    "med årets {days} dage. En aktivitet uden slutdato tælles til udgangen af datas sidste "
    "måned.",
    "how_spend": "Faktisk udgift: ressourcetrækkets linjer for indsatstypen i perioden "
    "(CPR-registreret og individfordelt), {basis}.",
    "how_price": "Faktisk gennemsnitspris: udgiften divideret med helårspersonerne, vist "
    "afrundet til øre. Afvigelsen regnes med den præcise pris, så planlagt + afvigelse er "
    "præcis den faktiske udgift, og mængdeeffekt + priseffekt er præcis afvigelsen.",
    "how_formula": "Mængdeeffekt = (faktiske − planlagte helårspersoner) × planlagt pris. "
    "Priseffekt = afvigelsen − mængdeeffekten (= (faktisk − planlagt pris) × faktiske "
    "helårspersoner, inden for en øre).",
    "part_year": "Data dækker kun {period} af {year}: de faktiske tal er året indtil nu, mens "
    "forudsætningerne gælder hele året.",
    "table": "Budgetforudsætninger og afvigelse pr. indsatstype",
    "empty": "Der er hverken budgetforudsætninger eller aktiviteter for året.",
    "chart_title": "Mængde- og priseffekt pr. indsatstype",
    "chart_label": "Søjlediagram: mængdeeffekt og priseffekt pr. indsatstype i kr. Tallene "
    "står i tabellen nedenfor.",
    "effect": "Effekt",
    "volume_series": "Mængdeeffekt",
    "price_series": "Priseffekt",
    "amount_kr": "Kr.",
    "intervention_axis": "Indsatstype",
    "suppressed_note": f"Faktiske tal for en indsatstype med færre end {SMALL_CELL} borgere er "
    "skjult; planlagte tal vises altid.",
    "no_data": "Der er ingen indlæste data endnu.",
    "no_year": "Der er ingen posteringer i {year}.",
    "versions": "Versioner",
    "versions_table": "Alle versioner af årets budgetforudsætninger",
    "no_versions": "Der er ingen budgetforudsætninger for året endnu.",
    "in_force": "Gældende",
    "edit": "Sæt en budgetforudsætning",
    "edit_hint": "En ny version for indsatstypen, året og grundlaget; de samme tal som den "
    "gældende gemmer intet. Tal kan skrives på dansk (1.234,56) eller internationalt (1234.56).",
    "edit_refused": "Budgetforudsætningen er ikke gemt",
    "save": "Gem budgetforudsætningen",
    "saved": "Budgetforudsætningen for {code} i {year} er gemt som version {version}.",
    "unchanged": "Budgetforudsætningen for {code} i {year} er uændret (version {version}).",
    "import": "Importér budgetforudsætninger fra en CSV-fil",
    "import_hint": "Første linje: intervention,units,price (indsatskode, helårspersoner, pris "
    "pr. helårsperson). Kolonnerne kan også adskilles med semikolon; så kan tallene skrives "
    "med decimalkomma. Alt eller intet: en forkert linje afviser hele filen.",
    "import_file": "CSV-fil",
    "import_button": "Importér",
    "import_refused": "Filen er ikke importeret",
    "import_missing": "Vælg en CSV-fil at importere.",
    "import_unreadable": "Filen kan ikke læses som tekst. Gem den som CSV (UTF-8).",
    "imported": "{rows} budgetforudsætninger for {year} er importeret: {saved} gemt som ny "
    "version, {unchanged} uændrede.",
    "read_only": "Kun administratorer og økonomikonsulenter kan ændre budgetforudsætningerne.",
    "fields": {
        "intervention": "Indsats",
        "units": "Planlagte helårspersoner",
        "price": "Planlagt gennemsnitspris pr. helårsperson (kr.)",
        "note": "Bemærkning",
    },
    "hints": {
        "units": "Fx 12,5. Højst fire decimaler.",
        "price": "Fx 412.500,00.",
    },
    "columns": {
        "intervention": "Indsats",
        "name": "Navn",
        "citizens": "Borgere",
        "planned_units": "Planlagte helårspersoner",
        "planned_price": "Planlagt pris",
        "planned": "Planlagt udgift",
        "actual_units": "Faktiske helårspersoner",
        "actual_price": "Faktisk pris",
        "actual": "Faktisk udgift",
        "variance": "Afvigelse",
        "volume": "Mængdeeffekt",
        "price": "Priseffekt",
        "basis": "Grundlag",
        "units": "Helårspersoner",
        "price_each": "Gennemsnitspris",
        "in_force": "Gældende",
        "note": "Bemærkning",
    },
}

AUDIT_ACTIONS = {
    "budgetforudsaetning_sat": "Satte en budgetforudsætning",
    "budgetforudsaetninger_importeret": "Importerede budgetforudsætninger",
}
