"""Structured logging (structlog): console for people, JSON lines in production and in the log file.

Never log a clear CPR number: log pseudonyms, counts and file names.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import structlog


def configure(level: str = "INFO", fmt: str = "console", log_file: Path | None = None) -> None:
    """Log to stderr (console or JSON) and, when given, append JSON lines to ``log_file``."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        # reopened when retention has replaced the file without its old lines
        handlers.append(logging.handlers.WatchedFileHandler(log_file, encoding="utf-8"))
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        timestamper,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    console = structlog.dev.ConsoleRenderer(colors=False)
    json_renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        is_file = isinstance(handler, logging.FileHandler)
        renderer = json_renderer if is_file or fmt == "json" else console
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=shared,
                processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            )
        )
        if not is_file:
            handler.setLevel(logging.WARNING if fmt == "console" else level.upper())
        root.addHandler(handler)
    root.setLevel(level.upper())


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)
