"""Access and audit, once, below the features: who acts (:class:`Actor`, a real user of the
store), under which purpose, on which recorded basis — one call that checks and writes the audit
entry together (:mod:`tvaers.access.gates`). Refusals are
:class:`~tvaers.core.errors.AccessRefused`, rendered once by the web and once by the CLI."""

from tvaers.access.actors import Actor, actor_for, parse_purpose
from tvaers.access.bases import check_basis_period, citizen_bases, record_citizen_basis
from tvaers.access.gates import (
    basis_text,
    citizen_basis,
    citizen_gate,
    family,
    in_force,
    microdata,
    microdata_gate,
    person,
    record,
    require_casework,
    require_role,
    selection_basis,
    solution,
    solution_gate,
)
from tvaers.access.identities import reveal, reveal_listed

__all__ = [
    "Actor",
    "actor_for",
    "basis_text",
    "check_basis_period",
    "citizen_bases",
    "citizen_basis",
    "citizen_gate",
    "family",
    "in_force",
    "microdata",
    "microdata_gate",
    "parse_purpose",
    "person",
    "record",
    "record_citizen_basis",
    "require_casework",
    "require_role",
    "reveal",
    "reveal_listed",
    "selection_basis",
    "solution",
    "solution_gate",
]
