"""The options every command that writes a table of (possibly person-level) rows takes: where
the table goes (``--format``, ``--out``) and who asks under which purpose and basis
(``--purpose``, ``--basis``, ``--user``). :func:`table_options` adds them to a command."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from tvaers.cli.acting import BasisOption, PurposeOption, UserOption

FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="csv, json eller xlsx (standard: --out's endelse, ellers csv)"),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Fil at skrive til (standard: skærmen; xlsx kræver fil)"),
]


@dataclass(frozen=True)
class TableOptions:
    """``--format``, ``--out``, ``--purpose``, ``--basis`` and ``--user`` as given."""

    fmt: str | None
    out: Path | None
    purpose: str
    basis: int | None
    user: str | None


Command = Callable[..., None]


def table_options(purpose: str = "statistical") -> Callable[[Command], Command]:
    """Add ``--format``, ``--out``, ``--purpose`` (default ``purpose``), ``--basis`` and
    ``--user`` after a command's own options; the command gets them as ``options``, one
    :class:`TableOptions`. Put it below ``@app.command``."""
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in (
            ("fmt", FormatOption, None),
            ("out", OutOption, None),
            ("purpose", PurposeOption, purpose),
            ("basis", BasisOption, None),
            ("user", UserOption, None),
        )
    ]

    def decorate(command: Command) -> Command:
        own = inspect.signature(command, eval_str=True).parameters.values()
        parameters = [p for p in own if p.name != "options"] + added

        @functools.wraps(command)
        def with_options(*args: Any, **kwargs: Any) -> None:
            given = {p.name: kwargs.pop(p.name) for p in added}
            command(*args, options=TableOptions(**given), **kwargs)

        with_options.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
        with_options.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_options

    return decorate
