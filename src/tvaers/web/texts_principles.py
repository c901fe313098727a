"""Focus point 4's pages in Danish (who grants and who pays): ``T.principles`` in the templates.
Apart from :mod:`tvaers.web.texts` so that each file stays short enough to read."""

from __future__ import annotations

from typing import Any

from tvaers.core.suppression import SMALL_CELL
from tvaers.principles.model import PLACE_LABELS, Classification

STATUSES = {"proposed": "Foreslået", "approved": "Godkendt", "rejected": "Afvist"}
CLASSIFICATIONS = {
    Classification.SAMLET.value: "Samlet",
    Classification.PARTLY.value: "Delvist samlet",
    Classification.SEPARATE.value: "Adskilt",
}

PRINCIPLES: dict[str, Any] = {
    "section": "Visitation og betaling (fokuspunkt 4)",
    "section_hint": "Hvor visitationskompetencen og betalingsforpligtelsen ligger for hver type "
    "indsats, og hvad det giver i VIVEs tabel 4.1.",
    "links": "Økonomistyringsprincipper",
    "placements": "Placering af visitation og betaling",
    "placements_link": "Placering af visitation og betaling",
    "placements_lead": "For hver type indsats i løsningen: hvor visitationskompetencen og "
    "betalingsforpligtelsen ligger – i den tværgående løsning, delt mellem løsningen og "
    "sektorområderne, eller opdelt på sektorområderne. Klassifikationen følger VIVEs tabel 4.1.",
    "placements_table": "Visitation og betaling pr. indsatstype",
    "no_placements": "Der er ikke angivet, hvor visitation og betaling ligger for løsningen.",
    "all_interventions": "Alle løsningens indsatser",
    "expected_mark": "forventet",
    "table_4_1": "VIVEs tabel 4.1: visitation og betaling",
    "table_4_1_hint": "Rækkerne er betalingsforpligtelsen, kolonnerne visitationskompetencen. "
    "Felter, løsningen ligger i, er markeret med «Denne løsning» og indsatstypen.",
    "corner": "Betaling \\ visitation",
    "this_solution": "Denne løsning",
    "set_placement": "Angiv eller ret en placering",
    "set_placement_hint": "Skriv en eksisterende indsatstype for at rette den; en ny type "
    "tilføjes. Tom indsatstype gælder alle løsningens indsatser.",
    "placement_saved": "Placeringen for «{kind}» er gemt: {classification}.",
    "placement_refused": "Placeringen er ikke gemt",
    "edit_row": "Ret",
    "save_placement": "Gem placering",
    "choose_places": "Vælg både hvor visitationskompetencen og hvor betalingsforpligtelsen ligger.",
    "keys_title": "Fordelingsnøgler",
    "keys_lead": "Koordinationsgruppens overblik: nøgler, der fordeler en indsats' udgift "
    "mellem sektorområderne. Løsningen foreslår en nøgle med en faglig begrundelse; en fagchef, "
    "der ikke selv har foreslået den, godkender eller afviser. En ændring er en ny version.",
    "keys_table": "Fordelingsnøgler og deres versioner",
    "no_keys": "Der er ingen fordelingsnøgler endnu.",
    "propose": "Foreslå en fordelingsnøgle",
    "propose_hint": "En ny nøgle, eller en ny version af en eksisterende (samme korte navn).",
    "propose_button": "Foreslå nøglen",
    "proposed": "Version {version} af nøglen «{key}» er foreslået og venter på "
    "koordinationsgruppens godkendelse.",
    "propose_refused": "Nøglen er ikke foreslået",
    "decide": "Beslutning",
    "decide_choose": "Vælg godkend eller afvis for en bestemt version af en nøgle.",
    "rules_unreadable": "Reglerne kan ikke læses som YAML. Ret indrykningen, eller brug de "
    "faste andele.",
    "share_line": "«{line}» kan ikke læses: skriv hver andel på sin egen linje som "
    "OMRÅDE=ANDEL, fx employment=1/2.",
    "share_twice": "Sektorområdet {area} har fået en andel to gange.",
    "key_missing": "Skriv nøglens korte navn (højst {length} tegn).",
    "when_basis": "lovgrundlag «{basis}»",
    "when_interventions": "indsats {codes}",
    "when_age": "alder {ages} år",
    "when_other": "øvrige",
    "approve": "Godkend",
    "reject": "Afvis",
    "decision_reason": "Begrundelse for beslutningen (valgfri)",
    "approved": "Version {version} af nøglen «{key}» er godkendt.",
    "rejected": "Version {version} af nøglen «{key}» er afvist.",
    "decide_refused": "Beslutningen er ikke registreret",
    "waiting": "Venter på en fagchef i koordinationsgruppen.",
    "own_proposal": "Du har selv foreslået versionen og kan ikke godkende den.",
    "effect": "Nøglernes virkning pr. sektorområde",
    "effect_hint": "Løsningens indskrevnes træk siden indskrivning, fordelt efter hver nøgles "
    "godkendte versioner: hvor udgiften er bogført, og hvor den betales efter nøglen. Kun "
    f"sammentællinger; celler med færre end {SMALL_CELL} borgere er skjult.",
    "effect_none": "Ingen nøgle har en godkendt version for en løsning med indskrevne borgere, "
    "så der er ingen virkning at vise.",
    "effect_title": "Virkningen af fordelingsnøglerne",
    "effect_later": "Nøglernes virkning er ikke beregnet endnu; den vises, når siden åbnes igen.",
    "who_pays": "Hvem betaler",
    "who_pays_link": "Hvem betaler – trækket efter fordelingsnøgler",
    "who_pays_lead": "Løsningens indskrevne borgeres træk siden indskrivning pr. betalende "
    "sektorområde og måned efter de godkendte fordelingsnøgler, ved siden af hvor det er "
    "bogført, og hvad løsningens godkendte bevillinger har disponeret. Kun sammentællinger: "
    f"tal for færre end {SMALL_CELL} borgere er skjult.",
    "who_pays_areas": "Pr. betalende sektorområde",
    "who_pays_months": "Pr. betalende sektorområde og måned",
    "who_pays_chart": "Betalt efter nøglerne pr. sektorområde og måned",
    "who_pays_chart_label": "Linjediagram: hvad hvert sektorområde betaler af løsningens træk "
    "pr. måned efter fordelingsnøglerne. Tallene står i tabellen under.",
    "who_pays_value": "Kr. pr. måned",
    "reconciled": "Summen over de betalende sektorområder er {paid}, det samme som det "
    "bogførte, {booked}: fordelingen flytter udgift mellem områderne, men ændrer ikke summen.",
    "keys_applied": "Anvendte godkendte nøgleversioner: {count}.",
    "no_keys_applied": "Løsningen har ingen godkendte fordelingsnøgler, så hvert område betaler "
    "det, der er bogført på det.",
    "hidden": "Løsningens tal er skjult.",
    "no_members": "Løsningen har ingen indskrevne borgere eller familier endnu, så der er intet "
    "træk at fordele.",
    "no_data": "Der er ikke indlæst data endnu, så trækket kan ikke fordeles.",
    "capacity": "Kapacitetsbegrænsede indsatser",
    "capacity_link": "Kapacitet – pladser i andres tilbud",
    "capacity_lead": "Indsatser med et begrænset antal pladser: hvor mange løsningens borgere og "
    "andre borgere bruger pr. måned, og de pladser løsningen har aftalt med det område, der ejer "
    f"tilbuddet. Antal under {SMALL_CELL} er skjult; advarslen regnes på de faktiske tal.",
    "capacity_table": "Pladser og belægning pr. indsats og måned",
    "capacity_chart": "Belægning: løsningens borgere og andre",
    "capacity_chart_label": "Linjediagram: antal borgere i indsatsen pr. måned, løsningens og "
    "andres, med pladserne som stiplet linje. Tallene står i tabellen under.",
    "capacity_value": "Borgere",
    "no_capacity": "Der er ingen kapacitetsbegrænsede indsatser i de indlæste data (kolonnen "
    "capacity i indsatskataloget).",
    "agreed": "Aftalte pladser",
    "agreed_hint": "Det antal pladser, løsningen har aftalt med ejeren af tilbuddet.",
    "agreed_saved": "Løsningen har nu {places} aftalte pladser i indsatsen {name}.",
    "agreed_refused": "Pladserne er ikke gemt",
    "agreed_button": "Gem aftalte pladser",
    "agreed_invalid": "Skriv antallet af pladser som et helt tal (0 eller flere).",
    "agreed_choose": "Vælg den indsats, pladserne er aftalt i.",
    "warnings": "Advarsler om kapacitet",
    "warning": "«{solution}» har brugt flere pladser i «{name}» ({area}) end de {agreed} "
    "aftalte i {months}, senest {last}.",
    "months_one": "1 måned",
    "months_many": "{count} måneder",
    "warning_hidden": f"Løsningens antal er under {SMALL_CELL} i en eller flere af månederne og "
    "vises ikke; advarslen er regnet på det faktiske antal.",
    "warnings_hint": "Den ejende sektorområdes fagchef ser de samme advarsler.",
    "series_solution": "Løsningens borgere",
    "series_others": "Andre borgere",
    "series_places": "Pladser",
    "review": "Gennemgang af posteringer",
    "review_link": "Halvårlig gennemgang af posteringer og bevillinger",
    "review_lead": "Til den halvårlige gennemgang mellem sagsbehandlere og økonomikonsulent: "
    "for hver sag (borger eller familie) i løsningen dens posteringer i perioden og dens "
    "disponerede bevillinger. Hent listen i Excel og sæt kryds i kolonnen «Afstemt».",
    "review_period": "Halvår",
    "review_show": "Vis",
    "review_cases": "Sager i perioden",
    "review_postings": "Posteringer pr. sag",
    "review_commitments": "Disponerede bevillinger pr. sag",
    "review_postings_hint": "Driftsudgifter bogført på sagens borgere (CPR-registreret) i de "
    "måneder, sagen var indskrevet i løsningen i perioden.",
    "review_commitments_hint": "Godkendte bevillingers beløb pr. måned og betalende område i "
    "perioden (en afsluttet bevillings tilbageførte måneder står med minus).",
    "review_none": "Ingen af løsningens sager var indskrevet i halvåret.",
    "review_no_data": "Der er ikke indlæst data endnu, så der er ingen posteringer at gennemgå.",
    "half": "{half}. halvår {year}",
    "units": {"citizen": "Borger", "family": "Familie"},
    "review_no_postings": "Ingen posteringer på sagerne i perioden.",
    "review_no_commitments": "Ingen disponerede bevillinger på sagerne i perioden.",
    "logged": "Visningen er logget. Grundlag",
    "solution": "Løsning",
    "no_solution": "Ingen løsning",
}

