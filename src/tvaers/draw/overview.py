"""The municipality's draw overview (statistical): coverage, the draw per sector area and month,
concentration, contact points and overlaps of one year, as published aggregates.

:class:`PublishedOverview` is everything the overview shows and exports, after small-cell
suppression and with codes rather than Danish labels. It is also the schema of the document
cached per loaded import, year and configuration (:mod:`tvaers.draw.cache`): only these
suppressed aggregates are cached, never person-level rows, so a second view does not recompute
the attribution.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from tvaers.core.config import Settings
from tvaers.core.periods import Month, Period
from tvaers.core.suppression import SMALL_CELL
from tvaers.core.units import Unit
from tvaers.draw import cache, reference, service, session
from tvaers.draw.attribution import Attribution
from tvaers.draw.model import Concentration

OVERVIEW_CACHE = "oversigt"  # the cache entries' kind

Row = dict[str, Any]


def _count(value: int | None) -> int | None:
    """A published count; a count of 1-4 never leaves this module (the service already hides
    them; this is the last guard before the cache and the page)."""
    if value is not None and 0 < value < SMALL_CELL:
        return None
    return value


def _rows(rows: Iterable[Row], *counts: str) -> tuple[Row, ...]:
    """Rows as published: each count column in ``counts`` passed through :func:`_count`."""
    return tuple(dict(r, **{key: _count(r[key]) for key in counts}) for r in rows)


@dataclass(frozen=True)
class PublishedConcentration:
    """Cost concentration at one level (citizens or families); ``units`` and ``total`` are
    ``None`` when there are fewer than five units, a share when it would describe fewer.

    ``lorenz``: (population share, cost share) from (0, 0) to (1, 1), at most 101 points;
    ``by_areas``: per number of sector areas ``areas, units, cost, share, note`` (suppressed).
    """

    units: int | None
    total: Decimal | None
    top_1_share: float | None
    top_3_share: float | None
    top_10_share: float | None
    gini: float | None
    lorenz: tuple[tuple[float, float], ...]
    by_areas: tuple[Row, ...]

    @classmethod
    def of(cls, found: Concentration) -> PublishedConcentration:
        return cls(
            units=found.units,
            total=found.total,
            top_1_share=found.top_1_share,
            top_3_share=found.top_3_share,
            top_10_share=found.top_10_share,
            gini=found.gini,
            lorenz=tuple((x, y) for x, y in found.lorenz),
            by_areas=_rows(found.by_areas, "units"),
        )

    def lorenz_at(self, x: float) -> float | None:
        """The Lorenz curve (straight between its published points) at the share ``x``."""
        for (x0, y0), (x1, y1) in pairwise(self.lorenz):
            if x0 <= x <= x1:
                return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return None

    def document(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "total": self.total,
            "top_1_share": self.top_1_share,
            "top_3_share": self.top_3_share,
            "top_10_share": self.top_10_share,
            "gini": self.gini,
            "lorenz": [[x, y] for x, y in self.lorenz],
            "by_areas": [dict(r) for r in self.by_areas],
        }

    @classmethod
    def from_document(cls, found: Mapping[str, Any]) -> PublishedConcentration:
        return cls(
            units=found["units"],
            total=found["total"],
            top_1_share=found["top_1_share"],
            top_3_share=found["top_3_share"],
            top_10_share=found["top_10_share"],
            gini=found["gini"],
            lorenz=tuple((float(x), float(y)) for x, y in found["lorenz"]),
            by_areas=tuple(found["by_areas"]),
        )


@dataclass(frozen=True)
class PublishedOverview:
    """The overview's published aggregates of one period. Rows carry codes (``sector_area``,
    ``month`` as ``YYYY-MM``; the total's is ``TOTAL_AREA``), amounts as ``Decimal`` and a
    Danish ``note`` where a cell is hidden:

    * ``coverage``: per sector area and in total (last), from
      :func:`tvaers.draw.service.coverage_published`;
    * ``area_month``: per sector area and month, with totals (:func:`service.draw_by_area`);
    * ``contacts``: the distribution of contact points (``level, measure, group, units``);
    * ``overlaps``: per overlap rule the citizens and families concerned and their cost.
    """

    period: Period
    names: Mapping[str, str]  # sector area code -> Danish name
    coverage: tuple[Row, ...]
    area_month: tuple[Row, ...]
    concentration: Mapping[Unit, PublishedConcentration]
    contacts: tuple[Row, ...]
    overlaps: tuple[Row, ...]

    def document(self) -> cache.Document:
        """As the cache stores it (plain JSON types, ``Decimal`` and ``date`` tagged)."""
        return {
            "period": str(self.period),
            "names": dict(self.names),
            "coverage": [dict(r) for r in self.coverage],
            "area_month": [dict(r) for r in self.area_month],
            "concentration": {u.value: c.document() for u, c in self.concentration.items()},
            "contacts": [dict(r) for r in self.contacts],
            "overlaps": [dict(r) for r in self.overlaps],
        }

    @classmethod
    def from_document(cls, document: cache.Document) -> PublishedOverview:
        first, _, last = str(document["period"]).partition("..")
        return cls(
            period=Period(Month.parse(first), Month.parse(last or first)),
            names=dict(document["names"]),
            coverage=tuple(document["coverage"]),
            area_month=tuple(document["area_month"]),
            concentration={
                unit: PublishedConcentration.from_document(document["concentration"][unit.value])
                for unit in Unit
            },
            contacts=tuple(document["contacts"]),
            overlaps=tuple(document["overlaps"]),
        )


@dataclass(frozen=True)
class Overview:
    """The overview of ``year``, and the years the data offer."""

    year: int
    years: tuple[int, ...]
    figures: PublishedOverview


def publish(attribution: Attribution, config: service.DrawConfig) -> PublishedOverview:
    """Every aggregate of the overview, computed now and suppressed."""
    found = service.contacts(attribution, config.overlaps)
    return PublishedOverview(
        period=attribution.period,
        names=reference.area_names(attribution.backend),
        coverage=_rows(service.coverage_published(attribution), "citizens"),
        area_month=_rows(service.draw_by_area(attribution), "citizens"),
        concentration={
            unit: PublishedConcentration.of(service.concentration(attribution, unit))
            for unit in Unit  # citizen and family
        },
        contacts=_rows(found["distribution"], "units"),
        overlaps=_rows(found["overlaps"], "citizens", "families"),
    )


def overview(settings: Settings, year: int | None = None) -> Overview:
    """The overview of ``year`` (the latest full year when the data do not cover it), read from
    the cache when the loaded data, year and configuration are unchanged, else computed and
    cached. :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    found = _overview(settings, year, compute=True)
    assert found is not None
    return found


def cached_overview(settings: Settings, year: int | None = None) -> Overview | None:
    """The overview if it is cached; ``None`` if it must be computed (nothing is computed)."""
    return _overview(settings, year, compute=False)


def _overview(settings: Settings, year: int | None, compute: bool) -> Overview | None:
    with session.opened(settings) as analysis:
        chosen = analysis.span.choose_year(year)
        config = analysis.config
        parts = [chosen.year, cache.config_fingerprint(config.attribution, config.overlaps)]
        if compute:
            document: cache.Document | None = cache.cached(
                settings, analysis.loaded, OVERVIEW_CACHE, parts,
                lambda: publish(analysis.draw(chosen.year), config).document(),
            )  # fmt: skip
        else:
            document = cache.peek(settings, analysis.loaded, OVERVIEW_CACHE, parts)
    if document is None:
        return None
    return Overview(chosen.year, chosen.years, PublishedOverview.from_document(document))
