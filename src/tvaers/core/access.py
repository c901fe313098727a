"""Who may do what: roles, the two legal purposes, and the access matrix of the README.

Pure rules, no I/O. The checks that apply them (and write the audit entry) are in
:mod:`tvaers.access`, used by the web pages and the command line alike.
"""

from __future__ import annotations

from enum import StrEnum

from tvaers.core.glossary import TERMS


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    FINANCE_CONSULTANT = "finance_consultant"
    AREA_CHIEF = "area_chief"
    SOLUTION_LEADER = "solution_leader"
    CASEWORKER = "caseworker"
    ANALYST = "analyst"


class Purpose(StrEnum):
    """The two legal purposes of data use (DOMAIN.md §3.7)."""

    STATISTICAL = "statistical"
    CASEWORK = "casework"


# The roles' Danish names, from the glossary: «Økonomikonsulent», «Leder af tværgående løsning».
ROLE_LABELS = {role: TERMS[role.value].capitalize() for role in Role}
PURPOSE_LABELS = {
    Purpose.STATISTICAL: "Statistisk formål",
    Purpose.CASEWORK: "Sagsbehandlingsformål",
}

# Who may work under the casework purpose at all (a basis per citizen is needed on top).
CASEWORK_ROLES = frozenset(
    {Role.CASEWORKER, Role.SOLUTION_LEADER, Role.AREA_CHIEF, Role.FINANCE_CONSULTANT}
)
# Who may create and edit solutions and answer reflection questions.
SOLUTION_EDITORS = frozenset(
    {Role.ADMINISTRATOR, Role.SOLUTION_LEADER, Role.AREA_CHIEF, Role.FINANCE_CONSULTANT}
)
# Who may create, edit and import target-group rule sets.
RULE_EDITORS = frozenset(
    {
        Role.ADMINISTRATOR,
        Role.FINANCE_CONSULTANT,
        Role.AREA_CHIEF,
        Role.SOLUTION_LEADER,
        Role.ANALYST,
    }
)
# Who may record a basis (consent, legal basis, overriding interest) for a citizen.
BASIS_RECORDERS = frozenset({Role.CASEWORKER, Role.SOLUTION_LEADER, Role.AREA_CHIEF})
# Who may export pseudonymised microdata of the whole population for statistics (and every
# amount of the coverage report, to reconcile with the books): never under casework.
MICRODATA_ROLES = frozenset({Role.ANALYST, Role.FINANCE_CONSULTANT})
ADMINS = frozenset({Role.ADMINISTRATOR})
# Focus point 4 (issue 12): who sets the competence plan, proposes grants and keys, and who
# approves keys (the coordination group of area chiefs). Who decides a grant is the plan's.
PLAN_EDITORS = frozenset({Role.ADMINISTRATOR, Role.FINANCE_CONSULTANT})
GRANT_PROPOSERS = frozenset({Role.CASEWORKER, Role.SOLUTION_LEADER})
KEY_PROPOSERS = frozenset({Role.SOLUTION_LEADER, Role.FINANCE_CONSULTANT})
KEY_APPROVERS = frozenset({Role.AREA_CHIEF})
# Focus point 5 (issue 13): who sets budgets, frames, efficiency requirements, budget
# assumptions and records a settlement; who writes investment cases. Everyone signed in sees them.
BUDGET_EDITORS = frozenset({Role.ADMINISTRATOR, Role.FINANCE_CONSULTANT})
INVESTMENT_EDITORS = frozenset({Role.FINANCE_CONSULTANT, Role.SOLUTION_LEADER, Role.ANALYST})
# Focus point 6 (issue 14): who records a follow-up on a citizen's granted intervention (the
# casework purpose and a basis for the citizen on top).
FOLLOWUP_RECORDERS = frozenset({Role.CASEWORKER, Role.SOLUTION_LEADER, Role.AREA_CHIEF})


def purposes_for(role: Role) -> list[Purpose]:
    """The analyst never gets the casework purpose; nor does the administrator."""
    if role in CASEWORK_ROLES:
        return [Purpose.STATISTICAL, Purpose.CASEWORK]
    return [Purpose.STATISTICAL]


# The kinds of basis that make person-level access lawful (DOMAIN.md §3.7).
BASIS_KINDS = {
    "consent": "Samtykke",
    "legal_basis": "Hjemmel i lovgivningen",
    "overriding_interest": "Dokumenteret væsentlig interesse",
}
