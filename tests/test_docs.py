"""The docs keep up with the code: every command, setting and contract column is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from tvaers.cli import app
from tvaers.core.config import Settings
from tvaers.data.contracts import CONTRACTS

ROOT = Path(__file__).parent.parent


def _commands(group: typer.Typer, prefix: str = "tvaers") -> list[str]:
    click_group = typer.main.get_command(group)
    names = []

    def walk(command, path: str) -> None:  # type: ignore[no-untyped-def]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}")
        else:
            names.append(path)

    walk(click_group, prefix)
    return names


def test_every_cli_command_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    commands = _commands(app)
    assert {"tvaers import", "tvaers synth", "tvaers demo", "tvaers db upgrade"} <= set(commands)
    for command in commands:
        assert f"`{command}" in text, f"{command} mangler i docs/cli.md"


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text()
    for name in Settings.model_fields:
        assert f"`TVAERS_{name.upper()}`" in text, (
            f"TVAERS_{name.upper()} mangler i docs/settings.md"
        )


def test_every_contract_column_and_synonym_is_documented() -> None:
    text = (ROOT / "docs" / "data-contract.md").read_text()
    for table, contract in CONTRACTS.items():
        section = text.split(f"### `{table}`", 1)[1].split("###", 1)[0]
        for col in contract.columns:
            assert f"`{col.name}`" in section, f"{table}.{col.name}"
            for alias in col.aliases:
                assert f"`{alias}`" in section, f"{table}.{col.name} ~ {alias}"


def test_readme_promises_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
