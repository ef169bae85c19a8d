from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal import __version__
from confcal.cli import cli
from tests.conftest import EVENTS, ROOT


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"confcal, version {__version__}\n"


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "confcal", "build", str(EVENTS), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path}: 18 written, 0 unchanged (18 files)\n"


def test_defaults_are_events_toml_and_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.toml").write_bytes(EVENTS.read_bytes())
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "all.ics").is_file()


def test_usage_errors_exit_2() -> None:
    result = CliRunner().invoke(cli, ["build", "--no-such-option"])
    assert result.exit_code == 2
    assert "Error: No such option '--no-such-option'" in result.output
    assert CliRunner().invoke(cli, ["frobnicate"]).exit_code == 2


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name
        for parameter in command.params:
            if parameter.param_type_name == "option":
                assert parameter.help, f"{name} {parameter.name} has no help"


def test_bad_source_date_epoch(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(EVENTS), "-o", str(tmp_path)], env={"SOURCE_DATE_EPOCH": "yesterday"}
    )
    assert result.exit_code == 1
    assert result.output == "Error: SOURCE_DATE_EPOCH must be whole seconds since 1970, not 'yesterday'\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["build", "diff", "agenda", "export"])
def test_every_command_reports_a_bad_events_file_through_the_one_boundary(
    tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "nowhere.toml"
    result = CliRunner().invoke(cli, [command, str(missing)])
    assert result.exit_code == (2 if command == "diff" else 1), "diff's 1 means 'something to publish'"
    assert result.output == f"Error: 1 problem in the events file:\n  {missing}: file not found\n"


def test_the_cli_translates_the_domain_error_in_one_place() -> None:
    sources = [ROOT / "src" / "confcal" / name for name in ("cli.py", "commands.py", "options.py")]
    translations = sum(path.read_text().count("(error.report())") for path in sources)
    assert translations == 1


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--alarm", "1.5h"],
        ["build", "--base-url", "http://example.org/"],
        ["serve", "--base-url", "https://example.org/?x=1"],
        ["agenda", "--tz", "Europe/Berln"],
        ["export", "--kind", "keynote"],
        ["export", "--day", "12/12"],
        ["export", "--category", "nope"],
        ["serve", "--port", "70000"],
    ],
    ids=" ".join,
)
def test_every_bad_option_value_is_a_usage_error_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """The README's exit-status table: bad option values exit 2, and nothing is written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "events.toml").write_bytes(EVENTS.read_bytes())
    result = CliRunner().invoke(cli, args, prog_name="confcal")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Usage: confcal ")
    assert "Traceback" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["events.toml"]
