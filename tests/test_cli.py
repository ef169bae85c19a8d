from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal import __version__
from confcal.cli import cli
from confcal.load.reader import YEARS
from confcal.options import LAST_YEAR
from tests.conftest import EVENTS, OUTPUT, ROOT
from tests.helpers import snapshot

NOT_FOUND = (
    "file not found; give the path of the events file (without one: events.toml in the current folder)"
)


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


@pytest.fixture
def published_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """proj/events.toml with its published proj/output/, and the current folder proj's parent."""
    project = tmp_path / "proj"
    project.mkdir()
    shutil.copyfile(EVENTS, project / "events.toml")
    shutil.copytree(OUTPUT, project / "output")
    monkeypatch.chdir(tmp_path)
    return project


def test_build_from_another_folder_builds_into_output_beside_the_events_file(
    published_elsewhere: Path,
) -> None:
    result = CliRunner().invoke(cli, ["build", "proj/events.toml"])
    assert result.exit_code == 0, result.output
    assert result.output == "proj/output: 0 written, 18 unchanged (18 files)\n"
    assert not (published_elsewhere.parent / "output").exists()


@pytest.mark.parametrize(
    "args",
    [["diff"], ["export", "--kind", "talk"], ["agenda", "--keep-cancelled", "--kind", "talk"]],
    ids=["diff", "export", "agenda"],
)
def test_every_reader_of_the_published_folder_finds_it_beside_the_events_file(
    published_elsewhere: Path, args: list[str]
) -> None:
    result = CliRunner().invoke(cli, [*args, "proj/events.toml"])
    assert result.exit_code == 0, result.output
    assert "no published state" not in result.output
    if args == ["diff"]:
        assert result.output == "proj/output: nothing to publish\n"


def test_serve_previews_against_output_beside_the_events_file(
    published_elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import confcal.serve

    seen: dict[str, Path] = {}
    monkeypatch.setattr(confcal.serve, "run", lambda **kwargs: seen.update(kwargs))
    assert CliRunner().invoke(cli, ["serve", "proj/events.toml"]).exit_code == 0
    assert seen["published"] == Path("proj/output")
    assert CliRunner().invoke(cli, ["serve", "proj/events.toml", "--published", "site"]).exit_code == 0
    assert seen["published"] == Path("site")


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


def stamp_error(shown: str, what: str) -> str:
    return (
        f"Error: SOURCE_DATE_EPOCH is {shown}, {what}; expected the seconds since 1970-01-01 00:00:00 UTC "
        "up to 32503679999 (the end of 2999, as for publish.updated); "
        "unset it, or set it to e.g. $(git log -1 --format=%ct)\n"
    )


BAD_STAMPS = [
    ("yesterday", "'yesterday'", "not ASCII digits"),
    ("-5", "'-5'", "not ASCII digits"),
    ("1702252800.5", "'1702252800.5'", "not ASCII digits"),
    ("²", "'²'", "not ASCII digits"),  # str.isdigit() takes it
    ("١٧٠٢٢٥٢٨٠٠", "'١٧٠٢٢٥٢٨٠٠'", "not ASCII digits"),  # Arabic-Indic digits: int() reads 1702252800
    ("17\n02", "'17\\n02'", "not ASCII digits"),
    ("95617584000", "'95617584000'", "a time after 2999"),  # 5000-01-01
    ("32503680000", "'32503680000'", "a time after 2999"),  # 3000-01-01
    ("99999999999999", "'99999999999999'", "a time after 2999"),  # beyond datetime's year 9999
    ("9" * 5000, f"'{'9' * 20}…'", "a time after 2999"),  # beyond int()'s 4300 digits
]


@pytest.mark.parametrize(("command", "status"), [("build", 1), ("diff", 2), ("export", 1), ("agenda", 1)])
@pytest.mark.parametrize(("value", "shown", "what"), BAD_STAMPS, ids=[case[0][:16] for case in BAD_STAMPS])
def test_a_bad_source_date_epoch_is_one_line_and_nothing_is_written(
    tmp_path: Path, command: str, status: int, value: str, shown: str, what: str
) -> None:
    published = tmp_path / "published"
    shutil.copytree(OUTPUT, published)
    before = snapshot(published)
    exported = tmp_path / "mine.ics"
    args = {
        "build": ["-o", str(published)],
        "diff": ["--published", str(published)],
        "export": ["--published", str(published), "-o", str(exported)],
        "agenda": [],
    }[command]
    result = CliRunner().invoke(cli, [command, str(EVENTS), *args], env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == status, "diff's 1 means 'something to publish'"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.output == stamp_error(shown, what)
    assert snapshot(published) == before
    assert sorted(tmp_path.iterdir()) == [published]


@pytest.mark.parametrize(
    ("value", "stamp"),
    [
        ("", "20231211T000000Z"),  # set but empty: unset, so publish.updated
        (" ", "20231211T000000Z"),
        ("0", "19700101T000000Z"),
        ("1702252800", "20231211T000000Z"),
        (" 1702339200\n", "20231212T000000Z"),  # blanks around the digits are ignored
        ("0" * 5000 + "1702339200", "20231212T000000Z"),
        ("32503679999", "29991231T235959Z"),  # the last second publish.updated may have
    ],
    ids=["empty", "blank", "zero", "updated", "spaces", "leading-zeros", "last"],
)
def test_source_date_epoch_stamps_a_first_build(tmp_path: Path, value: str, stamp: str) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(EVENTS), "-o", str(tmp_path), "--no-cache"], env={"SOURCE_DATE_EPOCH": value}
    )
    assert result.exit_code == 0, result.output
    stamps = {line for line in (tmp_path / "all.ics").read_text().splitlines() if line.startswith("DTSTAMP:")}
    assert stamps == {f"DTSTAMP:{stamp}"}


