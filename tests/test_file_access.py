"""Files and folders that cannot be read or written: one line (or the events file's report) that
names the real file or folder and says what to do, the documented exit status (README, "CLI
reference": 1, or 2 for diff and check, whose 1 is an answer), no usage banner, no traceback,
nothing written.

Permissions are real: the commands run in a subprocess, as an unprivileged user would. As root
the subprocess gives up the capabilities that ignore file modes (``setpriv``), so chmod 000
means what it says."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EVENTS, ROOT
from tests.helpers import restamped

DAC = "-dac_override,-dac_read_search"


def unprivileged() -> list[str]:
    """The command prefix that runs a process without the power to ignore file modes."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("as root, dropping the file-mode capabilities needs setpriv")
    return ["setpriv", "--bounding-set", DAC, "--inh-caps", DAC]


def confcal(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / ".cache"), "COLUMNS": "200"}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [*unprivileged(), sys.executable, "-m", "confcal", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        timeout=60,
    )


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Path]:
    """events.toml; afile (a file); unread/ (mode 000); ro/ (read-only, empty); secret.toml (000);
    adir/ (a folder); site/ (built) and ro-site/ (built, then read-only); edited.toml (one change);
    loop (a symbolic link to itself)."""
    shutil.copyfile(EVENTS, tmp_path / "events.toml")
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "afile").write_text("x\n")
    (tmp_path / "adir").mkdir()
    shutil.copyfile(EVENTS, tmp_path / "secret.toml")
    text = EVENTS.read_text(encoding="utf-8")
    (tmp_path / "edited.toml").write_text(
        restamped(text.replace('board = "#1523"', 'board = "#1524"', 1)), encoding="utf-8"
    )
    shutil.copytree(ROOT / "output", tmp_path / "site")
    shutil.copytree(ROOT / "output", tmp_path / "ro-site")
    (tmp_path / "unread").mkdir()
    (tmp_path / "ro").mkdir()
    (tmp_path / "secret.toml").chmod(0o000)
    (tmp_path / "unread").chmod(0o000)
    for folder in (tmp_path / "ro", tmp_path / "ro-site", tmp_path / "ro-site" / "papers"):
        folder.chmod(0o555)
    yield tmp_path
    for path in (tmp_path / "unread", tmp_path / "ro", tmp_path / "ro-site", tmp_path / "ro-site" / "papers"):
        path.chmod(0o755)


UNREADABLE_EVENTS = (
    "Error: 1 problem in the events file:\n"
    "  secret.toml: cannot read: Permission denied; make it readable (chmod u+r secret.toml) "
    "or give another file\n"
)
A_FOLDER_AS_EVENTS = (
    "Error: 1 problem in the events file:\n  adir: is a folder, not a file; give the path of the file\n"
)
PUBLISHED_IS_A_FILE = (
    "Error: afile: is a file, not a folder; expected the folder of the published feeds (--published)\n"
)
PUBLISHED_UNREADABLE = (
    "Error: unread: cannot open the folder: Permission denied; make it readable (chmod u+rx unread) "
    "or choose another folder\n"
)
# A name longer than any file system takes (255 bytes), and a loop of symbolic links: the system's
# reason, never a traceback.
LONG = "n" * 300
LOOP = "Too many levels of symbolic links"
PUBLISHED_LOOP = f"Error: loop: cannot open the folder: {LOOP}; choose another folder\n"
PUBLISHED_TOO_LONG = f"Error: {LONG}: cannot open the folder: File name too long; choose another folder\n"

