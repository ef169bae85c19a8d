"""Fault injection: builds killed at any moment, two builds at once.

Every build here is a real `python -m confcal build` process. The hook `CONFCAL_FAULT`
(``confcal.faults``) kills or pauses it at a named point, between two renames included; the
`faults`-marked tests (``make faults``) also kill a NeurIPS-size build with SIGKILL at random
moments. After each kill: the feeds and the state agree (the state is the previous build's, so
`diff` still reports the change), the next build writes the bytes of a clean build with
SEQUENCE exactly +1, and no temporary file or process is left.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synth import programme as synthetic
from confcal.cli import cli
from confcal.state import STATE_FILE
from tests.conftest import EVENTS, ROOT

FIRST_STAMP = "1701388800"  # 2023-12-01, the synthetic programme's publish.updated
SECOND_STAMP = "1701475200"  # a day later
BOARD = 'board = "#1"\n'
MOVED_BOARD = 'board = "Z-99"\n'
EDITED_SLOT = "paper-00000.poster"
TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def confcal(
    *args: str | Path, fault: str = "", stamp: str = FIRST_STAMP, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": stamp, "CONFCAL_FAULT": fault}
    command = [sys.executable, "-m", "confcal", *map(str, args)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=cwd, timeout=600)


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def temporary_files(folder: Path) -> list[str]:
    return [path.name for path in folder.rglob(".*") if TEMPORARY.fullmatch(path.name)]


def sequence(folder: Path, event_id: str) -> int:
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    value = state["events"][event_id]["sequence"]
    assert isinstance(value, int)
    return value


def processes_under(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (a build)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(folder).encode() in command and int(entry.name) != os.getpid():
                found.append(int(entry.name))
    return found


@dataclass
class Scenario:
    """A programme built once (the published state), then edited: one poster's board moved.

    ``reference`` is what a clean rebuild of the edit writes: the bytes every interrupted
    build must end up with.
    """

    events: Path
    output: Path
    before: dict[str, bytes]
    reference: dict[str, bytes]

    def check_interrupted(self) -> None:
        """The folder a killed build left: every file the old or the new version, the old state."""
        now = files(self.output)
        assert now[STATE_FILE] == self.before[STATE_FILE], "the state file is written last"
        for name, data in now.items():
            if name == STATE_FILE or TEMPORARY.fullmatch(Path(name).name):
                continue
            assert data in (self.before.get(name), self.reference.get(name)), f"{name} is neither version"
        diff = confcal("diff", self.events, "-o", self.output, stamp=SECOND_STAMP)
        assert diff.returncode == 1, diff.stdout + diff.stderr
        assert f"re-roomed: {EDITED_SLOT}" in diff.stdout

    def check_recovered(self) -> None:
        result = confcal("build", self.events, "-o", self.output, stamp=SECOND_STAMP)
        assert result.returncode == 0, result.stderr
        assert files(self.output) == self.reference
        assert sequence(self.output, EDITED_SLOT) == 1
        assert temporary_files(self.output) == []
        assert processes_under(self.output) == []


def make_scenario(tmp_path: Path, papers: int) -> Scenario:
    events, output, clean = tmp_path / "events.toml", tmp_path / "output", tmp_path / "clean"
    text = synthetic(papers=papers, seed=1)
    events.write_text(text, encoding="utf-8")
    assert confcal("build", events, "-o", output).returncode == 0
    before = files(output)
    events.write_text(text.replace(BOARD, MOVED_BOARD, 1), encoding="utf-8")
    shutil.copytree(output, clean)
    assert confcal("build", events, "-o", clean, "--no-cache", stamp=SECOND_STAMP).returncode == 0
    reference = files(clean)
    assert sequence(clean, EDITED_SLOT) == 1
    return Scenario(events=events, output=output, before=before, reference=reference)


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    """Small enough for `make test`: 40 papers, 60-odd files, so each rename point is reached."""
    return make_scenario(tmp_path, papers=40)


@pytest.mark.parametrize("point", ["lock", "stage", "rename@1", "rename@2", "rename@4", "prune"])
def test_a_build_killed_at_a_named_point_leaves_nothing_wrong(scenario: Scenario, point: str) -> None:
    killed = confcal(
        "build", scenario.events, "-o", scenario.output, fault=f"{point}:kill", stamp=SECOND_STAMP
    )
    assert killed.returncode == -signal.SIGKILL
    scenario.check_interrupted()
    scenario.check_recovered()


def test_a_build_killed_before_the_state_file_is_renamed_keeps_the_old_state(scenario: Scenario) -> None:
    """The new state is staged whole beside the old one, then renamed over it (``write_atomic``):
    killed in between, every feed is already the new version, the state file is the previous
    build's, complete, and the next build finishes the job. Written in place, the state would be
    the new one (or a part of it) and this build would never have been killed."""
    killed = confcal(
        "build", scenario.events, "-o", scenario.output, fault="replace:kill", stamp=SECOND_STAMP
    )
    assert killed.returncode == -signal.SIGKILL
    feeds = {
        name: data
        for name, data in files(scenario.output).items()
        if not TEMPORARY.fullmatch(Path(name).name)
    }
    assert feeds.pop(STATE_FILE) == scenario.before[STATE_FILE]
    assert feeds == {name: data for name, data in scenario.reference.items() if name != STATE_FILE}
    assert [name for name in temporary_files(scenario.output) if name.startswith(f".{STATE_FILE}.")]
    scenario.check_interrupted()
    scenario.check_recovered()


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_file_command_killed_before_its_rename_leaves_the_old_file(tmp_path: Path, command: str) -> None:
    """export -o and import -o replace a file a person keeps: until the rename, it is the old file,
    whole; the new one is complete, under a hidden name, before it takes the old one's place."""
    target = tmp_path / ("mine.ics" if command == "export" else "events.toml")
    args: list[str | Path] = (
        ["export", EVENTS, "--published", ROOT / "output", "-o", target]
        if command == "export"
        else ["import", ROOT / "output" / "schedule.xml", "-o", target, "--force"]
    )
    done = confcal(*args)
    assert done.returncode == 0, done.stderr
    new = target.read_bytes()
    old = new + b"# the old file\n" * 1000  # one that loads: an import over a file keeps some of it
    target.write_bytes(old)

    killed = confcal(*args, fault="replace:kill")

    assert killed.returncode == -signal.SIGKILL
    assert target.read_bytes() == old
    (staged,) = [path for path in tmp_path.iterdir() if path != target]
    assert TEMPORARY.fullmatch(staged.name)
    assert staged.name.startswith(f".{target.name}.")
    assert staged.read_bytes() == new


