"""The follow-up deadlines' pages in Danish (memo 003: a new grant followed up within 3 months,
then at least yearly): ``DEADLINES`` in the templates as ``F``."""

from __future__ import annotations

from typing import Any

from tvaers.followup.deadlines import FORM_LABELS, OUTCOME_LABELS, SOON_DAYS

DEADLINES: dict[str, Any] = {
    "title": "Opfølgningsfrister",
    "nav": "Opfølgning",
    "lead": "En ny bevilling eller indsats skal følges op inden for 3 måneder og derefter mindst "
    "én gang om året. Her ses de sager, hvor opfølgningen er overskredet eller forfalder snart, "
    "og antallet pr. sagsbehandler og pr. team.",
    "choose": "Vælg dato og sager",
    "as_of": "Frister pr. dato",
    "caseworker": "Sagsbehandler",
    "caseworker_hint": "Sagsbehandlerens kode som i data; tom: alle. En sagsbehandler ser sine "
    "egne sager, til der vælges andet.",
    "team": "Team",
    "since": "Sager startet fra",
    "soon": "Forfalder inden for (dage)",
    "show": "Vis",
    "bad_choice": "Valget kan ikke bruges: {message}",
    "bad_date": "«{text}» er ikke en dato. Skriv fx 31-01-2026.",
    "bad_days": f"Antal dage skal være et helt tal fra 0 til 366 (standard {SOON_DAYS}).",
    "no_data": "Der er ingen indlæste data endnu.",
    "cases": "Sager med overskredet eller snart forfalden opfølgning",
    "no_cases": "Ingen sager har en overskredet eller snart forfalden opfølgning.",
    "statistical_hint": "Borgernes sager vises kun under sagsbehandlingsformål og for borgere "
    "med et registreret grundlag. Skift formål øverst på siden.",
    "counts": "Antal pr. sagsbehandler og pr. team",
    "counts_chart": "Overskredne opfølgninger pr. team",
    "counts_chart_label": "Søjlediagram: overskredne opfølgninger pr. team. Tallene står i "
    "tabellen nedenfor.",
    "axis_team": "Team",
    "axis_count": "Overskredne",
    "teams_hint": "Team er sagsbehandlerens team i konfiguration/teams.csv, ellers den "
    "bevilgende enhed i data (for en bevilling: løsningen).",
    "record": "Registrér en opfølgning",
    "record_lead": "Opfølgningen gemmes som en ny registrering; den kan ikke rettes bagefter, "
    "men en ny opfølgning kan registreres.",
    "record_refused": "Opfølgningen er ikke registreret",
    "recorded": "Opfølgningen {day} er registreret ({outcome}). {next}",
    "next": "Næste opfølgning senest {day}.",
    "no_next": "Sagen har ingen frister mere.",
    "back": "Tilbage til opfølgningsfristerne",
    "save": "Registrér opfølgningen",
    "fields": {
        "citizen": "Borger (pseudonym)",
        "intervention": "Indsats (kode)",
        "started_on": "Indsatsens startdato",
        "followed_up_on": "Opfølgningens dato",
        "form": "Form",
        "outcome": "Udfald",
        "note": "Bemærkning",
    },
    "hints": {
        "started_on": "Som i listen, fx 31-05-2025.",
        "followed_up_on": "Dagen opfølgningen blev foretaget; ikke en dag i fremtiden.",
        "note": "Uden CPR-nummer.",
    },
    "forms": {k.value: v for k, v in FORM_LABELS.items()},
    "outcomes": {k.value: v for k, v in OUTCOME_LABELS.items()},
    "may_not_record": "Kun sagsbehandlere, ledere af tværgående løsninger og fagchefer kan "
    "registrere opfølgninger.",
}
AUDIT_ACTIONS = {
    "opfoelgningsfrister_vist": "Så opfølgningsfrister",
    "opfoelgningsfrister_eksporteret": "Hentede opfølgningsfrister",
    "opfoelgning_registreret": "Registrerede en opfølgning",
}
