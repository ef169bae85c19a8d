"""The README documents what the code does: every events.toml key, the set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.load import SCHEMA
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_keys(section: str) -> set[str]:
    """Keys in the first column of the table under a '### ...' heading containing ``section``."""
    match = re.search(rf"^### [^\n]*{re.escape(section)}[^\n]*\n(.*?)(?=^#)", README, flags=re.M | re.S)
    assert match, f"no README section for {section}"
    keys: set[str] = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", match.group(1), flags=re.M):
        keys.update(re.findall(r"`([a-z_]+)`", row))
    return keys


def test_every_events_toml_key_is_documented() -> None:
    sections = {
        "conference": "`[conference]`",
        "publish": "`[publish]`",
        "categories": "`[[categories]]`",
        "papers": "`[[papers]]`",
        "slot": "`[papers.oral]`",
        "links": "`[[papers.links]]`",
        "feeds": "`[[feeds]]`",
        "items": "`[[items]]`",
        "kinds": "`[kinds]`",
        "venues": "`[[venues]]`",
        "rooms": "`[[rooms]]`",
        "sessions": "`[[sessions]]`",
        "speakers": "`speakers` tables",
    }
    for schema, heading in sections.items():
        assert documented_keys(heading) == set(SCHEMA[schema]), schema
    assert set(SCHEMA) - {""} == set(sections)


def test_quickstart_is_the_two_make_targets() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("build", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_how_confcal_is_built_lists_exactly_the_modules_there_are() -> None:
    """The README's module table names every module, package and script in src/confcal, and
    nothing that is gone."""
    section = re.search(r"^## How confcal is built\n(.*?)(?=^## )", README, flags=re.M | re.S)
    assert section
    listed: set[str] = set()
    for first_column in re.findall(r"^\| ([^|]+) \|", section.group(1), flags=re.M):
        listed.update(re.findall(r"`([a-z_]+(?:\.py|\.js|/))`", first_column))
    source = ROOT / "src" / "confcal"
    present = {
        path.name + ("/" if path.is_dir() else "")
        for path in source.iterdir()
        if not path.name.startswith("__") and (path.is_dir() or path.suffix in (".py", ".js"))
    }
    assert listed == present


def section(heading: str) -> str:
    """The text under the '## ' heading ``heading``, up to the next '## ' heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## )", README, flags=re.M | re.S)
    assert match, f"no README section {heading!r}"
    return match.group(1)


def test_right_after_the_quickstart_a_programme_of_ones_own_builds_in_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    headings = re.findall(r"^## (.*)$", README, flags=re.M)
    assert headings[headings.index("Quickstart") + 1] == "Start your own programme"
    text = section("Start your own programme")
    [programme] = re.findall(r"^```toml\n(.*?)^```$", text, flags=re.M | re.S)
    (tmp_path / "my-workshop").mkdir()
    (tmp_path / "my-workshop" / "events.toml").write_text(programme, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build", "my-workshop/events.toml"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "my-workshop" / "output" / "all.ics").is_file()
    commands = re.findall(r"^\$ (confcal \w+ my-workshop/events\.toml.*)$", text, flags=re.M)
    assert commands[:3] == [
        f"confcal {command} my-workshop/events.toml" for command in ("check", "build", "serve")
    ]
    assert "neurips-2023" in text  # why another conference's output/ is not reused


def test_where_a_preview_s_file_count_is_shown_the_readme_says_why_the_build_s_has_one_more() -> None:
    sections = re.split(r"^#{2,3} ", README, flags=re.M)
    shown = [
        (text, count)
        for text in sections
        for count in re.findall(r"^preview of \S+: (\d+) files", text, re.M)
    ]
    assert shown
    for text, count in shown:
        flat = " ".join(text.split())
        assert f"counts {count} files where" in flat, text[:80]
        assert f"counts {int(count) + 1}" in flat, text[:80]
        assert "no `confcal-state.json`" in flat, text[:80]


def test_import_says_which_file_it_writes_without_o() -> None:
    def flat(text: str) -> str:
        return " ".join(text.split())

    importing = README[README.index("### From pretalx or frab") :]
    importing = importing[: importing.index("\n#")]
    assert "without -o, events.toml in the current folder" in flat(
        CliRunner().invoke(cli, ["import", "--help"]).output
    )
    assert "default events.toml in the current folder" in flat(section("CLI reference"))
    assert "without `-o`, `events.toml` in the current folder" in flat(importing)