COLUMNS = {
    "intervention_type": "Indsatstype",
    "interventions": "Indsatskoder",
    "granting": "Visitationskompetence",
    "paying": "Betalingsforpligtelse",
    "classification": "Klassifikation (tabel 4.1)",
    "expected": "Forventet",
    "placement_note": "Note",
    "set_by": "Sat af",
    "set_at": "Tidspunkt",
    "key": "Nøgle",
    "name": "Navn",
    "solution": "Løsning",
    "version": "Version",
    "status": "Status",
    "content": "Andele",
    "valid_from": "Gælder fra",
    "valid_to": "Gælder til",
    "justification": "Faglig begrundelse",
    "proposed_by": "Foreslået af",
    "proposed_at": "Foreslået",
    "decided_by": "Besluttet af",
    "decided_at": "Besluttet",
    "decision_reason": "Begrundelse for beslutningen",
    "area": "Sektorområde",
    "holder": "Budgetansvarlig",
    "citizens": "Borgere",
    "booked": "Bogført på området",
    "paid": "Betales af området efter nøgler",
    "difference": "Forskel (betalt − bogført)",
    "committed": "Disponeret (godkendte bevillinger)",
    "month": "Måned",
    "intervention": "Indsats",
    "owner": "Ejer (sektorområde)",
    "places": "Pladser",
    "agreed": "Aftalte pladser",
    "used_solution": "Løsningens borgere",
    "used_others": "Andre borgere",
    "over": "Over det aftalte",
    "unit": "Enhed",
    "subject": "Sag (borger eller familie)",
    "citizen": "Borger",
    "enrolled_on": "Indskrevet",
    "discharged_on": "Udskrevet",
    "postings": "Posteringer",
    "posted": "Bogført i perioden",
    "attributed": "Fordelt træk i perioden",
    "posting_id": "Posterings-id",
    "posting_date": "Bogføringsdato",
    "function_code": "Funktion",
    "text": "Tekst",
    "amount": "Beløb",
    "grant": "Bevilling",
    "reconciled": "Afstemt",
    "case_difference": "Forskel (bogført − disponeret)",
}

