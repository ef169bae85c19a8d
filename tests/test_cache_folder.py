"""Where build keeps its caches: the user cache folder as platformdirs places it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from confcal.cache import default_folder
from confcal.cli import cli
from tests.conftest import EVENTS


def test_the_cache_folder_follows_xdg_cache_home_on_linux(private_cache: Path) -> None:
    assert default_folder() == private_cache / "confcal"


def test_build_keeps_its_records_in_the_cache_folder(private_cache: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    for _ in range(2):  # the second build writes nothing, so it records the folder as up to date
        result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output)])
        assert result.exit_code == 0, result.output
    assert [path.name.startswith("up-to-date-") for path in (private_cache / "confcal").iterdir()] == [True]
