"""`confcal export`: the exact events per filter, parsed back with an independent parser."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, BinaryIO

import icalendar
import pytest
from click.testing import CliRunner
from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream

from confcal.cli import cli
from confcal.load import load
from tests.helpers import plan

SHIPPED = Path(__file__).resolve().parent.parent / "events.toml"
PRIVACY = "privacy-auditing-one-training-run"
EMERGENT = "emergent-abilities-mirage"
SCALING = "scaling-data-constrained-language-models"
DPO = "direct-preference-optimization"
ORALS = {f"{p}.oral" for p in (PRIVACY, EMERGENT, SCALING, DPO, "climsim", "decodingtrust")}


def export(*args: str) -> bytes:
    result = CliRunner().invoke(cli, ["export", str(SHIPPED), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def parse(data: bytes) -> Calendar:
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def event_ids(calendar: Calendar) -> set[str]:
    """Event ids from the UIDs ('neurips-2023.<paper>.<kind>@confcal')."""
    return {event.uid.removeprefix("neurips-2023.").removesuffix("@confcal") for event in calendar.events}


# Worked out from events.toml (the announcement): category, kind and day of each event.
CASES = [
    (["--category", "test-of-time"], {"word2vec.talk"}),
    (["--kind", "oral"], ORALS),
    (["--paper", "climsim"], {"climsim.oral", "climsim.poster"}),
    (["--day", "2023-12-13"], {"climsim.oral", "climsim.poster"}),
    (
        ["--category", "outstanding-main-track", "--kind", "poster"],
        {f"{PRIVACY}.poster", f"{EMERGENT}.poster"},
    ),
    (
        ["--kind", "oral", "--kind", "talk", "--day", "2023-12-12"],
        {"decodingtrust.oral", "word2vec.talk", f"{PRIVACY}.oral", f"{SCALING}.oral"},
    ),
    (["--paper", "word2vec", "--paper", "climsim", "--kind", "talk"], {"word2vec.talk"}),
    (
        [
            "--category",
            "outstanding-main-track-runner-up",
            "--category",
            "test-of-time",
            "--day",
            "2023-12-14",
        ],
        {f"{DPO}.oral", f"{DPO}.poster"},
    ),
    (
        ["--day", "2023-12-12", "--day", "2023-12-14", "--kind", "poster", "--paper", EMERGENT],
        {f"{EMERGENT}.poster"},
    ),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(args) for args, _ in CASES])
def test_filters_select_exactly_these_events(args: list[str], expected: set[str]) -> None:
    assert event_ids(parse(export(*args))) == expected


def test_same_events_byte_for_byte_as_the_published_feed() -> None:
    all_ics = plan(load(SHIPPED))["all.ics"]
    data = export("--kind", "oral")
    blocks = data.split(b"BEGIN:VEVENT\r\n")[1:]
    assert len(blocks) == len(ORALS)
    for block in blocks:
        event = b"BEGIN:VEVENT\r\n" + block.removesuffix(b"END:VCALENDAR\r\n")
        assert event in all_ics
    assert data.split(b"BEGIN:VEVENT", 1)[0].count(b"BEGIN:VTIMEZONE") == 1


def test_calendar_is_named_after_its_filters() -> None:
    data = export("--category", "test-of-time", "--kind", "talk", "--day", "2023-12-12")
    calendar = icalendar.Calendar.from_ical(data)
    name = "NeurIPS 2023: Test of Time Award · Talks · Tue 12 Dec"
    assert calendar["NAME"] == name
    assert calendar["X-WR-CALNAME"] == name


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "my.ics"
    result = CliRunner().invoke(cli, ["export", str(SHIPPED), "--paper", "word2vec", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert event_ids(parse(target.read_bytes())) == {"word2vec.talk"}
    assert result.stdout_bytes == b""
    title = "Distributed Representations of Words and Phrases and their Compositionality"
    assert result.stderr == f"{target}: 1 event (NeurIPS 2023: {title})\n"
    assert [p.name for p in tmp_path.iterdir()] == ["my.ics"]


def confcal_process(
    *args: str, cwd: Path, stdout: BinaryIO | int = subprocess.PIPE, **descriptors: Any
) -> subprocess.CompletedProcess[bytes]:
    """confcal in a process of its own, its stdout a pipe unless given (CliRunner replaces
    sys.stdout, not fd 1); ``descriptors``: stdin, pass_fds. SOURCE_DATE_EPOCH is set, so that an
    import's publish.updated (the time of the import otherwise) is the same in every process."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "src"),
        "XDG_CACHE_HOME": str(cwd / ".cache"),
        "SOURCE_DATE_EPOCH": "1702252800",
    }
    return subprocess.run(
        [sys.executable, "-m", "confcal", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        timeout=60,
        **descriptors,
    )


def test_o_dev_stdout_into_a_pipe_writes_the_calendar_to_the_pipe(tmp_path: Path) -> None:
    """/dev/stdout, a pipe here, is a link to 'pipe:[…]', which no file can be: it is written
    to as a shell's > writes, not refused as a link to a file that does not exist."""
    args = ["--published", str(SHIPPED.parent / "output"), "--paper", "climsim"]
    result = confcal_process("export", str(SHIPPED), *args, "-o", "/dev/stdout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == export(*args)
    assert result.stderr.decode().endswith(
        "/dev/stdout: 2 events (NeurIPS 2023: ClimSim: A large multi-scale "
        "dataset for hybrid physics-ML climate emulation)\n"
    )


def test_import_o_dev_stdout_into_a_pipe_is_no_file_to_overwrite(tmp_path: Path) -> None:
    schedule = SHIPPED.parent / "output" / "schedule.xml"
    result = confcal_process("import", str(schedule), "-o", "/dev/stdout", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"# Imported by `confcal import` from ")
    assert "exists" not in result.stderr.decode()


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link"])
def test_o_own_stdout_appended_to_keeps_what_was_there(tmp_path: Path, name: str) -> None:
    """`-o /dev/stdout >> log.txt` writes through the descriptor the shell opened for appending,
    as `-o -` would: renaming a new file over log.txt would lose its lines (and leave the
    shell's descriptor on the old file)."""
    (tmp_path / "link").symlink_to("/dev/stdout")
    log = tmp_path / "log.txt"
    log.write_bytes(b"an earlier line\n")
    inode = log.stat().st_ino
    with log.open("ab") as appending:
        result = confcal_process(
            "export", str(SHIPPED), "--paper", "word2vec", "-o", name, cwd=tmp_path, stdout=appending
        )
    assert result.returncode == 0, result.stderr
    assert log.read_bytes() == b"an earlier line\n" + export("--paper", "word2vec")
    assert log.stat().st_ino == inode
    assert result.stderr.decode().endswith(
        f"{name}: 1 event (NeurIPS 2023: Distributed Representations of Words and Phrases "
        "and their Compositionality)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "log.txt"]


def test_o_dev_fd_of_another_open_descriptor_appends_through_it(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"kept\n")
    with log.open("ab") as appending:
        descriptor = appending.fileno()
        result = confcal_process(
            "export",
            str(SHIPPED),
            "--paper",
            "word2vec",
            "-o",
            f"/dev/fd/{descriptor}",
            cwd=tmp_path,
            pass_fds=(descriptor,),
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert log.read_bytes() == b"kept\n" + export("--paper", "word2vec")


def test_import_o_dev_stdout_into_the_file_the_shell_opened_needs_no_force(tmp_path: Path) -> None:
    """`confcal import schedule.xml -o /dev/stdout > new.toml`: the shell has created (or emptied)
    new.toml already; that is no existing file to overwrite."""
    schedule = SHIPPED.parent / "output" / "schedule.xml"
    new = tmp_path / "new.toml"
    new.write_bytes(b"what > empties\n")
    with new.open("wb") as truncated:
        result = confcal_process("import", str(schedule), "-o", "/dev/stdout", cwd=tmp_path, stdout=truncated)
    assert result.returncode == 0, result.stderr
    expected = confcal_process("import", str(schedule), "-o", "-", cwd=tmp_path)
    assert expected.returncode == 0, expected.stderr
    assert new.read_bytes() == expected.stdout
    assert new.read_bytes().startswith(b"# Imported by `confcal import` from ")


def test_import_to_a_file_that_is_also_stdout_by_its_own_name_still_needs_force(tmp_path: Path) -> None:
    """Only a name of the descriptor itself is written through it: new.toml named as new.toml
    is an existing file, whatever stdout is."""
    schedule = SHIPPED.parent / "output" / "schedule.xml"
    new = tmp_path / "new.toml"
    new.write_bytes(b"mine\n")
    with new.open("ab") as appending:
        result = confcal_process("import", str(schedule), "-o", "new.toml", cwd=tmp_path, stdout=appending)
    assert result.returncode == 1
    assert (
        result.stderr.decode() == "Error: new.toml exists; pass --force to overwrite it, or -o another file\n"
    )
    assert new.read_bytes() == b"mine\n"


def test_o_dev_stdin_open_for_reading_is_refused_and_left_alone(tmp_path: Path) -> None:
    """Replacing the file behind stdin (the atomic write of a file) would be no shell's >."""
    source = tmp_path / "in.txt"
    source.write_bytes(b"input\n")
    with source.open("rb") as reading:
        result = confcal_process(
            "export", str(SHIPPED), "--paper", "word2vec", "-o", "/dev/stdin", cwd=tmp_path, stdin=reading
        )
    assert result.returncode == 1
    assert result.stderr.decode() == "Error: cannot write /dev/stdin: descriptor 0 is open for reading only\n"
    assert source.read_bytes() == b"input\n"


def test_a_named_pipe_is_written_to_and_stays_a_pipe(tmp_path: Path) -> None:
    """Renaming a file over the pipe (the atomic write of a file) would replace the pipe and leave
    its reader waiting for ever."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # the writer's open does not wait for a reader
    try:
        result = CliRunner().invoke(cli, ["export", str(SHIPPED), "--paper", "word2vec", "-o", str(pipe)])
        assert result.exit_code == 0, result.output
        received = b""
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(reader, 65536):
                received += chunk
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert event_ids(parse(received)) == {"word2vec.talk"}
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_socket_is_refused_with_what_it_is(tmp_path: Path) -> None:
    target = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(target))
        result = CliRunner().invoke(cli, ["export", str(SHIPPED), "--paper", "word2vec", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output.endswith(
        f"Error: cannot write {target}: it is a socket, not a file; give the name of a file, "
        "or - for stdout\n"
    )
    assert stat.S_ISSOCK(target.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["s"]


def test_dash_writes_the_calendar_to_stdout_only() -> None:
    data = export("--paper", "climsim", "-o", "-")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    (oral,) = [e for e in parse(data).events if e.uid == "neurips-2023.climsim.oral@confcal"]
    assert oral.start_datetime.isoformat() == "2023-12-13T21:30:00+00:00"  # 15:30 CST


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "orals"], "unknown category orals (known: outstanding-main-track, "),
        (["--paper", "gpt5"], "unknown paper gpt5 (known: privacy-auditing-one-training-run, "),
        (["--kind", "keynote"], "unknown kind keynote (known: oral, poster, talk)"),
        (["--day", "12/12/2023"], "Invalid value for '--day'"),
        (
            ["--category", "test-of-tme"],
            "unknown category test-of-tme; did you mean --category test-of-time? (known: ",
        ),
        (
            ["--category", "Test of Time Award"],
            "unknown category Test of Time Award; Test of Time Award is the name of category test-of-time: "
            "give --category test-of-time (known: ",
        ),
        (
            ["--kind", "Orals", "--kind", "talks", "--kind", "Poster"],
            "unknown kind Orals, talks, Poster; did you mean --kind oral for Orals, --kind talk for talks?; "
            "Poster is the label of kind poster: give --kind poster (known: oral, poster, talk)",
        ),
        (
            ["--paper", "ClimSim"],
            "unknown paper ClimSim; did you mean --paper climsim? (known: ",
        ),
        (
            ["--session", "poster session 2"],
            "unknown session poster session 2; did you mean --session 'Poster session 2'? (known: ",
        ),
    ],
)
def test_unknown_filter_values_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    target = tmp_path / "my.ics"
    result = CliRunner().invoke(cli, ["export", str(SHIPPED), *args, "-o", str(target)])
    assert result.exit_code == 2
    assert message in result.output
    assert not target.exists()


def test_no_match_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "my.ics"
    args = ["export", str(SHIPPED), "--category", "test-of-time", "--kind", "oral", "-o", str(target)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output == (
        "Error: no event passes all the filters; each on its own: "
        "--category test-of-time matches 1 event, --kind oral matches 6 events\n"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--day", "2023-12-20"], "no events match --day 2023-12-20"),
        (
            ["--paper", "climsim", "--paper", "word2vec", "--day", "2023-12-14"],
            "no event passes all the filters; each on its own: --paper climsim --paper word2vec matches "
            "3 events, --day 2023-12-14 matches 4 events",
        ),
    ],
)
def test_no_match_names_each_filter_and_what_it_matches(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["export", str(SHIPPED), *args, "-o", str(tmp_path / "my.ics")])
    assert result.exit_code == 1
    assert result.output == f"Error: {message}\n"


def test_bad_events_file_is_reported_without_traceback(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text("[conference]\nid = 1\n")
    target = tmp_path / "my.ics"
    result = CliRunner().invoke(cli, ["export", str(events), "-o", str(target)])
    assert result.exit_code == 1
    assert "problems in the events file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not target.exists()


def test_published_state_is_read_beside_the_events_file_wherever_export_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    events = project / "events.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    events.write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(events), "-o", str(project / "output")]).exit_code == 0
    moved = (
        text.replace("start = 2023-12-12T15:05:00", "start = 2023-12-12T15:35:00")
        .replace("end = 2023-12-12T15:25:00", "end = 2023-12-12T15:55:00")
        .replace("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T08:00:00Z")
    )
    events.write_text(moved, encoding="utf-8")
    assert runner.invoke(cli, ["build", str(events), "-o", str(project / "output")]).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "output").mkdir(parents=True)  # an unrelated output folder in the current one
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(cli, ["export", str(events), "--paper", "word2vec"])
    assert result.exit_code == 0, result.output
    assert b"SEQUENCE:1\r\n" in result.stdout_bytes
    assert result.stderr == ""


def test_export_without_a_published_state_says_so(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_bytes(SHIPPED.read_bytes())
    result = CliRunner().invoke(cli, ["export", str(events), "--paper", "word2vec"])
    assert result.exit_code == 0
    assert b"SEQUENCE:0\r\n" in result.stdout_bytes
    assert result.stderr == (
        f"warning: no published state ({tmp_path / 'output' / 'confcal-state.json'}): every event is "
        "exported at SEQUENCE 0, as a first build would publish it, and an importer keeps a newer copy "
        "it has; if the feeds were published, give their folder with --published\n"
    )


def test_a_cancellation_the_feeds_keep_can_be_exported(tmp_path: Path) -> None:
    """With keep_cancelled, a paper deleted from the file stays in the feeds as cancelled: export
    selects it as the feeds hold it, byte for byte, instead of calling it an unknown paper."""
    events, output = tmp_path / "events.toml", tmp_path / "output"
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "updated = 2023-12-11T00:00:00Z", "updated = 2023-12-11T00:00:00Z\nkeep_cancelled = true", 1
    )
    events.write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(events), "-o", str(output)]).exit_code == 0
    start = text.index('id = "word2vec"')
    start = text.rindex("[[papers]]", 0, start)
    end = text.index("[[papers]]", start + 1) if "[[papers]]" in text[start + 1 :] else len(text)
    gone = text[:start] + text[end:]
    events.write_text(
        gone.replace("updated = 2023-12-11T00:00:00Z", "updated = 2023-12-12T08:00:00Z"), "utf-8"
    )
    assert runner.invoke(cli, ["build", str(events), "-o", str(output)]).exit_code == 0
    result = runner.invoke(cli, ["export", str(events), "--paper", "word2vec"])
    assert result.exit_code == 0, result.output
    assert b"STATUS:CANCELLED\r\n" in result.stdout_bytes
    kept = (output / "papers" / "word2vec.ics").read_bytes()
    vevent = kept[kept.index(b"BEGIN:VEVENT") : kept.index(b"END:VEVENT")]
    assert vevent in result.stdout_bytes


def test_an_export_of_an_edit_not_yet_built_says_so(tmp_path: Path) -> None:
    """An export reads the events file, so an edit not built yet is in it before the feeds have
    it: the export says which events, and that build would refuse them under the stamp they
    have. Events as published export without a word."""
    events = tmp_path / "events.toml"
    text = SHIPPED.read_text(encoding="utf-8")
    events.write_text(text, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(events), "-o", str(tmp_path / "output")]).exit_code == 0
    events.write_text(text.replace('room = "RO6-RO9"', 'room = "Hall Z"', 1), encoding="utf-8")
    edited = runner.invoke(cli, ["export", str(events), "--paper", "privacy-auditing-one-training-run"])
    assert edited.exit_code == 0, edited.output
    assert b"LOCATION:Hall Z (Level 2)" in edited.stdout_bytes
    assert edited.stderr.splitlines() == [
        "warning: 1 exported event is not yet as published (privacy-auditing-one-training-run.oral): "
        "the file holds it as the next build will publish it; `confcal diff` lists what that build changes",
        f"warning: confcal build will refuse to publish this: {events}:22: publish.updated: "
        "2023-12-11T00:00:00Z is not later than 2023-12-11T00:00:00Z, the latest stamp already published "
        f"in {tmp_path / 'output'}, and the build would change 1 event (`confcal diff {events} --published "
        f"{tmp_path / 'output'}` lists it): published under that stamp, calendar apps and changes.atom "
        "readers may miss the change; raise publish.updated to the time of this edit, later than "
        "2023-12-11T00:00:00Z",
    ]
    untouched = runner.invoke(cli, ["export", str(events), "--paper", "word2vec"])
    assert untouched.exit_code == 0, untouched.output
    assert untouched.stderr == ""


@pytest.mark.parametrize("command", ["export", "agenda"])
def test_a_session_name_in_other_letter_case_beats_another_session_id(command: str, tmp_path: Path) -> None:
    """ "Posters" is no session: in other letter case, it is the id of one session and the name of
    another; the id wins, as it does for --session posters."""
    workshop = (Path(__file__).parent / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    events = tmp_path / "events.toml"
    events.write_text(
        workshop.replace('name = "Oral session C"', 'name = "posters"', 1).replace(
            'name = "Poster session"', 'name = "posters B"', 1
        ),
        encoding="utf-8",
    )
    output = ["-o", str(tmp_path / "my.ics")] if command == "export" else []
    result = CliRunner().invoke(cli, [command, str(events), "--session", "Posters", *output])
    assert result.exit_code == 2
    assert "Error: unknown session Posters; did you mean --session posters? (known: " in result.output
    assert not (tmp_path / "my.ics").exists()


def test_a_declared_kind_typo_is_named(tmp_path: Path) -> None:
    """The workshop declares a keynote kind: --kind keynot means keynote."""
    workshop = Path(__file__).parent / "programmes" / "workshop.toml"
    target = tmp_path / "my.ics"
    result = CliRunner().invoke(cli, ["export", str(workshop), "-o", str(target), "--kind", "keynot"])
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: unknown kind keynot; did you mean --kind keynote? "
        "(known: oral, poster, talk, keynote, break, social)\n"
    )
    assert not target.exists()


@pytest.mark.parametrize("session", ["oral-a", "Oral session A"])
def test_session_is_given_by_its_id_or_by_its_name(session: str) -> None:
    """Slots name their declared session by id (session = "oral-a"), the page and the feeds by name:
    --session takes either. In the workshop, Oral session A holds these two orals."""
    workshop = Path(__file__).parent / "programmes" / "workshop.toml"
    result = CliRunner().invoke(cli, ["export", str(workshop), "--session", session])
    assert result.exit_code == 0, result.output
    calendar = parse(result.stdout_bytes)
    uids = {event.uid for event in calendar.events}
    assert uids == {"learnsys-2026.sparse-routing.oral@confcal", "learnsys-2026.federated-eval.oral@confcal"}
    assert "X-WR-CALNAME:LearnSys 2026: Oral session A" in result.stdout


def test_a_session_id_wins_over_another_session_s_name(tmp_path: Path) -> None:
    """Session oral-c renamed "posters": --session posters is the session whose id is posters."""
    workshop = (Path(__file__).parent / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    events = tmp_path / "events.toml"
    events.write_text(workshop.replace('name = "Oral session C"', 'name = "posters"', 1), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["export", str(events), "--session", "posters", "--published", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    kinds = {event.uid.split(".")[-1].removesuffix("@confcal") for event in parse(result.stdout_bytes).events}
    assert kinds == {"poster"}


def test_an_unknown_session_lists_declared_ones_by_id_and_name(tmp_path: Path) -> None:
    workshop = Path(__file__).parent / "programmes" / "workshop.toml"
    target = tmp_path / "my.ics"
    result = CliRunner().invoke(cli, ["export", str(workshop), "-o", str(target), "--session", "oral-x"])
    assert result.exit_code == 2
    assert "Error: unknown session oral-x; did you mean --session " in result.output
    assert (
        "(known: oral-a (Oral session A), oral-b (Oral session B), oral-c (Oral session C), "
        "posters (Poster session), "
    ) in result.output
    assert not target.exists()


def test_agenda_takes_a_session_s_id_too() -> None:
    workshop = Path(__file__).parent / "programmes" / "workshop.toml"
    by_id = CliRunner().invoke(cli, ["agenda", str(workshop), "--session", "oral-a"])
    by_name = CliRunner().invoke(cli, ["agenda", str(workshop), "--session", "Oral session A"])
    assert by_id.exit_code == 0, by_id.output
    assert by_id.output == by_name.output
    assert "Sparse Routing for Streaming Inference" in by_id.output


def test_a_session_id_selects_that_session_when_two_share_a_name(tmp_path: Path) -> None:
    """Oral session B renamed "Oral session A": --session oral-a is oral-a's two orals, not the
    four of both sessions of that name, which --session "Oral session A" selects."""
    workshop = (Path(__file__).parent / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    events = tmp_path / "events.toml"
    events.write_text(
        workshop.replace('name = "Oral session B"', 'name = "Oral session A"', 1), encoding="utf-8"
    )

    def uids(*args: str) -> set[str]:
        result = CliRunner().invoke(cli, ["export", str(events), "--published", str(tmp_path), *args])
        assert result.exit_code == 0, result.output
        return {event.uid for event in parse(result.stdout_bytes).events}

    oral_a, oral_b = uids("--session", "oral-a"), uids("--session", "oral-b")
    assert oral_a == {
        "learnsys-2026.sparse-routing.oral@confcal",
        "learnsys-2026.federated-eval.oral@confcal",
    }
    assert len(oral_b) == 2
    assert not oral_a & oral_b
    assert uids("--session", "Oral session A") == oral_a | oral_b
    assert uids("--session", "oral-a", "--session", "oral-b") == oral_a | oral_b


def test_a_declared_feed_takes_a_session_as_session_does(tmp_path: Path) -> None:
    """[[feeds]] session = "oral-a" is oral-a's orals, as --session oral-a, though Oral session B is
    renamed "Oral session A" too; session = "Oral session A" is both sessions', as --session is."""
    workshop = (Path(__file__).parent / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    events = tmp_path / "events.toml"
    events.write_text(
        workshop.replace('name = "Oral session B"', 'name = "Oral session A"', 1)
        + '\n[[feeds]]\nid = "by-id"\nname = "By id"\nsession = "oral-a"\n'
        + '\n[[feeds]]\nid = "by-name"\nname = "By name"\nsession = "Oral session A"\n',
        encoding="utf-8",
    )
    built = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out"), "--no-cache"])
    assert built.exit_code == 0, built.output

    def uids(data: bytes) -> set[str]:
        return {event.uid for event in parse(data).events}

    for feed, session in (("by-id", "oral-a"), ("by-name", "Oral session A")):
        exported = CliRunner().invoke(cli, ["export", str(events), "--session", session])
        assert exported.exit_code == 0, exported.output
        assert uids((tmp_path / "out" / f"{feed}.ics").read_bytes()) == uids(exported.stdout_bytes)
    assert len(uids((tmp_path / "out" / "by-id.ics").read_bytes())) == 2
    assert len(uids((tmp_path / "out" / "by-name.ics").read_bytes())) == 4


def test_a_declared_feed_s_unknown_session_lists_what_session_lists(tmp_path: Path) -> None:
    """Session oral-c renamed "posters", the id of another: both lists name the session posters."""
    workshop = (Path(__file__).parent / "programmes" / "workshop.toml").read_text(encoding="utf-8")
    renamed = workshop.replace('name = "Oral session C"', 'name = "posters"', 1)
    events, with_feed = tmp_path / "events.toml", tmp_path / "with-feed.toml"
    events.write_text(renamed, encoding="utf-8")
    with_feed.write_text(
        renamed + '\n[[feeds]]\nid = "x"\nname = "X"\nsession = "oral-x"\n', encoding="utf-8"
    )
    sessions = [
        ("oral-a", "Oral session A"),
        ("oral-b", "Oral session B"),
        ("oral-c", "posters"),
        ("posters", "Poster session"),
        ("Keynote", ""),
        ("Break", ""),
        ("Social event", ""),
    ]
    built = CliRunner().invoke(cli, ["build", str(with_feed), "-o", str(tmp_path / "out")])
    assert built.exit_code == 1
    listed = ", ".join(f"{key!r} ({name})" if name else repr(key) for key, name in sessions)
    assert built.output.endswith(
        f"feeds[1].session: unknown session 'oral-x'; did you mean 'oral-c'? (defined: {listed})\n"
    )
    selected = CliRunner().invoke(cli, ["export", str(events), "--session", "oral-x"])
    assert selected.exit_code == 2
    listed = ", ".join(f"{key} ({name})" if name else key for key, name in sessions)
    assert "unknown session oral-x; did you mean --session oral-c? " in selected.output
    assert f"(known: {listed})\n" in selected.output
