"""The analysis session: one read-only connection to the analytics database, the municipality's
draw configuration, and everything computed on it kept for the session's life.

In the spirit of splink's linker: a use case is handed an :class:`Analysis` instead of a
``(backend, attribution, config)`` triple, and asks it for what it needs —

* :meth:`Analysis.span` and :meth:`Analysis.period`: the loaded data's span, read once;
* :meth:`Analysis.attribution`: the draw attribution of a period, run once per period and
  attribution configuration (a selection's look-back window and the overview of the same year
  share it);
* :meth:`Analysis.materialised`: any intermediate, a DuckDB temporary table computed once per
  key (e.g. a selection's persons on a reference date, or its measures per unit).

A web request or a command opens one session with :func:`opened` and closes it on leaving; the
temporary tables go with the connection. The session reads; it never writes to the analytics
file, and the operational store's migrations run at start-up and import, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import ibis.expr.types as ir
from ibis.backends.duckdb import Backend

from tvaers.core.config import Settings
from tvaers.core.errors import NoData
from tvaers.core.periods import Period
from tvaers.core.units import Unit
from tvaers.draw import cache, reference
from tvaers.draw.attribution import Attribution, attribute, materialise, resolve_period
from tvaers.draw.model import (
    DEFAULT_OVERLAPS,
    METHODS_FILE,
    OVERLAPS_FILE,
    AttributionConfig,
    OverlapRule,
    parse_methods,
    parse_overlaps,
)
from tvaers.draw.reference import AsOf, DataSpan
from tvaers.engine.connection import analysing, release


@dataclass(frozen=True)
class DrawConfig:
    """The municipality's configuration of the draw (files under ``TVAERS_HOME/konfiguration``)."""

    attribution: AttributionConfig = field(default_factory=AttributionConfig)
    overlaps: tuple[OverlapRule, ...] = DEFAULT_OVERLAPS


def load_config(settings: Settings) -> DrawConfig:
    """Read ``individfordeling.csv`` and ``overlap.csv`` when present; defaults otherwise."""
    folder = settings.home / "konfiguration"
    methods, overlaps = folder / METHODS_FILE, folder / OVERLAPS_FILE
    return DrawConfig(
        attribution=parse_methods(methods.read_text("utf-8-sig"), str(methods))
        if methods.exists()
        else AttributionConfig(),
        overlaps=parse_overlaps(overlaps.read_text("utf-8-sig"), str(overlaps))
        if overlaps.exists()
        else DEFAULT_OVERLAPS,
    )


def open_backend(settings: Settings) -> Backend:
    """The analytics database as it is now, read-only (results go to temporary tables)."""
    return open_version(settings)[0]


def open_version(settings: Settings) -> tuple[Backend, Path]:
    """:func:`open_backend` and the version's path, on the engine of the settings
    (:func:`~tvaers.engine.connection.analysing`: DuckDB or PySpark)."""
    if not settings.analytics_path.exists():
        raise NoData(
            "Der er ikke indlæst data endnu.", hint="Indlæs kommunens data: tvaers import MAPPE"
        )
    return analysing(settings)


_SHARED: dict[tuple[str, str], Any] = {}  # (version of the analytics file, fact) -> value
_SHARED_LOCK = threading.Lock()
_T = TypeVar("_T")


def _shared(version: str | None, fact: str, compute: Callable[[], _T]) -> _T:
    """A fact of the loaded data (its span, the area names) computed once per version of the
    analytics file in the process, not once per request: a version never changes."""
    if version is None:
        return compute()
    with _SHARED_LOCK:
        if (version, fact) in _SHARED:
            return _SHARED[(version, fact)]  # type: ignore[no-any-return]
    value = compute()
    with _SHARED_LOCK:
        for key in [k for k in _SHARED if k[0] != version]:  # an earlier version's facts
            del _SHARED[key]
        _SHARED[(version, fact)] = value
    return value


def _methods_key(config: AttributionConfig) -> Hashable:
    return tuple(sorted((code, method.value) for code, method in config.methods.items()))


