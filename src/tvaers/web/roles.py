"""Roles and purposes, and what each may do: the access matrix documented in the README."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    FINANCE_CONSULTANT = "finance_consultant"
    AREA_CHIEF = "area_chief"
    SOLUTION_LEADER = "solution_leader"
    CASEWORKER = "caseworker"
    ANALYST = "analyst"


class Purpose(StrEnum):
    STATISTICAL = "statistical"
    CASEWORK = "casework"


ROLE_LABELS = {
    Role.ADMINISTRATOR: "Administrator",
    Role.FINANCE_CONSULTANT: "Økonomikonsulent",
    Role.AREA_CHIEF: "Fagchef",
    Role.SOLUTION_LEADER: "Leder af tværgående løsning",
    Role.CASEWORKER: "Sagsbehandler",
    Role.ANALYST: "Analytiker",
}
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
# Who may record a basis (consent, legal basis, overriding interest) for a citizen.
BASIS_RECORDERS = frozenset({Role.CASEWORKER, Role.SOLUTION_LEADER, Role.AREA_CHIEF})
ADMINS = frozenset({Role.ADMINISTRATOR})


def purposes_for(role: Role) -> list[Purpose]:
    """The analyst never gets the casework purpose; nor does the administrator."""
    if role in CASEWORK_ROLES:
        return [Purpose.STATISTICAL, Purpose.CASEWORK]
    return [Purpose.STATISTICAL]
