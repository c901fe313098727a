"""Report Python files over 500 lines and functions over 80 lines (ast-based).

Usage: ``python scripts/sizes.py [PATH ...]`` (default: ``src``). Each path is a file or a folder
searched for ``*.py``; ``src/tvaers/store/migrations`` is skipped. A function's length runs from
its ``def`` line to its last line (decorators not counted); methods and nested functions count
on their own. Prints one line per finding and exits 1 if there is any, else 0.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
ROOT = Path(__file__).resolve().parent.parent
SKIPPED = (ROOT / "src" / "tvaers" / "store" / "migrations",)


def python_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        found = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in found:
            if not any(file.resolve().is_relative_to(skip) for skip in SKIPPED):
                yield file


def findings(file: Path) -> Iterator[str]:
    text = file.read_text("utf-8")
    lines = len(text.splitlines())
    if lines > MAX_FILE_LINES:
        yield f"{file}: {lines} lines (file; max {MAX_FILE_LINES})"
    for node in ast.walk(ast.parse(text, str(file))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield (
                    f"{file}:{node.lineno}: {node.name} {length} lines "
                    f"(function; max {MAX_FUNCTION_LINES})"
                )


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT / "src"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    found = [line for file in python_files(paths) for line in findings(file)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