class Analysis:
    """A read-only analysis session on one connection (see the module's docstring)."""

    def __init__(
        self, backend: Backend, config: DrawConfig | None = None, version: str | None = None
    ) -> None:
        self.backend = backend
        self.config = config or DrawConfig()
        self.version = version  # of the analytics file, when known: facts of it are shared
        self._attributions: dict[Hashable, Attribution] = {}
        self._materialised: dict[Hashable, ir.Table] = {}

    @cached_property
    def span(self) -> DataSpan:
        """The loaded data's span (:class:`~tvaers.core.errors.NoData` without postings)."""
        return _shared(self.version, "span", lambda: reference.span(self.backend))

    def as_of(self, wanted: str | None) -> AsOf:
        """The reference date a user asked for, within the data (:func:`reference.as_of`)."""
        return reference.as_of(self.span, wanted)

    @cached_property
    def loaded(self) -> str | None:
        """A digest of the loaded import batches: what cached figures depend on
        (:func:`tvaers.draw.cache.state_of`)."""
        return _shared(self.version, "loaded", lambda: cache.state_of(self.backend))

    @cached_property
    def area_names(self) -> dict[str, str]:
        """Sector area code -> its Danish name, as loaded."""
        return _shared(self.version, "area_names", lambda: reference.area_names(self.backend))

    @cached_property
    def intervention_names(self) -> dict[str, str]:
        """Intervention code -> its Danish name, as loaded."""
        return _shared(
            self.version, "intervention_names", lambda: reference.intervention_names(self.backend)
        )

    @cached_property
    def budget_holders(self) -> dict[str, str]:
        """Sector area code -> who holds its budget, where the data say."""
        return _shared(
            self.version, "budget_holders", lambda: reference.budget_holders(self.backend)
        )

    def knows(self, unit: Unit, subject: str) -> bool:
        """Whether the loaded data hold this citizen (pseudonym) or family."""
        people = self.backend.table("citizens")
        column = people.citizen if unit is Unit.CITIZEN else people.family
        return bool(people.filter(column == subject).count().to_pyarrow().as_py())

    def table(self, name: str) -> ir.Table:
        """A loaded table of the analytics database."""
        return self.backend.table(name)

    def period(self, year: int | None = None, period: Period | None = None) -> Period:
        """The months to compute: the year (or the period, or all loaded data) within the data's
        span; months after the last posting are left out."""
        return resolve_period(self.backend, year, period, (self.span.first, self.span.last))

    def attribution(self, period: Period) -> Attribution:
        """The draw attribution of ``period`` under the session's configuration, run once."""
        key = (period, _methods_key(self.config.attribution))
        found = self._attributions.get(key)
        if found is None:
            found = attribute(self.backend, period, self.config.attribution)
            self._attributions[key] = found
        return found

    def draw(self, year: int | None = None, period: Period | None = None) -> Attribution:
        """The attribution of the year (or period, or all loaded data), within the data's span."""
        return self.attribution(self.period(year, period))

    def materialised(self, stem: str, key: Hashable, build: Callable[[], ir.Table]) -> ir.Table:
        """``build()``'s expression as a temporary table, computed once per ``(stem, key)``;
        ``key`` names every input the expression depends on besides the loaded data."""
        full = (stem, key)
        found = self._materialised.get(full)
        if found is None:
            found = materialise(self.backend, stem, build())
            self._materialised[full] = found
        return found

    def close(self) -> None:
        """Close the connection; its temporary tables go with it."""
        self._attributions.clear()
        self._materialised.clear()
        release(self.backend)


@contextmanager
def opened(settings: Settings, config: DrawConfig | None = None) -> Iterator[Analysis]:
    """An analysis session on the home's analytics database with its draw configuration (or
    ``config``), closed on leaving. :class:`~tvaers.core.errors.NoData` when nothing is loaded."""
    backend, path = open_version(settings)
    version = path.name if path != settings.analytics_path else None  # None: not a version
    analysis = Analysis(backend, config or load_config(settings), version)
    try:
        yield analysis
    finally:
        analysis.close()
