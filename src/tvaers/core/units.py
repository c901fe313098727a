"""The unit of analysis and the key of a total row, shared by every feature's tables."""

from __future__ import annotations

from enum import StrEnum

TOTAL_AREA = "total"  # the sector_area value of the total row of a table by sector area


class Unit(StrEnum):
    """The unit of analysis: a citizen or a family (all its members together)."""

    CITIZEN = "citizen"
    FAMILY = "family"


PLURALS = {Unit.CITIZEN.value: "Borgere", Unit.FAMILY.value: "Familier"}
"""A level in Danish, as a table's column or a chart's legend names it."""
