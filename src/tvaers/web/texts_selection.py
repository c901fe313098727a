"""The selection pages' texts (focus point 2), in Danish: ``T.selection`` in the templates.
Apart from :mod:`tvaers.web.texts` so that each file stays short enough to read."""

from __future__ import annotations

from tvaers.core.suppression import SMALL_CELL

SELECTION = {
    "nav": "Målgrupper",
    "title": "Målgrupper",
    "lead": "Regelsæt, der beskriver en målgruppe ud fra kommunens data: betingelser, "
    "undtagelser og en kompleksitetsscore. Her ses kun sammentællinger; celler med færre end "
    f"{SMALL_CELL} borgere eller familier er skjult.",
    "rules": "Regelsæt",
    "statistics_of": "Målgruppen",
    "size_now": "Størrelse nu",
    "cost_now": "Ressourcetræk",
    "period_now": "Periode",
    "computing": "beregnes",
    "computing_note": "Tal, der står som «beregnes», regnes ud nu; siden opdaterer sig selv.",
    "new": "Nyt regelsæt",
    "import": "Importér YAML",
    "import_file": "YAML-fil med et regelsæt",
    "import_hint": "Filen gemmes som en ny version, hvis regelsættet findes i forvejen og er "
    "ændret. Et regelsæt med fejl gemmes ikke.",
    "import_button": "Importér",
    "view": "Vis",
    "actions": "Handlinger",
    "export": "Hent YAML",
    "edit": "Redigér",
    "edit_yaml": "Redigér YAML",
    "builder_open": "Redigér i formularen",
    "builder_explore": "Prøv ændringer i formularen",
    "builder_new": "Byg et nyt regelsæt",
    "new_yaml": "Nyt regelsæt i YAML",
    "versions": "Versioner",
    "label": "Betegnelse",
    "key": "Kort navn",
    "unit": "Enhed",
    "units": {"citizen": "Borgere", "family": "Familier"},
    "unit_one": {"citizen": "Borger", "family": "Familie"},
    "ready_made": "Færdigt regelsæt",
    "ready_made_actor": "Tværs",
    "yaml": "Regelsættet i YAML",
    "yaml_hint": "Tekstformatet for eksperter; det er beskrevet i Tværs' vejledning om "
    "målgrupper. Det er nemmere at bygge reglen i formularen («Redigér i formularen»). En fejl "
    "vises med stedet i regelsættet, fx include.all[0].benefit.types.",
    "note": "Bemærkning til ændringen",
    "note_hint": "Hvorfor ændres regelsættet? Vises i versionshistorikken.",
    "saved_new": "Regelsættet «{label}» er gemt som version {version}.",
    "unchanged": "Regelsættet «{label}» var uændret; der er ikke gemt en ny version.",
    "not_saved": "Regelsættet er ikke gemt.",
    "key_changed": "Regelsættets navn (rule_set) kan ikke ændres her: siden redigerer "
    "'{key}'. Brug «Nyt regelsæt» for at oprette et regelsæt med et andet navn.",
    "key_exists": "Der findes allerede et regelsæt med navnet '{key}'. Vælg et andet navn, "
    "eller redigér det eksisterende.",
    "key_reserved": "Navnet '{key}' bruges af Tværs' egne sider. Vælg et andet navn.",
    "file_missing": "Vælg en fil.",
    "file_too_large": "Filen er for stor (højst 100 kB).",
    "rule_text": "Reglen",
    "include": "Betingelser (skal være opfyldt)",
    "exclude": "Undtagelser (tages fra igen)",
    "all": "alle disse",
    "any": "mindst én af disse",
    "not": "ikke",
    "score": "Kompleksitetsscore",
    "score_weights": "Point pr. enhed",
    "score_min": "Mindste score for at høre til målgruppen",
    "lookback": "Ser tilbage",
    "description": "Beskrivelse",
    "source": "Kilde",
    "as_of": "Skæringsdato",
    "as_of_hint": "Målgruppen opgøres på denne dato. Standard er sidste dag med data.",
    "show": "Vis",
    "no_data": "Der er ikke indlæst data at opgøre målgruppen af. Data indlæses af en "
    "administrator (tvaers import).",
    "size": "Målgruppens størrelse og udgift",
    "by_area": "Udgift pr. sektorområde",
    "by_area_label": "Søjlediagram: målgruppens udgift pr. sektorområde. Tallene står i "
    "tabellen herunder.",
    "composition": "Sammensætning",
    "funnel": "Tragt: fra betingelse til målgruppe",
    "what_if": "Hvad betyder hvert kriterium?",
    "what_if_hint": "Målgruppens størrelse og udgift, hvis et enkelt kriterium blev fjernet "
    "(«uden dette kriterium»).",
    "variant": "Hvad nu hvis?",
    "variant_lead": "Se, hvordan målgruppen ændrer sig, hvis reglen ændres: byg en variant i "
    "formularen, hvor du vælger betingelser og ser antallet, mens du ændrer. Intet gemmes, før "
    "du beder om det.",
    "variant_builder": "Byg en variant i formularen",
    "variant_yaml_lead": "Kender du regelsættenes tekstformat (YAML), kan du også rette en "
    "variant direkte herunder og sammenligne den med grundreglen. Intet gemmes.",
    "variant_yaml_hint": "Tekstformatet for eksperter. En fejl vises med stedet i teksten.",
    "variant_button": "Beregn variant",
    "variant_excel": "Hent sammenligningen som Excel",
    "compare": "Grundregel og variant",
    "variant_changes": "Varianten afviger fra grundreglen sådan:",
    "variant_same": "Varianten er den samme regel som grundreglen.",
    "why_title": "Hvorfor kan jeg ikke se, hvem der er i målgruppen?",
    "why": [
        "Denne side er statistik: den viser kun sammentællinger, og små celler er skjult, så "
        "ingen enkelt borger kan genkendes.",
        "Data brugt til statistik må aldrig bruges til at udpege de borgere, der indgår i "
        "analysen. Et statistisk resultat bliver derfor aldrig til en liste over kandidater.",
        "Kandidater findes i stedet på ny under sagsbehandlingsformål, for én bestemt "
        "tværgående løsning og med et registreret grundlag (samtykke, hjemmel eller væsentlig "
        "interesse). Hver visning af en kandidatliste logges.",
    ],
    "why_link": "Find kandidater til en løsning under «Udvælgelse» på løsningens side.",
    "candidates": "Udvælgelse af kandidater",
    "candidates_lead": "Kandidater til løsningen efter et regelsæt, rangeret efter "
    "kompleksitetsscore. Data er kun et forslag: den faglige vurdering afgør, hvem der optages.",
    "choose_rule": "Regelsæt",
    "choose": "Find kandidater",
    "candidate": "Kandidat",
    "candidate_list": "Kandidater",
    "score_breakdown": "Scorens sammensætning",
    "data_behind": "Data bag udvælgelsen",
    "assessment": "Faglig vurdering",
    "decision": "Beslutning",
    "motivation": "Motivation",
    "development_potential": "Udviklingspotentiale",
    "choose_decision": "en beslutning",
    "choose_one": "Vælg {what}: {choices}.",
    "assessment_note": "Notat",
    "assessment_note_hint": "Skriv ikke CPR-numre; borgeren er identificeret ved sit pseudonym.",
    "enrol_on": "Indskrives fra (kun ved «optages»)",
    "enrol_on_hint": "Udfyld for at indskrive i løsningen med det samme. Lad feltet stå tomt "
    "for at indskrive senere.",
    "assessed_on": "Vurderingens dato",
    "assess_button": "Registrér vurdering",
    "assessed": "Vurderingen er registreret.",
    "assessed_enrolled": "Vurderingen er registreret, og kandidaten er indskrevet fra {day}.",
    "enrol": "Indskriv",
    "enrol_button": "Indskriv i løsningen",
    "enrolled": "Indskrevet fra {day}.",
    "history": "Beslutninger",
    "enrolments": "Indskrevne",
    "enrolments_lead": "Borgere og familier, der er indskrevet i løsningen, og deres forløb.",
    "discharge": "Udskriv",
    "discharge_choose": "Vælg",
    "discharge_selected": "Udskriv de valgte",
    "discharge_none": "Vælg mindst én borger eller familie at udskrive.",
    "discharged_many": "{count} er udskrevet fra {day}.",
    "enrolled_search": "Søg blandt de indskrevne",
    "enrolled_search_hint": "En del af pseudonymet eller familiekoden.",
    "enrolled_all": "Vis også udskrevne",
    "enrolled_show": "Vis",
    "enrolled_found": "{found} forløb fundet; side {page} af {pages}.",
    "enrolled_page": "Side {page} af {pages}",
    "enrolled_pages": "Sider med indskrevne",
    "enrolled_none": "Ingen indskrevne matcher.",
    "history_recent": "De seneste {shown} af {total} beslutninger; hele historikken er i Excel.",
    "discharge_on": "Udskrivningsdato",
    "discharge_reason": "Årsag",
    "discharge_reason_hint": "Fx «mål nået», «fraflyttet kommunen» eller «ønsker ikke at deltage».",
    "basis": "Grundlag for udvælgelse",
    "basis_lead": "Før der kan vises kandidater til løsningen, skal grundlaget for at behandle "
    "oplysninger om borgerne registreres: samtykke, hjemmel i lovgivningen eller en "
    "dokumenteret væsentlig interesse. Registreringen logges.",
    "basis_reference_hint": "Fx «Retssikkerhedslovens § 11 c, j.nr. 27.00.00-A00-1-25» eller "
    "løsningens samtykkeproces med dato.",
    "basis_button": "Registrér grundlag",
    "basis_recorded": "Grundlaget for udvælgelse er registreret.",
    "basis_recorded_later": "Grundlaget er registreret, men gælder først fra {day}; indtil da "
    "kan kandidater ikke vises.",
    "basis_recorded_expired": "Grundlaget er registreret, men udløb {day}; det giver ikke adgang "
    "til kandidater. Registrér et gældende grundlag.",
    "basis_active": "Gældende grundlag",
    "basis_none": "Der er ikke registreret et gældende grundlag for udvælgelse til løsningen.",
    "basis_history": "Registrerede grundlag",
    "logged": "Visningen er logget. Grundlag",
    "refused_statistical": "Kandidatlister og oplysninger om enkelte borgere kræver "
    "sagsbehandlingsformål. Data brugt til statistik må aldrig bruges i sagsbehandling, og et "
    "statistisk resultat bliver aldrig til en kandidatliste. Skift formål til "
    "«Sagsbehandlingsformål» øverst på siden, og åbn siden igen.",
    "refused_role": "Din rolle giver ikke adgang til kandidater og oplysninger om enkelte "
    "borgere. Målgruppernes statistik (kun sammentællinger) kan ses under «Målgrupper». "
    "Statistiske resultater må aldrig bruges til at udpege borgere (de to formål holdes adskilt).",
    "refused_basis": "Der er ikke registreret et gældende grundlag for at udvælge kandidater "
    "til løsningen «{name}». Intet er vist, og intet er logget som visning.",
    "refused_basis_recorder": "Registrér grundlaget for udvælgelse",
    "refused_basis_other": "Bed en sagsbehandler, en fagchef eller løsningens leder om at "
    "registrere grundlaget.",
    "refused_recorder": "Din rolle kan ikke registrere grundlag for udvælgelse.",
    "solution_links": "Udvælgelse af borgere og familier (fokuspunkt 2)",
    "solution_links_hint": "Kræver sagsbehandlingsformål og et registreret grundlag. Hver "
    "visning logges.",
    "solution_links_statistical": "Du arbejder under statistisk formål. Skift til "
    "sagsbehandlingsformål øverst på siden for at se kandidater og indskrevne; du kommer "
    "tilbage hertil.",
    "no_candidates": "Ingen kandidater efter regelsættet på skæringsdatoen.",
    "not_candidate": "Enheden er ikke kandidat efter regelsættet på skæringsdatoen. "
    "Tidligere beslutninger vises herunder.",
    "ongoing": "indskrevet",
    "no_history": {
        "citizen": "Der er ikke registreret nogen vurdering af borgeren til løsningen endnu.",
        "family": "Der er ikke registreret nogen vurdering af familien til løsningen endnu.",
    },
}