def test_a_first_build_killed_between_renames_is_finished_by_the_next(tmp_path: Path) -> None:
    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(synthetic(papers=40, seed=1), encoding="utf-8")
    killed = confcal("build", events, "-o", output, fault="rename@3:kill")
    assert killed.returncode == -signal.SIGKILL
    # The state names the files the build was adding, and no slot: no --force needed, SEQUENCE 0.
    state = json.loads((output / STATE_FILE).read_text(encoding="utf-8"))
    assert state["events"] == {}
    assert "all.ics" in state["published"]
    result = confcal("build", events, "-o", output)
    assert result.returncode == 0, result.stderr
    clean = tmp_path / "clean"
    assert confcal("build", events, "-o", clean).returncode == 0
    assert files(output) == files(clean)


def test_temporary_files_of_earlier_builds_are_removed(tmp_path: Path) -> None:
    output = tmp_path / "output"
    events = tmp_path / "events.toml"
    events.write_text(synthetic(papers=5, seed=1), encoding="utf-8")
    assert confcal("build", events, "-o", output).returncode == 0
    leftovers = [output / ".all.ics.k3j9_x0q.tmp", output / "papers" / ".paper-00001.ics.abcdefgh.tmp"]
    for path in leftovers:
        path.write_text("half a feed")
    (output / ".nojekyll").write_text("")
    assert confcal("build", events, "-o", output).returncode == 0
    assert temporary_files(output) == []
    assert (output / ".nojekyll").exists(), "other dot files are not ours"


# -- two builds at once -------------------------------------------------------------------


