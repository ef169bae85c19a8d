"""The up-to-date check skips a build only when the full build would give the same folder and
print the same lines; after every kind of edit, both paths leave the same bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.uptodate import LIBRARIES
from tests.conftest import ROOT
from tests.helpers import restamped


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def build(events: Path, output: Path, *options: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(output), *options], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def skips(events: Path, output: Path, *options: str, env: dict[str, str] | None = None) -> bool:
    """Whether `confcal build` finishes without importing the pipeline at all."""
    code = "import sys; sys.modules['confcal.build'] = None; from confcal.cli import cli; cli()"
    result = subprocess.run(
        [sys.executable, "-c", code, "build", str(events), "-o", str(output), *options],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return result.returncode == 0


@pytest.fixture
def published(tmp_path: Path, events_copy: Path) -> Path:
    """An output folder built, then rebuilt with nothing to write (which records it)."""
    output = tmp_path / "site"
    build(events_copy, output)
    assert build(events_copy, output)[0] == f"{output}: 0 written, 18 unchanged (18 files)\n"
    return output


def test_a_rebuild_of_an_unchanged_folder_is_skipped(events_copy: Path, published: Path) -> None:
    before = files(published)
    assert skips(events_copy, published)
    assert build(events_copy, published) == (f"{published}: 0 written, 18 unchanged (18 files)\n", "")
    assert files(published) == before


def test_the_first_build_is_not_recorded(tmp_path: Path, events_copy: Path) -> None:
    build(events_copy, tmp_path / "site")
    assert not skips(events_copy, tmp_path / "site")


def test_modification_times_alone_change_nothing(events_copy: Path, published: Path) -> None:
    os.utime(events_copy, (1, 1))
    for path in published.rglob("*"):
        os.utime(path, (2, 2))
    assert skips(events_copy, published)


def test_no_cache_builds_in_full(events_copy: Path, published: Path) -> None:
    assert not skips(events_copy, published, "--no-cache")


def move_an_oral(events: Path, _output: Path) -> None:
    text = events.read_text(encoding="utf-8")
    events.write_text(restamped(text.replace('room = "RO6-RO9"', 'room = "RO1"', 1)), encoding="utf-8")


def edit_a_calendar_keeping_its_size(_events: Path, output: Path) -> None:
    path = output / "papers" / "climsim.ics"
    path.write_bytes(path.read_bytes().replace(b"SEQUENCE:0", b"SEQUENCE:9", 1))


def delete_a_feed(_events: Path, output: Path) -> None:
    (output / "test-of-time.ics").unlink()


def add_a_stale_calendar(_events: Path, output: Path) -> None:
    (output / "papers" / "withdrawn.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def leave_a_temporary_file(_events: Path, output: Path) -> None:
    (output / ".all.ics.k2j4l9x0.tmp").write_bytes(b"BEGIN:VCAL")


def edit_the_state_file(_events: Path, output: Path) -> None:
    path = output / "confcal-state.json"
    path.write_bytes(path.read_bytes().replace(b'"sequence": 0', b'"sequence": 4', 1))


EDITS: dict[str, Callable[[Path, Path], None]] = {
    "events file": move_an_oral,
    "calendar edited, same size": edit_a_calendar_keeping_its_size,
    "feed deleted": delete_a_feed,
    "stale calendar": add_a_stale_calendar,
    "temporary file": leave_a_temporary_file,
    "state file edited": edit_the_state_file,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_after_an_edit_the_build_is_the_full_build(
    tmp_path: Path, events_copy: Path, published: Path, edit: Callable[[Path, Path], None]
) -> None:
    edit(events_copy, published)
    assert not skips(events_copy, published)
    edited = tmp_path / "edited"
    shutil.copytree(published, edited)
    with_check = build(events_copy, published)
    after = files(published)
    shutil.rmtree(published)
    shutil.copytree(edited, published)
    assert build(events_copy, published, "--no-cache") == with_check
    assert files(published) == after


OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "--alarm": (("--alarm", "15m"), {}),
    "--keep-cancelled": (("--keep-cancelled",), {}),
    "--base-url": (("--base-url", "https://example.org/n/"), {}),
    "SOURCE_DATE_EPOCH": ((), {"SOURCE_DATE_EPOCH": "1702252800"}),
}


@pytest.mark.parametrize(("options", "env"), OPTIONS.values(), ids=OPTIONS.keys())
def test_other_options_are_another_build(
    tmp_path: Path, events_copy: Path, published: Path, options: tuple[str, ...], env: dict[str, str]
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(published, copy)
    with_check = build(events_copy, published, *options, env=env)
    shutil.rmtree(published)
    shutil.copytree(copy, published)
    assert build(events_copy, published, *options, "--no-cache", env=env) == with_check
    # Built again with the same options: nothing to write, recorded, then skipped.
    stdout, stderr = build(events_copy, published, *options, env=env)
    assert " 0 written, " in stdout
    assert skips(events_copy, published, *options, env=env)
    assert not skips(events_copy, published)
    assert build(events_copy, published, *options, env=env) == (stdout, stderr)


def imported_libraries() -> set[str]:
    """The top-level modules outside the standard library that confcal's code imports."""
    import ast

    names: set[str] = set()
    for source in (ROOT / "src" / "confcal").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name != "confcal"}


def test_the_record_keys_on_the_libraries_the_output_depends_on() -> None:
    """Every library confcal imports is in the key (a new version may change the bytes), but
    platformdirs (where the cache is) and defusedxml (confcal import only); tzdata is read as zone
    files. A library nothing imports (pytz) is not: its upgrade would discard every record and
    render cache for nothing."""
    assert set(LIBRARIES) == (imported_libraries() - {"platformdirs", "defusedxml"}) | {"tzdata"}


def test_a_build_that_uses_icalendar_does_not_import_pytz(tmp_path: Path) -> None:
    """icalendar's default zone provider is zoneinfo: pytz is loaded only for ``use_pytz()``."""
    code = """if True:
        import sys
        from confcal.cli import cli
        try:
            cli(["build", sys.argv[1], "-o", sys.argv[2], "--no-cache", "--alarm", "15m"])
        except SystemExit as done:
            assert done.code == 0, done.code
        print("icalendar" in sys.modules, "pytz" in sys.modules)
    """
    command = [sys.executable, "-c", code, str(ROOT / "events.toml"), str(tmp_path / "out")]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "True False"
