"""The glossary (DOMAIN.md §2): English code names -> the Danish terms users see."""

from __future__ import annotations

TERMS: dict[str, str] = {
    "municipality": "kommune",
    "solution": "tværgående løsning",
    "sector_area": "sektorområde",
    "area_chief": "fagchef",
    # the roles of the access matrix (core.access.ROLE_LABELS); caseworker is a column below too
    "administrator": "administrator",
    "finance_consultant": "økonomikonsulent",
    "solution_leader": "leder af tværgående løsning",
    "analyst": "analytiker",
    "budget_holder": "budgetansvarlig",
    "citizen": "borger",
    "family": "familie",
    "cpr": "CPR-nummer",
    "benefit": "ydelse",
    "intervention": "indsats",
    "intervention_staircase": "indsatstrappe",
    "grant": "bevilling",
    "granting_authority": "visitationskompetence",
    "payment_obligation": "betalingsforpligtelse",
    "competence_plan": "kompetenceplan",
    "amount_ceiling": "beløbsgrænse",
    "distribution_key": "fordelingsnøgle",
    "budget": "budget",
    "efficiency_requirement": "effektiviseringskrav",
    "baseline": "nulpunktsmåling",
    "redistribution": "omfordeling",
    "resource_draw": "ressourcetræk",
    "person_posting": "CPR-registreret udgift",
    "unattributed_posting": "ikke-CPR-registreret udgift",
    "attribution": "individfordeling",
    "unit_price": "enhedspris",
    "activity": "aktivitet",
    "commitment": "disponering",
    "forecast": "regnskabsprognose",
    "key_figures": "nøgletal",
    "complexity_score": "kompleksitetsscore",
    "contact_points": "kontaktpunkter",
    "consent": "samtykke",
    # columns of the data contract
    "name": "navn",
    "function_code": "funktion",
    "unit": "enhed",
    "legal_basis": "lovgrundlag",
    "staircase_level": "trin på indsatstrappen",
    "capacity": "kapacitet (pladser)",
    "valid_from": "gyldig fra",
    "price": "pris",
    "source": "kilde",
    "birth_date": "fødselsdato",
    "related_cpr": "relateret CPR-nummer",
    "relation": "relation",
    "posting_id": "posterings-id",
    "posting_date": "bogføringsdato",
    "amount": "beløb",
    "account": "konto",
    "cost_centre": "omkostningssted",
    "dranst": "dranst",
    "grouping": "gruppering",
    "art": "art",
    "text": "tekst",
    "start_date": "startdato",
    "end_date": "slutdato",
    "units_per_month": "enheder pr. måned",
    "caseworker": "sagsbehandler",
    "decided_by": "bevilget af",
    "date": "dato",
    "status": "status",
    "note": "note",
    "year": "år",
    "registered": "CPR-registreret",
    "attributed": "individfordelt",
    "unattributed": "ikke fordelt",
    "total": "i alt",
    "expenditure": "udgift",
    "coverage": "dækningsgrad",
    "month": "måned",
    "rows": "rækker",
    "related_citizen": "relateret borger",
}

TABLE_TERMS: dict[str, str] = {
    "sector_areas": "sektorområder",
    "accounts": "kontoplan",
    "interventions": "indsatser",
    "unit_prices": "enhedspriser",
    "citizens": "borgere",
    "relations": "relationer",
    "postings": "posteringer",
    "activities": "aktiviteter",
    "commitments": "disponeringer",
    "outcomes": "resultater",
    "budgets": "budgetter",
}


def danish(name: str) -> str:
    """The Danish term for a code name; the name itself when the glossary has none."""
    return TERMS.get(name) or TABLE_TERMS.get(name) or name


def heading(name: str) -> str:
    """A Danish column heading: the term with a capital first letter."""
    term = danish(name)
    return term[:1].upper() + term[1:]
