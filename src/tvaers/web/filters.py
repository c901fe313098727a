"""Jinja filters: Danish numbers, money and dates."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from tvaers.core.publication import display
from tvaers.web.charts import vega_lite


def install(env: Environment) -> None:
    env.filters["dkk"] = lambda v: display(v, "money")
    env.filters["number"] = lambda v: display(v, "int")
    env.filters["share"] = lambda v: display(v, "share")
    env.filters["dk"] = lambda v: display(v)
    env.filters["lines"] = _lines
    env.filters["vega"] = vega_lite  # a published Chart as the page draws it
    env.globals["display"] = display


def _lines(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(
            f"{v['staff_type']}: {v['number']}" if isinstance(v, dict) else str(v) for v in value
        )
    return "" if value is None else str(value)
