"""Every text the web app shows, in Danish, in one place. Templates use them as ``T.name``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tvaers.access.bases import REFERENCE_MAX
from tvaers.core.access import PURPOSE_LABELS, ROLE_LABELS
from tvaers.core.suppression import SMALL_CELL, TABLE_NOTE
from tvaers.core.units import PLURALS
from tvaers.selection.decisions import AUDIT_ACTIONS as SELECTION_AUDIT_ACTIONS
from tvaers.selection.inputs import MAX_TEXT

APP = "Tværs"
TAGLINE = "Økonomistyring af tværgående løsninger"

FOCUS_POINTS = {
    1: "Organisatorisk forankring og ledelsesopbakning",
    2: "Udvælgelse af familier",
    3: "Organisering af løsning",
    4: "Økonomistyringsprincipper",
    5: "Budgetlægning",
    6: "Økonomisk opfølgning og styringsinformation",
}

SOLUTION_FIELDS = {
    "name": "Navn",
    "municipality": "Kommune",
    "target_group": "Målgruppe",
    "families": "Antal familier (mål)",
    "strategy": "Strategi, løsningen er forankret i",
    "political_approval_date": "Politisk godkendt (dato)",
    "political_approval_body": "Godkendt af (udvalg/byråd)",
    "project_start": "Projektperiode fra",
    "project_end": "Projektperiode til",
    "in_operation": "I drift fra",
    "directorate_owner": "Ejer i direktionen",
    "steering_group": "Styregruppe (én pr. linje)",
    "chief_forum": "Chefforum (én pr. linje)",
    "chief_forum_cadence": "Chefforum mødes",
    "organisation_model": "Organisering",
    "staff": "Medarbejdere (type: antal, én pr. linje)",
    "interventions_delivered": "Indsatser løsningen selv leverer (én pr. linje)",
    "coordinating_caseworker": "Koordinerende sagsbehandler/familiekontaktperson",
    "coordinator_may_grant": "Koordinatoren har visitationskompetence",
    "annual_economy": "Årlig økonomi (kr.)",
    "notes": "Noter",
    "inferred": "Udledt af kilderne, ikke angivet i dem",
}
INFERRED_MARK = "udledt, ikke angivet i kilderne"
SOLUTION_HINTS = {
    "strategy": "Fx kommunens beskæftigelsesstrategi eller en tværgående børne- og ungepolitik.",
    "staff": "Fx «Sagsbehandlere: 4» og «Familiebehandlere: 2».",
    "chief_forum_cadence": "Fx «hver 14. dag» eller «månedligt».",
    "annual_economy": "Hele kroner eller med øre, fx 6.000.000 eller 6000000,00.",
}
ORGANISATION_MODELS = {
    "unit": "Særskilt enhed",
    "network": "Netværksorganisering",
    "matrix": "Matrixorganisering",
}
ORGANISATION_HINTS = {
    "unit": "Medarbejderne samles i én enhed, ofte med eget budget. Risiko: visitation og "
    "betaling adskilles.",
    "network": "Medarbejderne bliver i deres områder; visitation og betaling følges ad, men "
    "økonomien er spredt.",
    "matrix": "Tværgående teams oven på den eksisterende struktur med et tværgående chefforum.",
}
VALIDATION = {
    "missing": "Feltet skal udfyldes.",
    "string_too_short": "Feltet skal udfyldes.",
    "string_too_long": "Teksten er for lang.",
    "date_from_datetime_parsing": "Skriv en gyldig dato (dd-mm-åååå).",
    "date_parsing": "Skriv en gyldig dato (dd-mm-åååå).",
    "date_from_datetime_inexact": "Skriv en gyldig dato (dd-mm-åååå).",
    "int_parsing": "Skriv et helt tal.",
    "decimal_parsing": "Skriv et tal.",
    "greater_than_equal": "Tallet må ikke være negativt.",
    "less_than_equal": "Tallet er for stort.",
    "decimal_max_places": "Højst to decimaler (øre).",
    "enum": "Vælg en af mulighederne.",
    "project_end_before_start": "Projektperioden slutter, før den starter.",
    "date_out_of_range": "Skriv en dato mellem 1. januar 1990 og 31. december 2100.",
    "finite_number": "Skriv et tal.",
    "grant_without_coordinator": "Visitationskompetence kræver en koordinerende sagsbehandler.",
    "staff_line": "Skriv hver linje som «type: antal», fx «Sagsbehandlere: 4».",
    "default": "Ugyldig værdi.",
}
OUTCOMES = {"job": "I job", "education": "I uddannelse", "internship": "Virksomhedspraktik"}


def outcome(status: str) -> str:
    """A labour-market status from the outcomes file, in Danish."""
    if status.startswith("benefit:"):
        return f"Ydelse: {status.removeprefix('benefit:')}"
    return OUTCOMES.get(status, status)


def period(value: Any) -> str:
    """Whole months ``first`` through ``last`` (a draw ``Period``) in Danish: «november 2025 –
    oktober 2026», «januar – december 2025», «marts 2026»."""
    return str(value.danish())


def sentence(text: Any) -> Any:
    """A generated description as a sentence start: «ydelse dagpenge …» -> «Ydelse dagpenge …»
    (only the first letter; the rest, such as «PPR» or «§ 85», is left as it is)."""
    if not isinstance(text, str) or not text:
        return text
    return text[0].upper() + text[1:]


AUDIT_ACTIONS = {
    "borger_vist": "Så borgerens oplysninger",
    "borger_eksporteret": "Hentede borgerens oplysninger i Excel",
    "borger_soegt": "Slog borgeren op",
    "grundlag_registreret": "Registrerede grundlag for adgang",
    "indsigt_i_log": "Så loggen for borgeren (indsigtsret)",
    "import": "Importerede data",
    "log_ind": "Loggede ind",
    "log_ud": "Loggede ud",
    "log_ind_fejlet": "Mislykket log ind",
    "formaal_valgt": "Skiftede formål",
    "bruger_oprettet": "Oprettede bruger",
    "bruger_laast_op": "Låste bruger op",
    "adgangskode_sat": "Satte adgangskode",
    "familie_traek_vist": "Så familiens ressourcetræk",
    "familie_traek_eksporteret": "Hentede familiens ressourcetræk i Excel",
    "kandidatliste_vist": "Så en kandidatliste til en løsning",
    "kandidatliste_eksporteret": "Hentede en kandidatliste i Excel",
    "kandidat_vist": "Så en kandidats oplysninger",
    "paa_kandidatliste": "Borgeren (eller familien) stod på en kandidatliste, der blev vist",
    "vist_i_familie": "Borgeren blev vist i familiens ressourcetræk (på et andet medlems grundlag)",
    "indskrevne_vist": "Så løsningens indskrevne",
    "indskrevne_eksporteret": "Hentede løsningens indskrevne i Excel",
    **SELECTION_AUDIT_ACTIONS,
}
DRAW = {
    "title": "Ressourcetræk",
    "lead": "Hvad koster kommunens borgere og familier på tværs af sektorområderne? Udgift, der er "
    "bogført på en borgers CPR-nummer, går til den borger. Den øvrige udgift på en funktion "
    "fordeles på de borgere, der i måneden har en indsats på funktionen, i forhold til "
    "indsatsernes pris; kan den ikke fordeles, står den som ikke fordelt med årsagen. Kun "
    f"sammentællinger; celler med færre end {SMALL_CELL} borgere eller familier er skjult.",
    "year": "Regnskabsår",
    "show": "Vis",
    "period": "Perioden er de hele måneder i året, som der er bogført i",
    "no_data": "Der er ikke indlæst data at opgøre ressourcetrækket af.",
    "coverage": "Udgift og dækning pr. sektorområde",
    "coverage_hint": "Dækningsgraden er den del af udgiften, der er henført til borgere "
    "(CPR-registreret, fordelt pulje eller beregnet). Resten står som ikke fordelt med årsagen.",
    "area_month": "Ressourcetræk pr. sektorområde og måned",
    "area_total": "Ressourcetræk pr. sektorområde",
    "area_month_show": "Vis ressourcetrækket måned for måned",
    "area_month_hint": "Borgere i en total er antallet af forskellige borgere med en udgift, ikke "
    "summen af månedernes antal.",
    "coverage_excel": "Excel-udtrækket har også puljer, beregnet udgift og årsagerne til, at "
    "udgift ikke er fordelt.",
    "unattributed": "Ikke fordelt efter årsag",
    "unattributed_hint": "Sektorområder med udgift, der ikke er fordelt på borgere, og hvorfor. "
    "Kun årsager, der forekommer i året, har en kolonne.",
    "lorenz_hint": "Kurven aflæst ved hver 10.\u00a0% af borgerne (familierne). Alle punkter "
    "står i Excel-udtrækket og i den fulde tabel herunder.",
    "lorenz_show": "Vis alle punkter på Lorenzkurven",
    "concentration": "Koncentration af udgiften",
    "concentration_hint": "Andelen af udgiften, som de dyreste 1, 3 og 10 % af borgerne "
    "(familierne) står for, og Gini-koefficienten (0 = alle koster det samme, 1 = én står for "
    "det hele). Alle kommunens borgere tælles med, også dem uden udgift.",
    "lorenz": "Lorenzkurve",
    "lorenz_label": "Linjediagram: Lorenzkurven for borgere og familier. Jo længere under den "
    "stiplede lighedslinje, jo mere er udgiften samlet hos få. Punkterne står i tabellen "
    "herunder.",
    "by_areas": "Udgift efter antal sektorområder",
    "contacts": "Kontaktpunkter",
    "contacts_hint": "Borgere (familier) med mindst ét kontaktpunkt, efter antal sektorområder, "
    "samtidige indsatser og sagsbehandlere.",
    "overlaps": "Overlap mellem indsatser",
    "family": "Familiens ressourcetræk",
    "family_link": "Se familiens ressourcetræk",
    "members": "Familiens medlemmer",
    "family_total": "Familiens ressourcetræk pr. sektorområde",
    "member_draw": "Ressourcetræk pr. borger, sektorområde og måned",
    "timeline": "Indsatser over tid",
    "timeline_label": "Tidslinje: familiemedlemmernes indsatser fra start til slut. Datoerne "
    "står i tabellen herunder.",
    "activities": "Indsatser",
    "logged": "Visningen er logget. Grundlag",
    "ongoing": "løbende",
}
DRAW_REASONS = {
    "no_pool": "Ingen pulje",
    "no_activity": "Ingen aktive borgere",
    "no_price": "Ingen pris",
    "priced_difference": "Forskel bogført og beregnet",
}
SELECTION = {
    "nav": "Målgrupper",
    "title": "Målgrupper",
    "lead": "Regelsæt, der beskriver en målgruppe ud fra kommunens data: betingelser, "
    "undtagelser og en kompleksitetsscore. Her ses kun sammentællinger; celler med færre end "
    f"{SMALL_CELL} borgere eller familier er skjult.",
    "rules": "Regelsæt",
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
    "discharge_on": "Udskrivningsdato",
    "discharge_reason": "Årsag",
    "discharge_reason_hint": "Fx «mål nået», «fraflyttet kommunen» eller «ønsker ikke at deltage».",
    "discharged": "{who} er udskrevet fra {day}.",
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
DECISION_LABELS = {"accepted": "Optages", "rejected": "Afvises", "postponed": "Udsættes"}
LEVEL_LABELS = {"high": "Høj", "medium": "Middel", "low": "Lav", "unknown": "Ukendt"}
DECISION_KINDS = {
    "assessment": "Faglig vurdering",
    "enrolment": "Indskrivning",
    "discharge": "Udskrivning",
}
LEVELS = PLURALS
CONTACT_MEASURES = {
    "sector_areas": "Sektorområder",
    "simultaneous_interventions": "Samtidige indsatser",
    "caseworkers": "Sagsbehandlere",
}
BASIS_KINDS = {
    "consent": "Samtykke fra borgeren",
    "legal_basis": "Hjemmel i lovgivningen",
    "overriding_interest": "Dokumenteret væsentlig interesse",
}

FIELD_LABELS = {
    **SOLUTION_FIELDS,
    "valid_from": "Gyldigt fra",
    "valid_to": "Gyldigt til",
    "year": "Regnskabsår",
    "kind": "Grundlag",
    "reference": "Beskrivelse",
    "cpr": "CPR-nummer",
    "purpose": "Formål",
    "username": "Brugernavn",
    "password": "Adgangskode",
    "version": "Version",
    "regelsaet": "Regelsæt",
    "dato": "Skæringsdato",
    "solution_id": "Løsning",
}


def field_label(name: str) -> str:
    """The Danish label of a form field or parameter."""
    return FIELD_LABELS.get(name, name)


T = SimpleNamespace(
    app=APP,
    tagline=TAGLINE,
    skip="Gå til sidens indhold",
    nav_label="Hovedmenu",
    home="Forside",
    solutions="Tværgående løsninger",
    new_solution="Opret løsning",
    edit="Redigér",
    save="Gem",
    cancel="Annullér",
    history="Versionshistorik",
    reflection="Refleksionsspørgsmål",
    data="Data",
    draw_nav="Ressourcetræk",
    draw=DRAW,
    draw_reasons=DRAW_REASONS,
    selection=SELECTION,
    decisions=DECISION_LABELS,
    assessment_levels=LEVEL_LABELS,
    decision_kinds=DECISION_KINDS,
    levels=LEVELS,
    contact_measures=CONTACT_MEASURES,
    citizens="Borgeropslag",
    admin_users="Brugere",
    admin_log="Indsigt i log",
    sign_in="Log ind",
    sign_out="Log ud",
    sign_in_oidc="Log ind med kommunens login",
    username="Brugernavn",
    password="Adgangskode",
    purpose="Formål",
    change_purpose="Skift formål",
    role="Rolle",
    signed_in_as="Logget ind som",
    excel="Hent som Excel",
    version="Version",
    changed_by="Ændret af",
    changed_at="Tidspunkt",
    changes="Ændringer",
    field="Felt",
    before="Før",
    after="Efter",
    answered="besvaret",
    open="åben",
    yes="Ja",
    no="Nej",
    none="—",
    suppressed="<5",
    suppressed_note=TABLE_NOTE,
    # One message for every refusal, so that nobody learns which usernames exist or are locked.
    login_failed="Forkert brugernavn eller adgangskode – eller kontoen er spærret efter 3 "
    "mislykkede forsøg i træk; så kan en administrator låse den op.",
    forbidden_title="Ingen adgang",
    purpose_hint="Skift formål øverst på siden.",
    csrf_failed="Formularen var udløbet eller kom ikke fra Tværs. Prøv igen.",
    not_found="Siden findes ikke.",
    data_busy="Data opdateres lige nu",
    basis_reference_max=REFERENCE_MAX,
    note_max=MAX_TEXT,
    field_too_long="Et felt i formularen var for langt (over 1 MB), så intet kunne læses, og "
    "intet er gemt. Gå tilbage, kort teksten af, og send formularen igen.",
    basis_later="Grundlaget er registreret, men gælder først fra {day}; indtil da kan borgerens "
    "oplysninger ikke ses.",
    basis_expired="Grundlaget er registreret, men udløb {day}; det giver ikke adgang til "
    "borgerens oplysninger. Registrér et gældende grundlag.",
    fault="Der opstod en fejl i Tværs. Fejlen er logget med nummeret {number}; prøv igen om lidt, "
    "eller giv nummeret til driften.",
    wrong_method="Adressen hører til en formular og kan ikke åbnes direkte. Gå tilbage til "
    "siden med formularen og send den igen.",
    saved="Ændringerne er gemt.",
    no_changes="Der var ingen ændringer at gemme.",
    fix_errors="Ret fejlene herunder.",
    focus_points=FOCUS_POINTS,
    fields=SOLUTION_FIELDS,
    inferred_mark=INFERRED_MARK,
    hints=SOLUTION_HINTS,
    organisation_models=ORGANISATION_MODELS,
    organisation_hints=ORGANISATION_HINTS,
    roles={str(k): v for k, v in ROLE_LABELS.items()},
    purposes={str(k): v for k, v in PURPOSE_LABELS.items()},
    basis_kinds=BASIS_KINDS,
    audit_actions=AUDIT_ACTIONS,
    outcome=outcome,
    period=period,
    sentence=sentence,
    field_label=field_label,
    validation=VALIDATION,
)