def test_source_date_epoch_ends_in_publish_updated_s_last_year() -> None:
    assert YEARS[1] == LAST_YEAR


BROKEN: dict[str, tuple[Callable[[str], str] | None, str]] = {
    "unknown-zone": (
        lambda text: text.replace("America/Chicago", "America/Chikago"),
        ":15: conference.timezone: unknown time zone 'America/Chikago'; did you mean 'America/Chicago'? "
        "(expected an IANA name like 'America/Chicago')",
    ),
    "not-toml": (
        lambda text: '[conference\nid = "x"\n',
        ":1: not valid TOML: Expected ']' at the end of a table declaration (column 12)",
    ),
    "missing": (None, f": {NOT_FOUND}"),
}
"""A broken events file (how to make it from the shipped one; None: there is none) and its one
problem, after the file's path."""

BAD_EVENTS_FILE_STATUS = {"build": 1, "diff": 2, "check": 2, "agenda": 1, "export": 1, "serve": 1}
"""The README's exit-status table: 1, but 2 for the commands whose 1 is an answer."""


@pytest.mark.parametrize("broken", BROKEN)
@pytest.mark.parametrize("command", BAD_EVENTS_FILE_STATUS)
def test_every_command_reports_a_broken_events_file_in_one_line_per_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, broken: str
) -> None:
    """The documented status, the problem on one line naming the file and where in it, no
    traceback, nothing written; ``check`` reports it as its one finding."""
    monkeypatch.chdir(tmp_path)
    make, problem = BROKEN[broken]
    events = tmp_path / "events.toml"
    if make is not None:
        events.write_text(make(EVENTS.read_text(encoding="utf-8")), encoding="utf-8")
    result = CliRunner().invoke(cli, [command, str(events)])
    assert isinstance(result.exception, SystemExit), result.exception  # no uncaught exception
    assert result.exit_code == BAD_EVENTS_FILE_STATUS[command]
    if command == "check":
        expected = f"errors:\n  invalid: {events}{problem}\n{events}: 1 error, 0 warnings, 0 info\n"
    else:
        expected = f"Error: 1 problem in the events file:\n  {events}{problem}\n"
    assert result.output == expected
    assert "Traceback" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == (["events.toml"] if make else [])


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


@pytest.mark.parametrize("command", ["diff", "serve", "export"])
def test_the_published_folder_is_documented_as_published(command: str) -> None:
    """-o is what a command writes; the published folder a command reads is --published."""
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    options = [line.split()[0].rstrip(",") for line in result.output.splitlines() if line.startswith("  -")]
    assert "--published" in options
    assert ("-o" in options) == (command == "export"), "export -o is the file it writes"


@pytest.mark.parametrize("spelling", ["--published", "-o", "--output"])
def test_diff_reads_the_published_folder_by_every_spelling(tmp_path: Path, spelling: str) -> None:
    output = tmp_path / "site"
    CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output)])
    result = CliRunner().invoke(cli, ["diff", str(EVENTS), spelling, str(output)])
    assert (result.exit_code, result.output) == (0, f"{output}: nothing to publish\n")
    empty = tmp_path / "empty"
    elsewhere = CliRunner().invoke(cli, ["diff", str(EVENTS), spelling, str(empty)])
    assert elsewhere.exit_code == 1
    assert elsewhere.output.splitlines()[-1].startswith(f"{empty}: 18 files would be written: ")


def test_a_bad_published_folder_is_named_by_its_documented_spelling(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder\n")
    result = CliRunner().invoke(cli, ["diff", str(EVENTS), "-o", str(a_file)])
    assert result.exit_code == 2, "diff's 1 means 'something to publish'"
    assert result.output == (
        f"Error: {a_file}: is a file, not a folder; "
        "expected the folder of the published feeds (--published)\n"
    )


def test_build_imports_only_the_pipeline_it_uses(tmp_path: Path) -> None:
    """The other commands' modules load when those commands run; the build needs no network code."""
    code = """if True:
        import sys
        from confcal.cli import cli
        try:
            cli(["build", sys.argv[1], "-o", sys.argv[2], "--no-cache"])
        except SystemExit as done:
            assert done.code == 0, done.code
        unused = ("confcal.serve", "confcal.server", "confcal.web", "confcal.importer", "confcal.check",
                  "confcal.diff", "confcal.export", "confcal.agenda", "http.client", "xml.sax")
        print(sorted(name for name in unused if name in sys.modules))
    """
    command = [sys.executable, "-c", code, str(EVENTS), str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", [["export", "-o", "-"], ["agenda"]])
def test_export_and_agenda_render_no_page(command: list[str]) -> None:
    """export and agenda revise the programme as a build would, but render no page: neither the
    page's templates (Jinja2) nor the changelog's reader of changes.html are loaded."""
    code = """if True:
        import sys
        from confcal.cli import cli
        try:
            cli([*sys.argv[2:], sys.argv[1]])
        except SystemExit as done:
            assert done.code == 0, done.code
        print(sorted(name for name in ("jinja2", "confcal.pages", "confcal.changes") if name in sys.modules))
    """
    result = subprocess.run(
        [sys.executable, "-c", code, str(EVENTS), *command], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "[]"