FIELDS = {
    "intervention_type": "Indsatstype",
    "interventions": "Indsatskoder (valgfri)",
    "note": "Note (valgfri)",
    "expected": "Forventet (endnu ikke i drift)",
    "key": "Kort navn",
    "name": "Navn (valgfri)",
    "solution_id": "Løsning",
    "shares": "Faste andele",
    "rules": "Eller regler (YAML)",
    "valid_from": "Gælder fra",
    "valid_to": "Gælder til (valgfri)",
    "justification": "Faglig begrundelse",
    "places": "Aftalte pladser",
}

HINTS = {
    "intervention_type": "Fx «familiebehandling» eller «dyrere indsatser». Tom: alle indsatser.",
    "interventions": "Indsatskoderne, typen dækker, adskilt af komma.",
    "key": "Fx «assens-dyrere». Samme navn igen giver en ny version af nøglen.",
    "shares": "Én linje pr. sektorområde: OMRÅDE=ANDEL, andelen i procent (33,5%) eller som "
    "brøk (1/3). Tilsammen præcis 100 %. Sektorområder: {areas}.",
    "rules": "Regler efter lovgrundlag, indsats eller alder (se dokumentationen); bruges i "
    "stedet for de faste andele.",
    "justification": "Den faglige vurdering bag fordelingen: koordinationsgruppen godkender "
    "på den.",
}

AUDIT_ACTIONS = {
    "gennemgang_vist": "Så løsningens posteringer til gennemgang",
    "gennemgang_eksporteret": "Hentede løsningens posteringer til gennemgang i Excel",
    "placering_sat": "Satte placering af visitation og betaling",
    "fordelingsnoegle_foreslaaet": "Foreslog en fordelingsnøgle",
    "fordelingsnoegle_godkendt": "Godkendte en fordelingsnøgle",
    "fordelingsnoegle_afvist": "Afviste en fordelingsnøgle",
    "kapacitetsandel_sat": "Satte løsningens aftalte pladser",
}

PLACES = {str(k): v for k, v in PLACE_LABELS.items()}

PRINCIPLES.update(
    places=PLACES,
    statuses=STATUSES,
    classifications=CLASSIFICATIONS,
    columns=COLUMNS,
    fields=FIELDS,
    hints=HINTS,
)
