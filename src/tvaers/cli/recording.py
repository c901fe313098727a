"""Recording an analysis run from a command (issue 15): one call, :func:`record_run`, after
the command has written its output. The command and its arguments come from the command line's
own context (what was given on the command line, canonical: a replay runs exactly that), the
inputs from :mod:`tvaers.runs.inputs`."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, redirect_stdout
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO, cast

from typer._click.core import Context, ParameterSource
from typer._click.globals import get_current_context
from typer.core import TyperArgument, TyperOption

from tvaers.runs.service import HashingWriter, Output, record, replaying

# Typer (0.29) carries its own copy of Click: the running command's context is that copy's, not
# the click package's, so the context and parameter classes are Typer's.


def invocation(ctx: Context | None = None) -> tuple[str, list[str]]:
    """The running command's path (``forecast backtest``) and the argument list that runs it
    again: each level's name and the options and arguments given on its command line (not those
    from the environment, such as ``TVAERS_USER``: a replay acts as whoever replays)."""
    ctx = ctx or get_current_context()
    chain: list[Context] = []
    while ctx is not None and ctx.parent is not None:
        chain.append(ctx)
        ctx = ctx.parent
    names: list[str] = []
    arguments: list[str] = []
    for level in reversed(chain):
        names.append(level.info_name or "")
        arguments.append(level.info_name or "")
        arguments += _given(level)
    return " ".join(names), arguments


def _given(ctx: Context) -> list[str]:
    tokens: list[str] = []
    for param in ctx.command.params:
        name = param.name or ""
        if ctx.get_parameter_source(name) != ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(name)
        if isinstance(param, TyperArgument):
            tokens += [_text(v) for v in value] if isinstance(value, tuple) else [_text(value)]
        elif isinstance(param, TyperOption):
            tokens += _option(param, value)
    return tokens


def _option(param: TyperOption, value: Any) -> list[str]:
    if param.is_flag:
        if value:
            return [param.opts[0]]
        return [param.secondary_opts[0]] if param.secondary_opts else []
    values = value if param.multiple and isinstance(value, tuple) else (value,)
    return [token for v in values for token in (param.opts[0], _text(v))]


def _text(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def acting_user(ctx: Context | None = None) -> str:
    """Who ran the command: ``--user`` at any level, else TVAERS_USER, else the OS user."""
    ctx = ctx or get_current_context()
    while ctx is not None:
        if ctx.params.get("user"):
            return str(ctx.params["user"])
        ctx = ctx.parent
    return os.environ.get("TVAERS_USER") or getpass.getuser()


def record_run(
    fmt: str, outputs: Sequence[Output], rows: int | None = None, run_at: datetime | None = None
) -> int | None:
    """Record the running command as an analysis run that wrote ``outputs`` in format ``fmt``
    (at ``run_at``: the time an Excel output carries, else now); returns its number (``None``
    during a replay, which records nothing)."""
    from tvaers.cli import _settings, err
    from tvaers.cli.acting import store

    settings = _settings()
    command, arguments = invocation()
    with closing(store(settings)) as session:
        found = record(
            settings, session, acting_user(), command, arguments, fmt, outputs, rows, run_at
        )
        if found is None:
            return None
        session.commit()
        number = found.id
    if err.is_terminal:
        err.print(f"Kørsel nr. {number} er registreret (tvaers runs show {number}).")
    return number


def outputs_of(written: Sequence[Path], screen: HashingWriter | None) -> list[Output]:
    """The outputs of a command: what it wrote to the screen (``screen``), else its files (in
    a replay with their bytes, for ``runs replay --out``)."""
    if screen is not None:
        return [screen.output()]
    return [Output.of_file(path, keep=replaying()) for path in written]


@contextmanager
def recorded_stdout(fmt: str) -> Iterator[None]:
    """Record what the block writes to standard output as the run's output (a command that
    prints its JSON itself): ``with recorded_stdout("json"): write_json(...)``."""
    screen = HashingWriter(sys.stdout, keep=replaying())
    with redirect_stdout(cast("TextIO", screen)):
        yield
    record_run(fmt, [screen.output()])