def spawn(*args: str | Path, fault: str = "", stamp: str = FIRST_STAMP) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": stamp, "CONFCAL_FAULT": fault}
    command = [sys.executable, "-m", "confcal", *map(str, args)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


def locked(folder: Path) -> bool:
    import fcntl

    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_two_builds_at_once_take_turns_and_the_second_builds_on_the_first(tmp_path: Path) -> None:
    """Without the lock both read the same state and publish two versions with one SEQUENCE.

    The test holds the folder's lock itself while two builds of two different edits start, so
    both are waiting (each says so) before either may go on.
    """
    import fcntl

    events, output = tmp_path / "events.toml", tmp_path / "output"
    text = synthetic(papers=20, seed=1)
    events.write_text(text, encoding="utf-8")
    assert confcal("build", events, "-o", output).returncode == 0
    waiting = f"{output}: another confcal process is using this folder; waiting for it…\n"
    holder = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    builds = []
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        for hour, board in enumerate((MOVED_BOARD, 'board = "Z-100"\n'), start=1):
            events.write_text(text.replace(BOARD, board, 1), encoding="utf-8")
            build = spawn("build", events, "-o", output, stamp=str(int(SECOND_STAMP) + 3600 * hour))
            assert build.stderr is not None
            assert build.stderr.readline() == waiting  # it has read events.toml and waits
            builds.append(build)
    finally:
        os.close(holder)
    for build in builds:
        _, errors = build.communicate(timeout=120)
        assert build.returncode == 0, errors
    assert sequence(output, EDITED_SLOT) == 2, "the second build saw the first one's state"
    clean = tmp_path / "clean"
    assert confcal("build", events, "-o", clean).returncode == 0
    assert files(output).keys() == files(clean).keys()


def test_a_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    import fcntl

    from confcal.lock import LockTimeoutError, hold

    folder = tmp_path / "output"
    folder.mkdir()
    holder = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        with pytest.raises(LockTimeoutError) as caught, hold(folder, exclusive=False, timeout=0.2):
            pass
        assert str(caught.value) == (
            f"{folder}: another confcal process has held this folder for 0 s; "
            "wait for it to finish (or stop it) and run again"
        )
    finally:
        os.close(holder)
    with hold(folder, exclusive=True, timeout=0.2):
        pass


@pytest.mark.parametrize(
    "value",
    [
        "stage@x:kill",
        "stage:kil",
        "stag:kill",
        "stage",
        "stage@0:kill",
        "lock:pause:x",
        "render:kill",
        "lock:pause:1.2.3",
    ],
)
def test_a_fault_hook_of_another_form_is_refused_before_the_command_runs(tmp_path: Path, value: str) -> None:
    """A test hook with a typing mistake must not let the build run unharmed (the test would
    pass for the wrong reason), nor stop it with a traceback: exit 2, like a bad option value."""
    output = tmp_path / "output"
    result = CliRunner().invoke(cli, ["build", str(EVENTS), "-o", str(output)], env={"CONFCAL_FAULT": value})
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: CONFCAL_FAULT={value} is not a fault to inject; expected <point>[@<n>]:kill or "
        "<point>[@<n>]:pause:<seconds>, with a point among lock, stage, rename, prune, replace (like "
        "stage:kill or rename@2:pause:1.5), or unset it: it is a hook for tests\n"
    )
    assert not output.exists()


@pytest.mark.parametrize("value", ["", "prune:kill", "rename@3:pause:0.01"])
def test_a_fault_hook_of_the_documented_form_is_accepted(tmp_path: Path, value: str) -> None:
    """Unset, or a point this command does not reach: the build runs as usual."""
    result = CliRunner().invoke(cli, ["check", str(EVENTS)], env={"CONFCAL_FAULT": value} if value else {})
    assert result.exit_code == 0, result.output


# -- NeurIPS size, SIGKILL at random moments (make faults) ------------------------------


@pytest.fixture(scope="module")
def neurips(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(tmp_path_factory.mktemp("neurips"), papers=3540)


@pytest.mark.faults
@pytest.mark.parametrize("seed", range(12))
def test_a_neurips_size_build_killed_at_a_random_moment(neurips: Scenario, seed: int) -> None:
    shutil.rmtree(neurips.output)
    neurips.output.mkdir()
    for name, data in neurips.before.items():
        (neurips.output / name).parent.mkdir(parents=True, exist_ok=True)
        (neurips.output / name).write_bytes(data)
    delay = random.Random(seed).uniform(0.2, 2.5)
    env = {**os.environ, "SOURCE_DATE_EPOCH": SECOND_STAMP}
    command = [sys.executable, "-m", "confcal", "build", str(neurips.events), "-o", str(neurips.output)]
    build = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    build.kill()
    build.wait()
    wait_for(lambda: processes_under(neurips.output) == [], "the build to end", seconds=30)
    if files(neurips.output)[STATE_FILE] == neurips.before[STATE_FILE]:
        neurips.check_interrupted()
    else:
        assert files(neurips.output) == neurips.reference, "a new state only after every feed"
    neurips.check_recovered()


@pytest.mark.faults
@pytest.mark.parametrize("rename", [1, 100, 1000, 2500])
def test_a_neurips_size_first_build_killed_between_renames(tmp_path: Path, rename: int) -> None:
    events, output = tmp_path / "events.toml", tmp_path / "output"
    events.write_text(synthetic(papers=3540, seed=1), encoding="utf-8")
    killed = confcal("build", events, "-o", output, fault=f"rename@{rename}:kill")
    assert killed.returncode == -signal.SIGKILL
    assert confcal("build", events, "-o", output).returncode == 0
    assert temporary_files(output) == []
    clean = tmp_path / "clean"
    assert confcal("build", events, "-o", clean, "--no-cache").returncode == 0
    assert files(output) == files(clean)
