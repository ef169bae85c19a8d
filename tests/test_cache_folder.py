"""Where build keeps its caches: the user cache folder as platformdirs places it; the compiled
templates kept there never change a page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from confcal.cache import default_folder
from confcal.cli import cli
from tests.conftest import EVENTS, ROOT


def test_the_cache_folder_follows_xdg_cache_home_on_linux(private_cache: Path) -> None:
    assert default_folder() == private_cache / "confcal"


def test_build_keeps_its_records_in_the_cache_folder(private_cache: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    for _ in range(2):  # the second build writes nothing, so it records the folder as up to date
        result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output)])
        assert result.exit_code == 0, result.output
    assert len(list((private_cache / "confcal").glob("up-to-date-*.marshal"))) == 1


def build(output: Path, cache: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    command = [sys.executable, "-m", "confcal", "build", str(EVENTS), "-o", str(output), "--no-cache"]
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build(tmp_path / "first", cache)
    compiled = sorted((cache / "confcal").glob("template-*.jinja2"))
    templates = ROOT / "src" / "confcal" / "templates"
    built = [path for path in templates.iterdir() if path.name != "preview-note.html"]  # serve's only
    assert len(compiled) == len(built)  # every template a build uses, included ones too
    kept = {path: path.read_bytes() for path in compiled}
    for path in compiled:
        path.write_bytes(b"damaged")
    build(tmp_path / "second", cache)
    assert {path: path.read_bytes() for path in compiled} == kept
    for name in ("index.html", "changes.html", "changes.atom"):
        assert (tmp_path / "second" / name).read_bytes() == (ROOT / "output" / name).read_bytes()


def test_a_cache_folder_that_cannot_be_written_leaves_the_pages_as_they_are(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    build(tmp_path / "output", tmp_path / "a-file")
    for name in ("index.html", "changes.html", "changes.atom"):
        assert (tmp_path / "output" / name).read_bytes() == (ROOT / "output" / name).read_bytes()
