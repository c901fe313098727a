"""The investment case's pages in Danish (focus point 5): ``T.investment`` in the templates.
Apart from :mod:`tvaers.web.texts` so that each file stays short enough to read."""

from __future__ import annotations

from typing import Any

from tvaers.budget.model import BASIS_LABELS

INVESTMENT: dict[str, Any] = {
    "title": "Investeringscaser",
    "nav": "Investeringscase",
    "link": "Investeringscasen: udgifter nu, gevinster senere og andre steder",
    "lead": "En investering over flere år: hvad hvert sektorområde betaler nu, hvad de får "
    "igen senere – brutto og netto af statens refusion – tilbagediskonteret, med "
    "tilbagebetalingsår, afkast og følsomhed for succesraten.",
    "new": "Ny investeringscase",
    "new_version": "Ret casen (ny version)",
    "none": "Der er ingen gemte investeringscaser endnu.",
    "list_table": "Gemte investeringscaser (nyeste version af hver)",
    "saved": "Investeringscasen «{name}» er gemt som version {version}.",
    "unchanged": "Investeringscasen «{name}» er uændret; intet nyt er gemt.",
    "refused": "Casen er ikke gemt",
    "form_lead": "Skriv casens udgifter og forventede gevinster pr. sektorområde og år. Beløb "
    "på dansk (1.250.000 eller 1250000,50) eller internationalt (1250000.50); renter og andele "
    "som procent (4 % eller 4,5 %) eller brøk (1/2).",
    "facts": "Casens forudsætninger",
    "fields": {
        "name": "Casens navn",
        "first_year": "Første år (kalenderår)",
        "years": "Antal år",
        "discount_rate": "Diskonteringsrente",
        "success_rate": "Succesrate",
        "citizens": "Antal borgere",
        "solution_id": "Løsning",
        "note": "Bemærkning til versionen",
    },
    "hints": {
        "name": "Samme navn som en gemt case gemmer en ny version af den.",
        "first_year": "Valgfrit: kalenderåret for år 1, fx 2027.",
        "years": "Casens horisont, 1 til 30 år.",
        "discount_rate": "År 1 tilbagediskonteres ikke; år t er værd 1 ÷ (1 + renten)^(t − 1).",
        "success_rate": "De antagne gevinster tæller med gevinst × succesrate; udgifterne gør "
        "ikke, og det gør målte effekter heller ikke.",
        "citizens": "Valgfrit: de målte effekter pr. borger ganges med antallet.",
        "solution_id": "Valgfrit: løsningen, hvis pilotevaluering kan give målte effekter.",
    },
    "no_solution": "Ingen løsning",
    "lines": "Udgifter og gevinster",
    "lines_hint": "Én linje pr. sektorområde, år og udgift eller gevinst. Refusionsandelen er "
    "den del, staten refunderer (fx 50 % af sygedagpenge): netto af staten tæller kun resten.",
    "line": "linje {n}",
    "line_fields": {
        "sector_area": "Sektorområde",
        "year": "År",
        "kind": "Udgift eller gevinst",
        "amount": "Beløb (kr.)",
        "refund_share": "Refusionsandel",
    },
    "kinds": {"cost": "Udgift", "gain": "Gevinst"},
    "add_line": "Tilføj linje",
    "remove_line": "Fjern",
    "save": "Beregn og gem",
    "basis": {b.value: label for b, label in BASIS_LABELS.items()},
    "in_words": "Kort fortalt",
    "assumed": "Antagelse",
    "measured": "Målt",
    "mixed": "Målt og antagelse",
    "measured_title": "Målte effekter fra pilotevalueringen",
    "measured_lead": "Hvor en pilotevaluering har målt en effekt i et sektorområde, erstatter "
    "den målte gevinst (ændringen pr. borger × antal borgere) den antagne i de år, casen "
    "forventede en gevinst dér. Målte gevinster ganges ikke med succesraten.",
    "measured_none": "Der er ingen målte effekter for casens løsning: alle gevinster er "
    "antagelser.",
    "sources_note": "«Kilde» siger, om gevinsten er en antagelse eller målt i pilotevalueringen.",
    "no_payback": "Ikke inden for perioden",
    "rounding_note": "Hvert beløb er rundet til hele øre (halvt til lige) én gang pr. linje; "
    "alle summer er summen af de rundede linjer, så tabellerne går op.",
    "cells_title": "Hvem betaler, hvem får gevinsten: pr. sektorområde og år",
    "areas_title": "Netto pr. sektorområde over alle år",
    "years_title": "Pr. år og akkumuleret",
    "sensitivity_title": "Følsomhed for succesraten",
    "measured_table": "Målte effekter pr. sektorområde",
    "cumulative_chart": "Akkumuleret nettogevinst pr. år",
    "sensitivity_chart": "Nettonutidsværdi ved succesrater fra 0 % til 100 %",
    "chart_year": "År",
    "chart_value": "Kroner",
    "chart_rate": "Succesrate",
    "series": "Opgørelse",
    "nominal": "nominelt",
    "discounted": "tilbagediskonteret",
    "columns": {
        "name": "Case",
        "version": "Version",
        "years": "År",
        "sector_area": "Sektorområde",
        "year": "År",
        "source": "Kilde",
        "role": "Rolle",
        "cost": "Udgift brutto",
        "gain": "Gevinst brutto",
        "net": "Netto brutto",
        "discounted_net": "Nutidsværdi brutto",
        "cost_net": "Udgift netto af staten",
        "gain_net": "Gevinst netto af staten",
        "net_net": "Netto, netto af staten",
        "discounted_net_net": "Nutidsværdi, netto af staten",
        "cumulative": "Akkumuleret brutto",
        "discounted_cumulative": "Akkumuleret nutidsværdi brutto",
        "cumulative_net": "Akkumuleret, netto af staten",
        "discounted_cumulative_net": "Akkumuleret nutidsværdi, netto af staten",
        "success_rate": "Succesrate",
        "npv": "Nettonutidsværdi brutto",
        "payback": "Tjent hjem, brutto",
        "npv_net": "Nettonutidsværdi, netto af staten",
        "payback_net": "Tjent hjem, netto af staten",
        "per_citizen": "Målt ændring pr. borger og år",
        "low": "Konfidensinterval fra",
        "high": "Konfidensinterval til",
        "citizens": "Borgere",
        "measured_gain": "Målt gevinst pr. år",
        "changed_by": "Gemt af",
        "changed_at": "Tidspunkt",
    },
    "roles": {"pays": "Betaler", "gains": "Får gevinst", "both": "Betaler og får gevinst"},
    "not_found": "Investeringscasen findes ikke.",
    "versions": "Versioner af casen",
}

AUDIT_ACTIONS = {"investeringscase_gemt": "Investeringscase gemt"}
