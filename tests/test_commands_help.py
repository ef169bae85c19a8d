"""Help text with an example for every command and option; shell completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from confcal.cli import cli
from tests.conftest import ROOT

COMMANDS = sorted(cli.commands)


def test_issue_commands_are_registered() -> None:
    assert {"build", "check", "agenda", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_has_help_with_an_example(name: str) -> None:
    command = cli.commands[name]
    assert "Example:" in (command.help or "")
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert "e.g." in (param.help or ""), f"{name} {param.opts}"


def test_the_base_url_help_says_what_still_needs_it() -> None:
    """Served from a real http(s) host, index.html makes its subscribe links from its own address
    (page.js): --base-url's help and the README's row of publish.base_url say so and name what
    still needs it, not that the page needs it for subscribe links."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `base_url` |"))
    helps = [
        next(p.help or "" for p in cli.commands[name].params if p.name == "base_url")
        for name in ("build", "serve")
    ]
    for text in (*helps, row):
        assert "makes its subscribe links from its own address" in text
        for needs in ("QR codes", "subscriptions to picks", "schedule.xml", "opened from a file"):
            assert needs in text, text


@pytest.mark.parametrize(
    ("shell", "marker"), [("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete")]
)
def test_completion_script_is_produced(shell: str, marker: str) -> None:
    result = CliRunner().invoke(cli, env={"_CONFCAL_COMPLETE": f"{shell}_source"}, prog_name="confcal")
    assert result.exit_code == 0
    assert "_CONFCAL_COMPLETE" in result.output
    assert marker in result.output


def test_completion_completes_commands_and_choices() -> None:
    def complete(words: str, cword: int) -> list[str]:
        env = {"_CONFCAL_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        result = CliRunner().invoke(cli, env=env, prog_name="confcal")
        assert result.exit_code == 0
        return [line.split(",", 1)[1] for line in result.output.splitlines()]

    assert complete("confcal ex", 1) == ["export"]
    assert complete("confcal export --kind ", 3) == ["oral", "poster", "talk"]


def test_cli_startup_does_not_import_the_pipeline() -> None:
    code = (
        "import sys, confcal.cli; print(sorted(m for m in ('icalendar', 'pytz', 'ical') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [["check", "--format", "json"], ["agenda"], ["export", "--kind", "oral", "--alarm", "15m"]],
    ids=["check", "agenda", "export"],
)
def test_output_is_the_same_whatever_the_hash_seed(args: list[str]) -> None:
    root = Path(__file__).resolve().parent.parent
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "confcal", *args, str(root / "events.toml")],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
    assert next(iter(outputs))


def help_examples() -> list[str]:
    """Every ``confcal ...`` line under "Example:" in the group's and the commands' help."""
    examples = []
    for command in [cli, *(cli.commands[name] for name in COMMANDS)]:
        _, _, block = (command.help or "").partition("Example:")
        examples += [line.strip() for line in block.splitlines() if line.strip().startswith("confcal ")]
    return examples


@pytest.mark.parametrize("example", [e for e in help_examples() if not e.startswith("confcal serve")])
def test_every_help_example_runs(tmp_path: Path, example: str) -> None:
    """What --help suggests works on the shipped programme (serve's example runs until Ctrl-C)."""
    root = Path(__file__).resolve().parent.parent
    for name in ("events.toml", "my.toml"):
        shutil.copyfile(root / "events.toml", tmp_path / name)
    shutil.copytree(root / "output", tmp_path / "output")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-c", example], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output  # check --strict exits 1 for the shipped warning
    assert "Error" not in output
    assert "Traceback" not in output
