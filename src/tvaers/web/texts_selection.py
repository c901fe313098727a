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
    "versions": "Versioner",
    "label": "Betegnelse",
    "key": "Navn (rule_set)",
    "unit": "Enhed",
    "units": {"citizen": "Borgere", "family": "Familier"},
    "unit_one": {"citizen": "Borger", "family": "Familie"},
    "ready_made": "Færdigt regelsæt",
    "ready_made_actor": "Tværs",
    "yaml": "Regelsættet i YAML",
    "yaml_hint": "Formatet er beskrevet i Tværs' vejledning om målgrupper (docs/selection.md). "
    "En fejl vises med stedet i regelsættet, fx include.all[0].benefit.types.",
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
    "variant_lead": "Ret reglen herunder og se, hvordan målgruppen ændrer sig. Intet gemmes.",
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
