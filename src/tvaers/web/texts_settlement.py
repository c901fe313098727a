"""The settlement's and the efficiency requirement's pages in Danish (issue 13): ``T.settlement``
in the templates. Apart from :mod:`tvaers.web.texts` so that each file stays short enough."""

from __future__ import annotations

from typing import Any

from tvaers.budget.model import HARVEST_LABELS, SPLIT_RULE_LABELS
from tvaers.core.suppression import SMALL_CELL

AUDIT_ACTIONS = {
    "afregning_registreret": "Registrerede en efterregulering",
    "effektiviseringskrav_sat": "Fastsatte et effektiviseringskrav",
}

SETTLEMENT: dict[str, Any] = {
    "title": "Efterregulering",
    "link": "Efterregulering (Albertslund-modellen)",
    "requirement_link": "Effektiviseringskrav og fordeling på sektorområder",
    "lead": "Ved årets udgang sammenlignes de indskrevne borgeres udgifter før («gammel løsning», "
    "baseline) og i året («ny løsning», faktisk) pr. sektorområde. Hvert områdes budget "
    "reguleres med forskellen, og løsningens tværgående budgetlinje (i Albertslund «Fælles om "
    "målet») starter på −kravet og viser til sidst, om besparelseskravet er indfriet.",
    "year": "År",
    "basis": "Grundlag",
    "show": "Vis",
    "from_data": "Fra data",
    "from_data_lead": "Faktisk er borgernes træk i årets måneder fra indskrivningen (til "
    "udskrivningen). Baseline er deres træk i de 12 måneder før den første indskrivning, "
    "skaleret til de måneder, der tæller i året (baseline × måneder ÷ 12), så gammel og ny "
    "løsning dækker lige mange måneder.",
    "suppressed": f"Statistik: et område med færre end {SMALL_CELL} borgere skjules, og så mange "
    "andre, at det ikke kan regnes ud; det samme gælder tal, der afviger med færre end "
    f"{SMALL_CELL} borgere fra tal, der er vist før. De skjulte områder står samlet på én "
    "linje, så afregningen stadig går op.",
    "members": "{count} borgere tæller med; {months} borgermåneder i {period}.",
    "incomplete": "{count} borgeres baselineperiode begynder før data; for dem tæller det, "
    "data har.",
    "no_members": "Løsningen har ingen indskrevne borgere.",
    "no_data": "Der er ikke indlæst data endnu.",
    "hidden": "Tallene er skjult",
    "table": "Budgetændring pr. sektorområde",
    "cross_cutting": "Tværgående budgetlinje",
    "cross_cutting_text": "Den tværgående budgetlinje starter på {start} (kravet) og ender på "
    "{end}",
    "chart": "Gammel og ny løsning pr. sektorområde",
    "chart_label": "Søjlediagram: gammel og ny løsning pr. sektorområde; tallene står i tabellen "
    "under diagrammet.",
    "series_baseline": "Gammel løsning (baseline)",
    "series_actual": "Ny løsning (faktisk)",
    "requirement": "Besparelseskrav {year}: {amount}",
    "no_requirement": "Løsningen har intet effektiviseringskrav for {year}; afregningen regner "
    "med 0 kr.",
    "record": "Registrér afregningen fra data",
    "record_hint": "Gemmer tallene ovenfor som en ny version af årets afregning.",
    "recorded": "Afregningen for {year} er registreret som version {version}.",
    "refused": "Afregningen er ikke registreret",
    "hand_link": "Indtast afregningen i hånden",
    "hand_title": "Indtast efterregulering",
    "hand_lead": "Skriv baseline (gammel løsning) og faktisk (ny løsning) for hvert "
    "sektorområde, der er med. Beløb skrives som 5.000.000,00 eller 5000000.",
    "hand_save": "Registrér afregningen",
    "editors_only": "Kun en administrator eller en økonomikonsulent kan registrere en "
    "afregning eller fastsætte et krav.",
    "year_hint": "Afregningsåret, fx 2025.",
    "hand_area": "Sektorområde",
    "amount_hint": "Kroner, fx 5.000.000,00 eller 5000000.",
    "requirement_field": "Besparelseskrav (kr.)",
    "requirement_hint": "Det, løsningen skal spare i året; 0, hvis der intet krav er.",
    "note_field": "Bemærkning",
    "note_hint": "Hvor tallene kommer fra (valgfri).",
    "bad_amount": "«{text}» er ikke et beløb. Skriv fx 5.000.000,00 eller 5000000.",
    "too_precise": "«{text}» har mere end to decimaler. Skriv beløbet i hele øre.",
    "no_lines": "Skriv baseline og faktisk for mindst ét sektorområde.",
    "fix_errors": "Ret felterne markeret med fejl; intet er gemt.",
    "bad_year": "Vælg et år mellem 2000 og 2100.",
    "bad_posted_year": "Året «{text}» i sidens adresse er ikke et år mellem 2000 og 2100, så "
    "intet er gemt. Siden viser nu {year}; gem igen, hvis det er {year}, du mener.",
    "versions": "Registrerede afregninger",
    "no_versions": "Der er ingen registrerede afregninger for {year}.",
    "in_force": "Registreret afregning i kraft: version {version} ({source}, {basis})",
    "sources": {"data": "fra data", "hand": "indtastet i hånden"},
    "harvest": "Høstning: up front eller hen ad vejen",
    "harvest_lead": "Up front skæres hvert områdes budget med dets del af kravet, når budgettet "
    "lægges, og området beholder eller dækker forskellen til det faktiske. Hen ad vejen følger "
    "budgetterne afregningen ved årets udgang, og den tværgående budgetlinje bærer resultatet.",
    "harvest_none": "Der er intet krav at høste for {year}, eller kravets fordelingsregel kan "
    "ikke bruges på tallene: {reason}",
    "harvest_lines": "Up front ender den tværgående budgetlinje på {upfront} og områderne "
    "samlet på {areas}; hen ad vejen ender den på {realised}",
    "rules": SPLIT_RULE_LABELS,
    "harvests": HARVEST_LABELS,
    "columns": {
        "baseline": "Gammel løsning (baseline)",
        "actual": "Ny løsning (faktisk)",
        "change": "Budgetændring",
        "citizens": "Borgere",
        "upfront_adjustment": "Up front: budget skæres",
        "upfront_balance": "Up front: områdets resultat",
        "as_realised_adjustment": "Hen ad vejen: budgetændring",
        "version": "Version",
        "source": "Kilde",
        "basis": "Grundlag",
        "requirement": "Krav",
        "end": "Tværgående linje ender på",
        "met": "Kravet indfriet",
        "changed_by": "Registreret af",
        "changed_at": "Tidspunkt",
        "rule": "Regel",
        "amount": "Beløb",
        "harvest": "Høstning",
        "note": "Bemærkning",
    },
    # the requirement's page
    "req_title": "Effektiviseringskrav",
    "req_lead": "Løsningens effektiviseringskrav for året og dets fordeling på "
    "sektorområderne. Der findes ingen fælles regel, så kommunen vælger, og siden viser hver "
    "regels virkning for hvert område side om side, præcist på øren.",
    "req_current": "Krav i kraft for {year}: {amount}, version {version}, fordelt {rule}; "
    "høstning {harvest}. Sat af {who} {when}.",
    "req_none": "Løsningen har intet effektiviseringskrav for {year}.",
    "req_compare": "Alle fordelingsregler side om side",
    "req_compare_hint": "Efter baseline bruges de indskrevne borgeres baseline fra data for "
    "året (brutto); et område, der er skjult af hensyn til små tal, får ingen del efter denne "
    "regel.",
    "req_cannot": "{rule} kan ikke bruges: {reason}",
    "req_chart": "Hvert områdes del af kravet efter hver regel",
    "req_chart_label": "Linjediagram: hvert sektorområdes del af kravet efter hver "
    "fordelingsregel; tallene står i tabellen under diagrammet.",
    "req_in_force": "(i kraft)",
    "req_form": "Fastsæt kravet for {year}",
    "req_form_hint": "En ændring gemmes som en ny version; den gamle bliver stående.",
    "req_amount": "Krav (kr.)",
    "req_amount_hint": "Det, løsningen skal spare i året, fx 1.500.000,00.",
    "req_rule": "Fordelingsregel",
    "req_harvest": "Høstning",
    "req_gains": "Forventet gevinst pr. sektorområde (kr.)",
    "req_gains_hint": "Bruges af reglen «Efter forventet gevinst».",
    "req_shares": "Faste andele pr. sektorområde",
    "req_shares_hint": "Bruges af reglen «Faste andele»: procent (33,5%) eller brøk (1/3), "
    "tilsammen 100 %.",
    "req_save": "Gem kravet",
    "req_saved": "Effektiviseringskravet for {year} er gemt som version {version}.",
    "req_refused": "Kravet er ikke gemt",
    "req_choose_rule": "Vælg en fordelingsregel: {rules}.",
    "req_choose_harvest": "Vælg høstning: {harvests}.",
    "req_gain_negative": "Den forventede gevinst kan ikke være negativ: et krav kan ikke "
    "fordeles efter en negativ vægt.",
    "req_versions": "Versioner",
    "solution_budget": "Løsningens eget budget",
}
