"""Every text the web app shows, in Danish, in one place. Templates use them as ``T.name``."""

from __future__ import annotations

from types import SimpleNamespace

from tvaers.web.roles import PURPOSE_LABELS, ROLE_LABELS

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
}
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
}
DRAW = {
    "title": "Ressourcetræk",
    "lead": "Hvad koster kommunens borgere og familier på tværs af sektorområderne? Udgiften "
    "fordeles på borgere efter reglerne i docs/draw.md. Kun sammentællinger; celler med færre "
    "end 5 borgere eller familier er skjult.",
    "year": "Regnskabsår",
    "show": "Vis",
    "period": "Perioden er de hele måneder i året, som der er bogført i",
    "no_data": "Der er ikke indlæst data at opgøre ressourcetrækket af.",
    "coverage": "Udgift og dækning pr. sektorområde",
    "coverage_hint": "Dækningsgraden er den del af udgiften, der er henført til borgere "
    "(CPR-registreret, fordelt pulje eller beregnet). Resten står som ikke fordelt med årsagen.",
    "area_month": "Ressourcetræk pr. sektorområde og måned",
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
LEVELS = {"citizen": "Borgere", "family": "Familier"}
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
    suppressed_note="Celler med færre end 5 borgere er skjult, og så mange andre, at de ikke kan "
    "regnes ud fra totalerne.",
    login_failed="Forkert brugernavn eller adgangskode.",
    login_locked="Kontoen er spærret efter 3 mislykkede forsøg. Kontakt en administrator.",
    login_inactive="Kontoen er deaktiveret. Kontakt en administrator.",
    forbidden_title="Ingen adgang",
    csrf_failed="Formularen var udløbet eller kom ikke fra Tværs. Prøv igen.",
    not_found="Siden findes ikke.",
    saved="Ændringerne er gemt.",
    no_changes="Der var ingen ændringer at gemme.",
    fix_errors="Ret fejlene herunder.",
    focus_points=FOCUS_POINTS,
    fields=SOLUTION_FIELDS,
    hints=SOLUTION_HINTS,
    organisation_models=ORGANISATION_MODELS,
    organisation_hints=ORGANISATION_HINTS,
    roles={str(k): v for k, v in ROLE_LABELS.items()},
    purposes={str(k): v for k, v in PURPOSE_LABELS.items()},
    basis_kinds=BASIS_KINDS,
    audit_actions=AUDIT_ACTIONS,
    outcome=outcome,
    field_label=field_label,
    validation=VALIDATION,
)