CASES = {
    "build into a file": (
        ["build", "-o", "afile"],
        1,
        "Error: afile: is a file, not a folder; choose another output folder\n",
    ),
    "build under a file": (
        ["build", "-o", "afile/sub"],
        1,
        "Error: afile/sub: cannot create the folder: afile is a file\n",
    ),
    "build into an unreadable folder": (
        ["build", "-o", "unread"],
        1,
        "Error: unread: cannot open the folder: Permission denied; make it readable and writable "
        "(chmod u+rwx unread) or choose another folder\n",
    ),
    "build into a read-only folder": (
        ["build", "-o", "ro"],
        1,
        "Error: ro: cannot write in this folder: Permission denied; make ro writable (chmod u+w ro) "
        "or choose another folder\n",
    ),
    "rebuild a read-only folder": (
        ["build", "edited.toml", "-o", "ro-site"],
        1,
        "Error: ro-site: cannot write in this folder: Permission denied; make ro-site writable "
        "(chmod u+w ro-site) or choose another folder\n",
    ),
    "build an unreadable events file": (["build", "secret.toml", "-o", "new"], 1, UNREADABLE_EVENTS),
    "build a folder as the events file": (["build", "adir", "-o", "new"], 1, A_FOLDER_AS_EVENTS),
    "agenda of an unreadable events file": (["agenda", "secret.toml"], 1, UNREADABLE_EVENTS),
    "export an unreadable events file": (["export", "secret.toml"], 1, UNREADABLE_EVENTS),
    "export into a folder": (
        ["export", "--published", "site", "--paper", "word2vec", "-o", "adir"],
        1,
        "Error: cannot write adir: it is a folder; give the name of a file (in it, or elsewhere)\n",
    ),
    "export into a read-only folder": (
        ["export", "--published", "site", "--paper", "word2vec", "-o", "ro/my.ics"],
        1,
        "Error: cannot write ro/my.ics: Permission denied; make ro writable (chmod u+w ro) "
        "or choose another folder\n",
    ),
    "export from a file as the published folder": (
        ["export", "--published", "afile"],
        1,
        PUBLISHED_IS_A_FILE,
    ),
    "export from an unreadable published folder": (
        ["export", "--published", "unread"],
        1,
        PUBLISHED_UNREADABLE,
    ),
    "diff an unreadable events file": (["diff", "secret.toml"], 2, UNREADABLE_EVENTS),
    "diff against a file": (["diff", "--published", "afile"], 2, PUBLISHED_IS_A_FILE),
    "diff against an unreadable folder": (["diff", "--published", "unread"], 2, PUBLISHED_UNREADABLE),
    "serve from an unreadable folder": (
        ["serve", "--published", "unread", "--port", "0"],
        1,
        PUBLISHED_UNREADABLE,
    ),
    "import an unreadable file": (
        ["import", "secret.toml", "-o", "new.toml"],
        1,
        "Error: secret.toml: cannot read: Permission denied; make it readable (chmod u+r secret.toml) "
        "or give another file\n",
    ),
    "build into a loop of symbolic links": (
        ["build", "-o", "loop"],
        1,
        f"Error: loop: is a symbolic link to loop: {LOOP}; make it point to a folder or remove the link\n",
    ),
    "build under a loop of symbolic links": (
        ["build", "-o", "loop/sub"],
        1,
        f"Error: loop/sub: cannot create the folder: {LOOP}\n",
    ),
    "build into a name too long": (
        ["build", "-o", LONG],
        1,
        f"Error: {LONG}: cannot create the folder: File name too long\n",
    ),
    "diff against a loop of symbolic links": (["diff", "--published", "loop"], 2, PUBLISHED_LOOP),
    "diff against a name too long": (["diff", "--published", LONG], 2, PUBLISHED_TOO_LONG),
    "export from a loop of symbolic links": (["export", "--published", "loop"], 1, PUBLISHED_LOOP),
    "export from a name too long": (["export", "--published", LONG], 1, PUBLISHED_TOO_LONG),
    "serve from a loop of symbolic links": (
        ["serve", "--published", "loop", "--port", "0"],
        1,
        PUBLISHED_LOOP,
    ),
    "serve from a name too long": (["serve", "--published", LONG, "--port", "0"], 1, PUBLISHED_TOO_LONG),
    "export into a name too long": (
        ["export", "--published", "site", "-o", LONG],
        1,
        f"Error: cannot write {LONG}: File name too long\n",
    ),
    "export under a loop of symbolic links": (
        ["export", "--published", "site", "-o", "loop/my.ics"],
        1,
        f"Error: cannot write loop/my.ics: loop: {LOOP}\n",
    ),
    "import into a name too long": (
        ["import", "site/schedule.xml", "-o", LONG],
        1,
        f"Error: cannot write {LONG}: File name too long\n",
    ),
    "import into a name too long, with --force": (
        ["import", "site/schedule.xml", "-o", LONG, "--force"],
        1,
        f"Error: cannot write {LONG}: File name too long\n",
    ),
    "import under a loop of symbolic links": (
        ["import", "site/schedule.xml", "-o", "loop/new.toml"],
        1,
        f"Error: cannot write loop/new.toml: loop: {LOOP}\n",
    ),
    "import into a folder": (
        ["import", "site/schedule.xml", "-o", "adir", "--force"],
        1,
        "Error: cannot write adir: it is a folder; give the name of a file (in it, or elsewhere)\n",
    ),
}


def stamps(folder: Path) -> dict[str, int]:
    """Every file and folder under ``folder`` (but the user cache) with its mtime: whatever is
    written shows."""
    return {
        str(path.relative_to(folder)): path.lstat().st_mtime_ns
        for path in folder.rglob("*")
        if ".cache" not in path.relative_to(folder).parts
    }


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_that_cannot_be_read_or_written_is_named_with_its_fix(place: Path, case: str) -> None:
    args, status, message = CASES[case]
    before = stamps(place)
    result = confcal(place, *args)
    assert (result.returncode, result.stderr) == (status, message)
    assert stamps(place) == before, "nothing written"


def test_check_of_an_unreadable_file_says_so_with_exit_2(place: Path) -> None:
    """check's 1 is 'the programme has an error': a file it cannot read is 2, like a file that is
    not a programme."""
    result = confcal(place, "check", "secret.toml")
    assert result.returncode == 2
    assert result.stdout == (
        "errors:\n"
        "  invalid: secret.toml: cannot read: Permission denied; make it readable (chmod u+r secret.toml) "
        "or give another file\n"
        "secret.toml: 1 error, 0 warnings, 0 info\n"
    )


def test_an_unreadable_state_file_is_named_with_its_fix(place: Path) -> None:
    """The state file of a published folder that cannot be read: exit 1 (2 for diff), nothing
    written, and how to make it readable."""
    state = place / "site" / "confcal-state.json"
    state.chmod(0o000)
    try:
        before = stamps(place)
        for args, status in (
            (["build", "edited.toml", "-o", "site"], 1),
            (["diff", "edited.toml", "--published", "site"], 2),
        ):
            result = confcal(place, *args)
            assert (result.returncode, result.stderr) == (
                status,
                "Error: 1 problem in the state file:\n"
                "  site/confcal-state.json: cannot read: Permission denied; "
                "make it readable (chmod u+r site/confcal-state.json)\n",
            )
        assert stamps(place) == before, "nothing written"
    finally:
        state.chmod(0o644)
