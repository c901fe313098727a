"""The Danish texts of the budget pages (issue 13): budgets per area and year, budget against
actual, frames, a solution's own budget and the area chief's view. Used as ``T.budget``."""

from __future__ import annotations

from tvaers.budget.frames import STEERING_LABELS
from tvaers.budget.state import BASIS_HINTS, BASIS_LABELS

BUDGET = {
    "nav": "Budget",
    "title": "Budget og regnskab",
    "lead": "Hvert sektorområdes budget for året mod forbruget til dato og et forventet "
    "årsresultat efter den løbende takt (forbruget til dato ÷ måneder med data × 12), så et "
    "merforbrug ses i tide. Budgetterne tages over fra de indlæste data og kan ændres her; "
    "hver ændring er en ny version med hvem, hvornår og hvorfor.",
    "own_area": "Dit område: {name}",
    "own_area_lead": "Se hvad du betaler, og hvad du får: dit budget, hvad løsningerne trækker "
    "på det, din del af effektiviseringskravene og afregningerne.",
    "year": "År",
    "basis": "Grundlag",
    "show": "Vis",
    "bases": {str(k): v for k, v in BASIS_LABELS.items()},
    "basis_hints": {str(k): v for k, v in BASIS_HINTS.items()},
    "covered": "Forbrug til dato dækker {months} ({count} måneder med data).",
    "no_months": "Der er ingen posteringer i {year}: kun budgetterne vises.",
    "no_data": "Der er ikke indlæst data endnu.",
    "areas_table": "Budget mod forbrug pr. sektorområde",
    "months_table": "Forbrug pr. område og måned",
    "chart": "Forbrug pr. måned mod budgettets månedsniveau (stiplet)",
    "chart_label": "Linjediagram: forbruget pr. måned for hvert område med budgettet pr. måned "
    "som stiplet linje; tallene står i tabellen under.",
    "chart_value": "Kr. pr. måned",
    "accounts_note": "Forbruget er områdets samlede driftsudgift (dranst 1) efter "
    "økonomisystemet, pr. funktion og måned — regnskabstal, ikke tal om borgere.",
    "unmatched": "Budgetlinjen for løsningen «{name}» i de indlæste data svarer ikke til en "
    "løsning i Tværs og er ikke taget over. Opret løsningen eller ret navnet i filen.",
    "over": "Merforbrug",
    "under": "Mindreforbrug",
    "status_frame": "Merforbrug: skal dækkes i rammen «{frame}»",
    "status_whole": "Merforbrug: skal dækkes af det samlede budget",
    "columns": {
        "name": "Sektorområde",
        "holder": "Budgetansvarlig",
        "budget": "Budget",
        "budget_ytd": "Budget til dato",
        "actual_ytd": "Forbrug til dato",
        "year_end": "Forventet årsresultat",
        "deviation": "Forventet afvigelse",
        "used": "Forbrugt af budget",
        "status": "Status",
        "month": "Måned",
        "actual": "Forbrug",
        "monthly_budget": "Budget pr. måned",
        "version": "Version",
        "amount": "Beløb",
        "source": "Kilde",
        "changed_by": "Ændret af",
        "changed_at": "Ændret",
        "note": "Bemærkning",
        "solution": "Løsning",
        "item": "Post",
        "inside": "Placering",
        "frame": "Ramme",
        "steering": "Styring",
        "areas": "Områder",
        "movable": "Kan flyttes",
        "citizens": "Borgere",
        "citizens_since": "Borgere siden indskrivning",
        "paid_year": "Betalt i året",
        "paid_since": "Betalt siden indskrivning",
        "committed_year": "Disponeret i året",
        "rule": "Fordelingsregel",
        "requirement": "Løsningens krav",
        "part": "Områdets del",
        "baseline": "Baseline (gammel løsning)",
        "settled_actual": "Faktisk (ny løsning)",
        "change": "Budgetændring",
        "end": "Tværgående linje ender",
        "met": "Kravet indfriet",
        "drawn": "Trukket i året",
        "remaining": "Tilbage",
    },
    "sources": {"import": "Indlæst", "user": "Ændret i Tværs"},
    "inside": {"true": "Inden for enheden", "false": "Uden for enheden", "none": ""},
    # frames
    "frames": "Budgetrammer",
    "frames_lead": "En ramme samler områder for et år. Under en bred budgetramme kan midler "
    "flyttes frit mellem rammens områder; under håndfast rammestyring holder hvert områdes "
    "budget, og et merforbrug skal dækkes af mindreforbrug i andre områder inden for rammen.",
    "steering": {str(k): v for k, v in STEERING_LABELS.items()},
    "frames_table": "Rammerne og deres områder",
    "frame_versions": "Rammernes versioner",
    "no_frames": "Der er ingen budgetrammer for {year}.",
    "flags": "Merforbrug, der skal dækkes",
    "no_flags": "Intet område forventer et merforbrug, der skal dækkes.",
    "flag_firm": "{area} forventer et merforbrug på {amount}, som skal dækkes inden for "
    "rammen «{frame}».",
    "flag_covers": "Mindreforbrug i rammen: {covers}",  # the full stop added unless «kr.» ends it
    "flag_no_covers": "Ingen af rammens områder har mindreforbrug.",
    "flag_uncovered": "{amount} kan ikke dækkes inden for rammen.",
    "flag_outside": "{area} ligger uden for rammerne og forventer et merforbrug på {amount}: "
    "det skal dækkes af det samlede budget.",
    "flag_broad": "Rammen «{frame}» forventer samlet et merforbrug på {amount}: det kan ikke "
    "dækkes ved at flytte midler inden for rammen.",
    "frame_form": "Sæt en ramme",
    "frame_name": "Rammens navn",
    "frame_name_hint": "Fx «Det specialiserede område». Samme navn igen giver en ny version.",
    "frame_steering_hint": "Bred: midler kan flyttes frit. Håndfast: hvert budget holder.",
    "frame_areas": "Områder i rammen",
    "frame_areas_hint": "Et område kan kun ligge i én ramme pr. år. Ingen valgt: rammen opløses.",
    "frame_saved": "Rammen «{name}» er gemt som version {version}.",
    "frame_same": "Rammen «{name}» er uændret; intet gemt.",
    # editing a budget
    "edit": "Ændr et budget",
    "edit_lead": "Et nyt beløb gemmes som en ny version; den indlæste version bevares i "
    "historikken.",
    "area": "Sektorområde",
    "amount": "Budget (kr.)",
    "amount_hint": "Hele kroner eller med øre, fx 2.500.000 eller 2500000,00.",
    "note": "Bemærkning",
    "note_hint": "Hvorfor budgettet ændres, fx «Tillægsbevilling, byrådet 12. marts».",
    "solution": "Løsning",
    "solution_hint": "Vælg en løsning for at sætte dens eget budget; ellers områdets.",
    "no_solution": "Ingen (områdets budget)",
    "item": "Udgiftspost",
    "item_hint": "Kun for en løsnings budget, fx «Familiebehandlere».",
    "placement": "Postens placering",
    "placement_hint": "Inden for enheden betales af enhedens eget budget; uden for af "
    "sektorområdet.",
    "placements": {"": "Ingen post", "inside": "Inden for enheden", "outside": "Uden for enheden"},
    "saved": "Budgettet er gemt: {amount} (version {version}).",
    "same": "Budgettet er uændret ({amount}); intet gemt.",
    "bad_amount": "«{text}» er ikke et beløb. Skriv fx 2.500.000 eller 2500000,00.",
    "bad_year": "Vælg et budgetår (mellem 1990 og 2100).",
    "too_large": "Budgettet «{text}» er større end 100 mia. kr. Skriv et beløb på højst "
    "100.000.000.000 kr.",
    "bad_placement": "Postens placering «{text}» findes ikke. Vælg inden for enheden, uden for "
    "enheden eller ingen post.",
    # the area chief's view
    "area_title": "Budget for {name}",
    "area_lead": "Hvad jeg betaler, og hvad jeg får: områdets budget og forbrug, hvad de "
    "tværgående løsninger trækker på budgettet, områdets del af løsningernes "
    "effektiviseringskrav og årets afregninger.",
    "area_unknown": "Sektorområdet «{area}» findes ikke.",
    "area_figures": "Budget og forbrug",
    "area_months": "Forbrug pr. måned",
    "area_versions": "Budgettets versioner",
    "area_frame": "Rammen",
    "in_frame": "Området ligger i rammen «{frame}» ({steering}).",
    "no_frame": "Området ligger ikke i en budgetramme for {year}.",
    "movable_here": "Under den brede ramme kan {amount} flyttes fra området.",
    "draws": "Hvad løsningerne trækker på budgettet",
    "draws_lead": "Løsningernes indskrevne borgeres træk siden indskrivningen, fordelt på de "
    "betalende områder efter de godkendte fordelingsnøgler (hvem betaler).",
    "draws_none": "Ingen løsning har indskrevne borgere.",
    "requirements": "Områdets del af effektiviseringskravene",
    "requirements_none": "Ingen løsning har et effektiviseringskrav for {year}, der lægger en "
    "del på området.",
    "settlements": "Afregninger",
    "settlements_none": "Der er ikke registreret en afregning for {year} med en linje for området.",
    "met": {True: "Ja", False: "Nej: kravet er ikke indfriet"},
    "solution_lines": "Løsningernes egne budgetlinjer på området",
    # a solution's own budget
    "solution_title": "Eget budget: {name}",
    "solution_lead": "Løsningens eget budget (poster inden for enheden og budget flyttet til "
    "løsningen) og dens poster uden for enheden på sektorområderne, mod hvad løsningen trækker "
    "i året, efter hvem der betaler.",
    "solution_lines_table": "Løsningens budgetlinjer",
    "own_table": "Eget budget mod træk",
    "own_none": "Løsningen har ingen budgetlinjer for {year}.",
    "draw_hidden": "Løsningens træk vises ikke",
    "solution_link": "Eget budget og træk",
    "solutions_heading": "Løsningernes eget budget mod deres træk",
}
AUDIT_ACTIONS = {
    "budget_sat": "Ændrede et budget",
    "budget_indlaest": "Budgetter taget over fra de indlæste data",
    "budgetramme_sat": "Satte en budgetramme",
}
