"""Rule files: the text of a rule set as a municipality saves it, and the ready-made rule sets
shipped in :mod:`tvaers.selection.rulesets`. Bad files are refused in Danish; the text is
parsed by :func:`tvaers.selection.parse.parse_rule_set`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from tvaers.core.errors import ConfigError
from tvaers.selection.parse import parse_rule_set
from tvaers.selection.rules import RuleSet

RULESET_PACKAGE = "tvaers.selection.rulesets"
MAX_RULE_BYTES = 400_000  # a rule set is a page of YAML; anything larger is not one


def decode_rule_text(data: bytes, source: str) -> str:
    """The text of a rule file as a municipality saves it: UTF-8 (with or without BOM), UTF-16
    with BOM (Notepad's "Unicode") or Windows-1252 (Notepad's "ANSI"); line ends made LF.
    A file that is no text is refused in Danish."""
    if len(data) > MAX_RULE_BYTES:
        raise ConfigError(
            f"{source}: filen er for stor til at være et regelsæt ({len(data):,} byte).".replace(
                ",", "."
            ),
            hint="Et regelsæt fylder typisk under 5 kB; vælg YAML-filen med ét regelsæt.",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif b"\x00" in data:
        raise ConfigError(
            f"{source}: filen er ikke en tekstfil.",
            hint="Vælg YAML-filen med regelsættet (fx eksporteret fra Tværs).",
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ConfigError(
                    f"{source}: filen kan ikke læses som tekst.",
                    hint="Gem filen som UTF-8 (i Notesblok: Gem som, Kodning: UTF-8).",
                ) from None
    return text.replace("\r\n", "\n")


def read_rule_file(path: Path) -> str:
    """A rule file's text (see :func:`decode_rule_text`), or a Danish :class:`ConfigError`."""
    if not str(path).strip() or path.is_dir():
        raise ConfigError(
            f"'{path}' er en mappe, ikke en YAML-fil." if str(path).strip() else
            "Angiv et regelsæt: dets navn (fx furesoe) eller en YAML-fil.",
            hint="Se regelsættenes navne med: tvaers rules list",
        )  # fmt: skip
    if not path.exists():
        raise ConfigError(f"Filen {path} findes ikke.", hint="Tjek stien og filnavnet.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"Filen {path} kan ikke læses: {exc.strerror}.") from None
    return decode_rule_text(data, path.name)


@cache
def ready_made() -> dict[str, tuple[RuleSet, str]]:
    """The rule sets shipped from the seeds (KL's target groups, Furesø): key -> (rule, text)."""
    found: dict[str, tuple[RuleSet, str]] = {}
    folder = resources.files(RULESET_PACKAGE)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text("utf-8")
            rule = parse_rule_set(text, entry.name)
            found[rule.key] = (rule, text)
    return found
