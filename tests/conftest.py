from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: on a shared 2-core CI runner one example of a build can take seconds,
# and a property that fails for time alone says nothing of the code (speed is the benchmark's).
settings.register_profile("confcal", deadline=None)
settings.load_profile("confcal")

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "events.toml"
OUTPUT = ROOT / "output"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Builds in tests keep their render cache out of the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def events_copy(tmp_path: Path) -> Path:
    """A copy of the shipped events.toml that a test may edit."""
    target = tmp_path / "events.toml"
    shutil.copyfile(EVENTS, target)
    return target


def require(tool: str, why: str) -> None:
    """Skip a test whose system tool is missing on a developer's machine; fail under CI."""
    import os

    message = f"{tool} is needed to {why}; `make test` installs it (see .ci/system-deps)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def icalcheck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/tools/icalcheck.c compiled against libical."""
    import subprocess

    if shutil.which("pkg-config") is None or shutil.which("cc") is None:
        require("pkg-config and cc", "compile the libical checker")
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, text=True, check=False
    )
    if flags.returncode != 0:
        require("libical-dev", "validate feeds strictly")
    binary = tmp_path_factory.mktemp("icalcheck") / "icalcheck"
    source = ROOT / "tests" / "tools" / "icalcheck.c"
    subprocess.run(
        ["cc", "-Wall", "-Werror", "-o", str(binary), str(source), *flags.stdout.split()], check=True
    )
    return binary


SCHEMAS = ROOT.parent / "shared" / "schemas"


def schema_folders() -> list[Path]:
    """Where ../shared/schemas may be: $CONFCAL_SCHEMAS, beside this checkout, or beside the
    local repository it was cloned from (a fresh clone in another folder, as CI makes)."""
    import os

    folders = [Path(os.environ["CONFCAL_SCHEMAS"])] if os.environ.get("CONFCAL_SCHEMAS") else []
    folders.append(SCHEMAS)
    origin = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"], capture_output=True, text=True
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        folders.append(Path(origin).resolve().parent / "shared" / "schemas")
    return folders


@pytest.fixture(scope="session")
def schemas() -> Path:
    """The c3voc schedule schemas, read from ../shared/schemas (never copied into the project)."""
    import os

    for folder in schema_folders():
        if (folder / "schedule.xml.xsd").is_file() and (folder / "schedule.json").is_file():
            return folder
    tried = ", ".join(str(folder) for folder in schema_folders())
    message = f"the c3voc schedule schemas are not in {tried} (see the README there)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
