"""The grant pages' texts (focus point 4: who grants and who pays), in Danish: ``T.grants`` in
the templates. Apart from :mod:`tvaers.web.texts` so that each file stays short enough to read."""

from __future__ import annotations

from tvaers.core.suppression import SMALL_CELL

GRANTS = {
    "nav": "Bevillinger",
    "title": "Bevillinger",
    "lead": "Bevillinger til borgere og familier, der er indskrevet i en tværgående løsning: hvem "
    "der har indstillet dem, hvilket niveau i kompetenceplanen de er gået til, hvem der skal "
    "godkende, og hvem der betaler.",
    "choose": "Vælg løsning og status",
    "solution": "Løsning",
    "all_solutions": "Alle løsninger",
    "status": "Status",
    "all_statuses": "Alle",
    "show": "Vis",
    "new": "Indstil en bevilling",
    "overview": "Borgere og familier med bevillinger, efter løsning og status",
    "overview_hint": "Antal forskellige borgere og familier (en familie tæller én gang). Kun "
    f"sammentællinger: tal for færre end {SMALL_CELL} er skjult.",
    "no_grants": "Der er ingen bevillinger endnu.",
    "list": "Bevillinger",
    "list_statistical": "De enkelte bevillinger nævner en borger eller en familie og vises kun "
    "under sagsbehandlingsformål, med et gældende grundlag for løsningen. Skift formål øverst "
    "på siden.",
    "list_choose": "Vælg en løsning for at se dens bevillinger.",
    "list_hint": "Lofterne er niveauets lofter for bevillingen (i alt og i det dyreste "
    "kalenderår) i den version af kompetenceplanen, den blev indstillet efter; «—» er intet "
    "loft. «Afventer» er de godkendelser, der mangler.",
    "logged": "Visningen er logget. Grundlag",
    "no_plan": "Der er ingen kompetenceplan endnu, så en bevilling kan ikke sendes videre.",
    "no_plan_link": "Se kompetenceplanen",
    # the proposal form
    "new_title": "Indstil en bevilling",
    "new_lead": "Bevillingen går til det laveste niveau i kompetenceplanen, hvis loft dækker "
    "den. Visiterer løsningen, og betaler et sektorområde, skal områdets fagchef også godkende, "
    "når områdets del er over det aftalte loft.",
    "placement": "Løsningens placering af visitation og betaling",
    "placement_none": "Løsningen har ingen placering af visitation og betaling; bevillingen "
    "behandles, som om sektorområderne både visiterer og betaler.",
    "placement_text": "Visitation: {granting}. Betaling: {paying}. Efter VIVEs tabel 4.1: "
    "{classification}.",
    "no_members": "Løsningen har ingen indskrevne borgere eller familier at indstille en "
    "bevilling til.",
    "no_catalogue": "Der er ikke indlæst et indsatskatalog (interventions), så der er ingen "
    "indsatser at vælge.",
    "subject": "Borger eller familie",
    "subject_hint": "De borgere og familier, der er indskrevet i løsningen nu.",
    "choose_one": "Vælg …",
    "intervention": "Indsats",
    "intervention_hint": "Fra kommunens indsatskatalog, med enhed og pris i dag.",
    "no_price": "ingen pris",
    "price_per": "{price} pr. {unit}",
    "units_per_month": "Enheder pr. måned",
    "units_per_month_hint": "Fx 12 timer eller 1 måned. Prisen hentes fra enhedspriserne på "
    "startdatoen. Udfyld enten dette felt eller beløbet.",
    "monthly_amount": "Beløb pr. måned (kr.)",
    "monthly_amount_hint": "Kun hvis indsatsen ikke har en enhedspris: fx 18.500 eller 18500,50.",
    "start": "Startdato",
    "end": "Forventet slutdato",
    "date_hint": "Dato som dd-mm-åååå.",
    "justification": "Faglig begrundelse",
    "justification_hint": "Hvorfor netop denne indsats til borgeren eller familien.",
    "expected_effect": "Forventet effekt",
    "expected_effect_hint": "Hvad indsatsen skal føre til; visitationsudvalget vejer prisen mod "
    "effekten.",
    "replaces": "Afløser bevilling (valgfri)",
    "replaces_hint": "Et nyt tilbud, der afløser et bevilget: kompetenceplanens regler for "
    "ændringer gælder (en stigning inden for den aftalte procent kræver ingen ny godkendelse).",
    "replaces_none": "Ingen – en ny bevilling",
    "replaces_choice": "Nr. {id}: {name}, {subject}, {monthly} pr. måned",
    "payer": "Hvem betaler",
    "payer_hint": "En godkendt fordelingsnøgle, ét sektorområde eller løsningens eget budget. "
    "Uden valg betaler indsatsens eget sektorområde.",
    "payer_default": "Indsatsens eget sektorområde",
    "payer_key": "Fordelingsnøgle: {name}",
    "payer_area": "Sektorområde: {name}",
    "payer_solution": "Løsningens eget budget",
    "propose": "Indstil bevilling",
    "not_saved": "Bevillingen er ikke indstillet",
    "proposed": "Bevilling nr. {id} er indstillet og gået til «{level}». Den skal godkendes "
    "af: {approvals}.",
    "proposed_auto": "Bevilling nr. {id} er indstillet og bevilget efter kompetenceplanens "
    "regel om stigninger.",
    # one grant
    "grant": "Bevilling nr. {id}",
    "facts": "Bevillingen",
    "who": "Til",
    "requirements": "Godkendelser",
    "requirements_hint": "Hvert krav afgøres én gang; en ændring er en ny bevilling.",
    "history": "Historik",
    "history_hint": "Alle skridt i bevillingens forløb: hvem, i hvilken rolle, hvornår og "
    "hvorfor. Intet slettes.",
    "commitments": "Forpligtelser pr. måned og sektorområde",
    "commitments_planned": "Forpligtelser pr. måned og sektorområde, når bevillingen er bevilget",
    "commitments_hint": "Beløbet pr. måned fordelt på de betalende sektorområder, præcist til "
    "øre. En måned, bevillingen kun dækker en del af, tæller med sin andel af dagene.",
    "commitments_none": "Bevillingen giver ingen forpligtelser (den er {status}).",
    "waiting": "afventer",
    "decide": "Afgør bevillingen",
    "decide_hint": "Du kan afgøre disse krav. En godkendelse gælder de krav, du vælger; et "
    "afslag afslutter bevillingen som afslået.",
    "decide_what": "Krav, du afgør",
    "reason": "Begrundelse",
    "reason_hint": "Skal udfyldes ved afslag.",
    "approve": "Godkend",
    "reject": "Afslå",
    "choose_requirement": "Vælg mindst ét krav at afgøre.",
    "own_grant": "Du har selv indstillet bevillingen og kan ikke afgøre den (fire øjne).",
    "approved_flash": "Du har godkendt: {what}.",
    "approved_done": "Bevillingen er nu bevilget, og dens forpligtelser er skrevet.",
    "rejected_flash": "Bevillingen er afslået.",
    "not_decided": "Afgørelsen er ikke gemt",
    "conflict": "En anden har afgjort bevillingen før dig",
    "withdraw": "Træk bevillingen tilbage",
    "withdraw_hint": "Kan gøres, indtil bevillingen er afgjort.",
    "withdrawn_flash": "Bevillingen er trukket tilbage.",
    "end_title": "Afslut bevillingen",
    "end_hint": "Måneder efter slutdatoen tages ud af forpligtelserne (de gamle linjer bliver "
    "stående, nye negative linjer trækker dem fra).",
    "ended_on": "Afsluttes pr.",
    "ended_flash": "Bevillingen er afsluttet pr. {day}.",
    "end_reason": "Årsag",
    "end_reason_hint": "Fx at målet er nået, eller at borgeren er flyttet.",
    # the inbox
    "inbox_nav": "Indbakke",
    "inbox": "Min indbakke",
    "inbox_lead": "Bevillinger, der venter på din afgørelse, og hvad de tværgående løsninger har "
    "forpligtet på dit sektorområdes budget, måned for måned.",
    "inbox_area": "Dit sektorområde: {name}.",
    "inbox_no_area": "Din bruger er ikke knyttet til et sektorområde, så der er ingen "
    "forpligtelser på et budget at vise. En administrator knytter en fagchef til sit område.",
    "waiting_area": "Godkendelser for dit sektorområde",
    "waiting_area_hint": "Bevillinger, hvor løsningen visiterer, og dit område betaler mere end "
    "det aftalte loft: du skal godkende dem som fagchef.",
    "waiting_level": "Afgørelser på et niveau, du træffer afgørelse på",
    "waiting_level_hint": "Bevillinger, der er gået til et niveau i kompetenceplanen, hvor din "
    "rolle træffer afgørelsen.",
    "none_waiting": "Ingen bevillinger venter på dig.",
    "over_ceiling": "Bevillinger over loftet på dit sektorområde",
    "over_ceiling_hint": "Alle bevillinger, der har krævet din eller en anden fagchefs "
    "godkendelse for dit område, uanset status.",
    "committed": "Forpligtet på dit budget pr. måned og løsning",
    "committed_hint": "Bevilgede bevillingers beløb pr. måned på dit sektorområde (efter "
    "fordelingsnøglen). En afsluttet bevilling beholder de måneder, den dækkede.",
    "committed_statistical": "Under statistisk formål vises kun de månedlige summer, og tal for "
    f"færre end {SMALL_CELL} borgere eller familier er skjult (og så mange andre, at de ikke "
    "kan regnes ud). Bevillingerne, der venter på dig, vises under sagsbehandlingsformål.",
    "committed_casework": "Summerne er vist for de løsninger, du har et gældende grundlag for; "
    "visningen er logget.",
    "committed_none": "Der er intet forpligtet på dit budget endnu.",
    "chart": "Forpligtet på dit budget pr. måned, én linje pr. løsning",
    "chart_label": "Linjediagram: det forpligtede beløb pr. måned på dit sektorområde for hver "
    "tværgående løsning. Tallene står i tabellen under.",
    "chart_value": "Kr. pr. måned",
    "hidden_solutions": "Du har intet gældende grundlag for at se borgerne i {names}; deres "
    "bevillinger og summer er ikke vist. Registrér grundlaget på løsningens side, eller se "
    "summerne under statistisk formål.",
    # the competence plan
    "plan_nav": "Kompetenceplan",
    "plan": "Kompetenceplan",
    "plan_lead": "Hvem der må bevilge hvad, op til hvilket beløb. En bevilling går til det "
    "laveste niveau, hvis loft dækker den; lofterne er inklusive.",
    "plan_none": "Der er ingen kompetenceplan endnu.",
    "plan_current": "{name}, version {version}, gælder fra {day}.",
    "levels": "Niveauer og lofter",
    "levels_hint": "Et niveau bruger det mest specifikke loft: for indsatsen, ellers for "
    "sektorområdet, ellers det generelle. Lofterne gælder bevillingens samlede pris (i alt) og "
    "det dyreste kalenderår (pr. år).",
    "area_approval": "Fagchefens godkendelse, når løsningen visiterer og et område betaler",
    "area_approval_hint": "Over beløbet (områdets del af bevillingens samlede pris) skal det "
    "betalende områdes fagchef også godkende.",
    "options": "KL's netværksregler",
    "versions": "Versioner",
    "export": "Hent kompetenceplanen som YAML",
    "import": "Ny version af kompetenceplanen",
    "import_hint": "Indsæt planen som YAML, eller vælg en fil. Samme tekst som den gældende "
    "version gemmer intet nyt.",
    "import_text": "Kompetenceplanen (YAML)",
    "import_file": "Eller en YAML-fil",
    "import_file_hint": "Vælger du en fil, bruges den i stedet for teksten.",
    "import_note": "Bemærkning",
    "import_note_hint": "Fx hvilket udvalg der har vedtaget planen og hvornår.",
    "import_button": "Gem ny version",
    "plan_not_saved": "Kompetenceplanen er ikke gemt",
    "import_missing": "Indsæt kompetenceplanen som tekst, eller vælg en fil.",
    "imported": "Kompetenceplanen er gemt som version {version}.",
    "unchanged": "Teksten er den samme som version {version}; intet nyt er gemt.",
    "route": "Hvor går en bevilling hen?",
    "route_hint": "Prøv en bevilling af mod den gældende plan. Intet gemmes.",
    "route_paying": "Betalende sektorområde",
    "route_paying_hint": "Udfyld, hvis løsningen visiterer og et sektorområde betaler.",
    "route_none": "Intet valgt",
    "route_button": "Beregn",
    "route_result": "Bevillingen koster {total} i alt ({per_year} i det dyreste år) og går til "
    "«{level}», hvor {roles} træffer afgørelsen.",
    "route_area": "Visiterer løsningen, skal fagchefen for {area} også godkende (over {ceiling}).",
    "route_no_area": "Fagchefen for {area} skal ikke godkende (loftet er {ceiling}).",
    "route_error": "Beregningen kunne ikke laves",
    "unlimited": "Intet loft",
    "applies_all": "Alle indsatser",
    "applies_area": "Sektorområdet {name}",
    "applies_intervention": "Indsatsen {name}",
    "default_area": "Alle øvrige sektorområder",
    "option_increase": "En stigning i et tilbud kræver ny godkendelse, når den er over",
    "option_increase_none": "Enhver ændring kræver ny godkendelse",
    "option_replacement": "Et nyt tilbud må højst koste det, det afløser",
    "percent": "{value} %",
    "auto_rule": "Kompetenceplanens regel om stigninger",
}