# The rule builder (``/maalgrupper/…/byg``): ``T.selection.builder`` in the templates.
BUILDER = {
    "title_new": "Byg et nyt regelsæt",
    "title": "Byg reglen",
    "lead": "Byg målgruppen af betingelser: vælg en type betingelse, tryk «Tilføj betingelse», "
    "og udfyld felterne. Antallet i målgruppen vises nederst og følger med, når du ændrer noget "
    "(eller trykker «Vis antal»).",
    "lead_viewer": "Du kan prøve ændringer og se antallet, men din rolle kan ikke gemme dem.",
    "comments": "Regelsættets tekst har kommentarer. De kommer ikke med, når du gemmer fra "
    "formularen; brug «Redigér YAML» for at beholde dem.",
    "errors": "Ret felterne herunder",
    "about": "Om målgruppen",
    "key": "Kort navn",
    "key_hint": "Bruges i adressen og kan ikke ændres senere: små bogstaver (a-z), tal, - og _, "
    "fx «unge_paa_kontanthjaelp».",
    "label": "Betegnelse",
    "label_hint": "Målgruppens navn, som det vises i Tværs.",
    "description": "Beskrivelse",
    "description_hint": "Hvem er målgruppen, og hvorfor? Kan udelades.",
    "source": "Kilde",
    "source_hint": "Fx en politisk beslutning eller en undersøgelse. Kan udelades.",
    "unit": "Målgruppen består af",
    "units": {"citizen": "Borgere", "family": "Familier (alle familiens medlemmer tilsammen)"},
    "lookback": "Ser tilbage (måneder)",
    "lookback_hint": "Udgift og kontakter tælles i så mange måneder til og med skæringsdatoen "
    "(1–60).",
    "include": "Betingelser: hvem hører til målgruppen?",
    "exclude": "Undtagelser: hvem tages fra igen?",
    "exclude_lead": "Kan udelades. En borger eller familie, der opfylder undtagelserne, er ikke "
    "i målgruppen.",
    "modes": {
        "include": {
            "all": "Alle betingelser skal være opfyldt",
            "any": "Mindst én betingelse skal være opfyldt",
        },
        "exclude": {
            "any": "Tages fra, når mindst én undtagelse er opfyldt",
            "all": "Tages fra, når alle undtagelser er opfyldt",
        },
    },
    "mode": "Hvordan hænger de sammen?",
    "none": "Ingen endnu.",
    "condition": {"include": "Betingelse", "exclude": "Undtagelse"},
    "new_kind": "Ny betingelse",
    "new_kind_hint": "Vælg typen, og tryk «Tilføj betingelse».",
    "add": "Tilføj betingelse",
    "remove": "Fjern",
    "negate": "Omvendt: skal ikke være opfyldt",
    "kinds": {
        "benefit": "Ydelse",
        "intervention": "Indsats",
        "sector_areas": "Antal sektorområder i kontakt",
        "interventions": "Antal forskellige indsatser",
        "simultaneous_interventions": "Antal samtidige indsatser (flest på én dag)",
        "caseworkers": "Antal sagsbehandlere",
        "overlaps": "Antal overlappende indsatser",
        "benefit_types": "Antal forskellige ydelser",
        "cost": "Ressourcetræk i perioden (kr.)",
        "age": "Alder (år)",
        "family": "Familiens sammensætning",
        "all": "Gruppe: alle disse skal være opfyldt",
        "any": "Gruppe: mindst én af disse skal være opfyldt",
    },
    "min": "Mindst",
    "max": "Højst",
    "bounds_hint": "Udfyld mindst, højst eller begge.",
    "within": "Inden for (måneder)",
    "within_hint": "0 betyder på skæringsdatoen; fx 12 betyder det seneste år.",
    "days_min": "Forløbet varede mindst (dage)",
    "days_max": "Forløbet varede højst (dage)",
    "days_hint": "Kan udelades; fx højst 182 dage for et kort forløb.",
    "types": "Ydelser",
    "types_hint": "Vælg mindst én.",
    "transfer_income": "Overførselsindkomst (en hvilken som helst af ydelserne)",
    "other": "Andre ydelser",
    "other_hint": "Kan udelades. Adskil med komma, som ydelserne hedder i data.",
    "member": "Hvem i familien",
    "members": {"any": "Hvem som helst", "adult": "En voksen", "child": "Et barn"},
    "area": "Sektorområde",
    "area_all": "Alle sektorområder",
    "area_none": "Ikke et bestemt sektorområde",
    "legal_bases": "Lovgrundlag",
    "legal_bases_hint": "Ét pr. linje, fx «SEL § 101». En * står for vilkårlig tekst: «SEL § "
    "101*» tager også stykkerne med.",
    "names": "Indsatsens navn",
    "names_hint": "Ét pr. linje. «*mentor*» betyder, at navnet indeholder «mentor».",
    "codes": "Indsatskoder",
    "codes_hint": "Én pr. linje, som i indsatskataloget.",
    "intervention_hint": "Udfyld lovgrundlag, navn, kode eller sektorområde (eller flere).",
    "family_parts": {
        "children": "Børn under 18",
        "adults": "Voksne",
        "members": "Medlemmer i alt",
    },
    "score": "Kompleksitetsscore",
    "score_lead": "Point pr. stk. af hvert mål. Kandidaterne ordnes efter scoren. Lad et felt "
    "stå tomt for ingen point.",
    "weight": "Point pr. stk.: {label}",
    "score_min": "Mindste score for at høre til målgruppen",
    "score_min_hint": "Kan udelades.",
    "count": "Vis antal",
    "count_title": "Målgruppen efter formularen",
    "count_none": "Tilføj en betingelse, og udfyld den, for at se antallet i målgruppen.",
    "count_errors": "Antallet vises, når felterne er udfyldt rigtigt:",
    "count_figure": "{units} af {population} {noun} i kommunen",
    "count_as_of": "Pr. {day}; ressourcetræk for {period}.",
    "count_cost": "Ressourcetræk",
    "count_citizens": "Borgere i familierne",
    "count_hidden": "Antallet er skjult",
    "save_title": "Gem",
    "note": "Bemærkning til ændringen",
    "note_hint": "Hvorfor ændres regelsættet? Vises i versionshistorikken.",
    "save": "Gem som ny version",
    "save_new": "Gem regelsættet",
    "yaml": "Redigér YAML i stedet",
    "readonly": "Din rolle kan ikke gemme regelsæt; brug formularen til at prøve ændringer.",
}
SELECTION["builder"] = BUILDER
