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
from tvaers.web.texts_assumptions import ASSUMPTIONS
from tvaers.web.texts_assumptions import AUDIT_ACTIONS as ASSUMPTION_AUDIT_ACTIONS
from tvaers.web.texts_budget import AUDIT_ACTIONS as BUDGET_AUDIT_ACTIONS
from tvaers.web.texts_budget import BUDGET
from tvaers.web.texts_economy import ECONOMY
from tvaers.web.texts_followup import AUDIT_ACTIONS as FOLLOWUP_AUDIT_ACTIONS
from tvaers.web.texts_forecast import AUDIT_ACTIONS as FORECAST_AUDIT_ACTIONS
from tvaers.web.texts_grants import GRANT_AUDIT_ACTIONS, GRANTS
from tvaers.web.texts_investment import AUDIT_ACTIONS as INVESTMENT_AUDIT_ACTIONS
from tvaers.web.texts_investment import INVESTMENT
from tvaers.web.texts_pilot import PILOT
from tvaers.web.texts_principles import AUDIT_ACTIONS as PRINCIPLES_AUDIT_ACTIONS
from tvaers.web.texts_principles import PRINCIPLES
from tvaers.web.texts_results import AUDIT_ACTIONS as RESULTS_AUDIT_ACTIONS
from tvaers.web.texts_results import RESULTS
from tvaers.web.texts_selection import SELECTION
from tvaers.web.texts_settlement import AUDIT_ACTIONS as SETTLEMENT_AUDIT_ACTIONS
from tvaers.web.texts_settlement import SETTLEMENT

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
    **GRANT_AUDIT_ACTIONS,
    **PRINCIPLES_AUDIT_ACTIONS,
    **SETTLEMENT_AUDIT_ACTIONS,
    **BUDGET_AUDIT_ACTIONS,
    **ASSUMPTION_AUDIT_ACTIONS,
    **INVESTMENT_AUDIT_ACTIONS,
    **FOLLOWUP_AUDIT_ACTIONS,
    **FORECAST_AUDIT_ACTIONS,
    **RESULTS_AUDIT_ACTIONS,
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
    economy=ECONOMY,
    grants=GRANTS,
    principles=PRINCIPLES,
    settlement=SETTLEMENT,
    budget=BUDGET,
    pilot=PILOT,
    assumptions=ASSUMPTIONS,
    results=RESULTS,
    investment=INVESTMENT,
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
    excel_page="Hent hele siden som Excel (én projektmappe med et ark pr. tabel)",
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
    previous_page="Forrige side",
    next_page="Næste side",
    sort_ascending="sortér stigende",
    sort_descending="sortér faldende",
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