GRANT_COLUMNS = {
    "id": "Nr.",
    "solution": "Løsning",
    "status": "Status",
    "subject": "Borger eller familie",
    "intervention": "Indsats",
    "area": "Indsatsens sektorområde",
    "units_per_month": "Enheder pr. måned",
    "unit_price": "Enhedspris",
    "monthly": "Pr. måned",
    "total": "I alt",
    "per_year": "Dyreste kalenderår",
    "start": "Start",
    "end": "Forventet slut",
    "ended_on": "Afsluttet pr.",
    "status_reason": "Begrundelse for status",
    "level": "Niveau",
    "ceiling": "Niveauets loft",
    "plan_version": "Kompetenceplanens version",
    "pending": "Afventer",
    "payers": "Betales af",
    "placement": "Visitation og betaling",
    "proposed_by": "Indstillet af",
    "proposed_at": "Indstillet",
    "justification": "Faglig begrundelse",
    "expected_effect": "Forventet effekt",
    "requirement": "Krav",
    "roles": "Afgøres af",
    "requirement_ceiling": "Loft",
    "decision": "Afgørelse",
    "decided_by": "Afgjort af",
    "decided_at": "Tidspunkt",
    "role": "Rolle",
    "reason": "Begrundelse",
    "kind": "Skridt",
    "month": "Måned",
    "sector_area": "Sektorområde",
    "share": "Andel",
    "amount": "Beløb",
    "area_part": "Dit områdes del",
    "subjects": "Borgere og familier",
    "grants": "Bevillinger",
    "note": "Bemærkning",
    "mine": "Du afgør",
    "level_name": "Niveau",
    "level_roles": "Træffer afgørelse",
    "applies_to": "Gælder for",
    "ceiling_total": "Niveauets loft i alt",
    "ceiling_per_year": "Niveauets loft pr. år",
    "plan_total": "Loft i alt",
    "plan_per_year": "Loft pr. år",
    "approval_ceiling": "Fagchefen godkender over",
    "option": "Regel",
    "setting": "Indstilling",
    "name": "Navn",
    "valid_from": "Gælder fra",
    "version_note": "Bemærkning",
}

DECISION_KINDS = {
    "proposal": "Indstillet",
    "approval": "Godkendt",
    "rejection": "Afslået",
    "withdrawal": "Trukket tilbage",
    "end": "Afsluttet",
}

UNIT_LABELS = {"day": "dag", "week": "uge", "month": "måned", "hour": "time", "piece": "stk."}

GRANT_AUDIT_ACTIONS = {
    "bevilling_indstillet": "Indstillede en bevilling",
    "bevilling_godkendt": "Godkendte en bevilling",
    "bevilling_afslaaet": "Afslog en bevilling",
    "bevilling_trukket_tilbage": "Trak en bevilling tilbage",
    "bevilling_afsluttet": "Afsluttede en bevilling",
    "bevilling_vist": "Så en bevilling",
    "bevilling_eksporteret": "Hentede en bevilling i Excel",
    "bevillinger_vist": "Så en løsnings bevillinger",
    "bevillinger_eksporteret": "Hentede en løsnings bevillinger i Excel",
    "bevilling_formular_vist": "Åbnede formularen til at indstille en bevilling",
    "indbakke_vist": "Så bevillinger i sin indbakke",
    "indbakke_eksporteret": "Hentede sin indbakke i Excel",
    "kompetenceplan_importeret": "Gemte en ny version af kompetenceplanen",
}
