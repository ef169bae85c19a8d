"""`confcal check`: the shipped programme, and a table of broken ones."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from tests.helpers import restamped
from tests.small_programme import HEAD, events_file, paper, slot

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "events.toml"

NOT_FOUND = (
    "file not found; give the path of the events file (without one: events.toml in the current folder)"
)


def run_check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def json_report(*args: str) -> tuple[int, dict[str, Any]]:
    code, output = run_check("--format", "json", *args)
    report: dict[str, Any] = json.loads(output)
    return code, report


def pairs(report: dict[str, Any], code: str) -> set[frozenset[str]]:
    return {
        frozenset(ref["id"] for ref in finding["events"])
        for finding in report["findings"]
        if finding["code"] == code
    }


def test_shipped_programme_passes_and_reports_the_overlapping_pairs() -> None:
    # From the announcement (all times CST, 12–14 Dec 2023):
    #   Tue 15:40–16:40 Oral 2D (privacy auditing) and Oral 2A (scaling data-constrained LMs)
    #   Tue 17:15–19:15 both their posters, in Poster session 2
    #   Thu 15:20–16:20 Oral 6A (emergent abilities) and Oral 6B (DPO)
    #   Thu 17:00–19:00 both their posters, in Poster session 6
    # No other pair overlaps: DecodingTrust's oral ends at 10:45 when its poster starts,
    # the word2vec talk ends at 15:25, ClimSim is alone on Wednesday.
    expected = {
        frozenset(
            {"privacy-auditing-one-training-run.oral", "scaling-data-constrained-language-models.oral"}
        ),
        frozenset(
            {"privacy-auditing-one-training-run.poster", "scaling-data-constrained-language-models.poster"}
        ),
        frozenset({"emergent-abilities-mirage.oral", "direct-preference-optimization.oral"}),
        frozenset({"emergent-abilities-mirage.poster", "direct-preference-optimization.poster"}),
    }
    code, report = json_report(str(SHIPPED))
    assert code == 0
    assert report["ok"] is True
    assert report["counts"]["error"] == 0
    assert pairs(report, "overlap") == expected
    assert all(f["severity"] == "info" for f in report["findings"] if f["code"] == "overlap")


def test_overlap_names_the_shared_feeds(tmp_path: Path) -> None:
    # Both Main papers are in one category, so a pair shares all.ics and main.ics.
    events = tmp_path / "events.toml"
    events.write_text(
        events_file(
            slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00", place='room = "R1"'),
            slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00", place='room = "R2"'),
        )
    )
    code, report = json_report(str(events))
    assert code == 0
    (finding,) = report["findings"]
    assert finding["feeds"] == ["all.ics", "main.ics"]


def test_text_report_is_grouped_by_severity_with_ids_titles_and_local_times() -> None:
    code, output = run_check(str(SHIPPED))
    assert code == 0
    lines = output.splitlines()
    assert lines.index("warnings:") < lines.index("info:")
    assert "errors:" not in lines
    assert (
        "  overlap: 2 events at once, Tue 12 Dec 2023, 15:40–16:40 CST (all.ics: 2): "
        'privacy-auditing-one-training-run.oral "Privacy Auditing with One (1) Training Run", '
        'scaling-data-constrained-language-models.oral "Scaling Data-Constrained Language Models"' in lines
    )
    assert lines[-1] == f"{SHIPPED}: 0 errors, 1 warning, 4 info"


def test_strict_turns_the_warning_into_an_error() -> None:
    # The word2vec talk has no room: the announcement names none.
    code, report = json_report("--strict", str(SHIPPED))
    assert code == 1
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert error["code"] == "no-place"
    assert [ref["id"] for ref in error["events"]] == ["word2vec.talk"]


ORAL_A = slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00")

BROKEN = [
    pytest.param(
        events_file(ORAL_A, slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00")),
        "room-double-booked",
        'R1 (L1) holds two events at once: a.oral "Paper A" (Mon 3 Jun 2024, 10:00–11:00 CEST) '
        'and b.oral "Paper B" (Mon 3 Jun 2024, 10:30–11:30 CEST)',
        id="room double-booked",
    ),
    pytest.param(
        events_file(
            slot("poster", "2024-06-04T10:00:00", "2024-06-04T12:00:00", place='board = "#7"'),
            slot("poster", "2024-06-04T11:59:00", "2024-06-04T13:00:00", place='board = "#7"'),
        ),
        "board-double-booked",
        "Poster board #7 holds two events at once",
        id="poster board double-booked",
    ),
    pytest.param(
        events_file(ORAL_A, slot("oral", "2024-06-02T10:00:00", "2024-06-02T11:00:00")),
        "outside-dates",
        'b.oral "Paper B" (Sun 2 Jun 2024, 10:00–11:00 CEST) is outside the conference dates '
        "(Mon 3 Jun 2024 – Wed 5 Jun 2024)",
        id="oral before the first day",
    ),
    pytest.param(
        events_file(ORAL_A, slot("poster", "2024-06-06T04:30:00", "2024-06-06T05:00:00")),
        "outside-dates",
        'b.poster "Paper B" (Thu 6 Jun 2024, 04:30–05:00 CEST) is outside',
        id="poster after the last day",
    ),
    pytest.param(
        events_file(
            ORAL_A.replace('session = "Session"', 'session = "orals"'),
            slot("oral", "2024-06-04T09:00:00", "2024-06-04T10:00:00").replace(
                'session = "Session"', 'session = "orals"'
            ),
        )
        + '\n[[sessions]]\nid = "orals"\nname = "Orals"\nkind = "oral"\n',
        "session-spans-days",
        'sessions[0]: orals.session "Orals" (Mon 3 Jun 2024, 10:00–Tue 4 Jun 2024, 10:00 CEST) lasts '
        "24 h 00 min, from its first item to its last: the session has no start and end, and its items "
        "begin on 2 days (Mon 3 Jun, Tue 4 Jun); give the session its own start and end, or split it "
        "into one session per day",
        id="session without a time across two days",
    ),
    pytest.param(
        events_file(ORAL_A, slot("oral", "2024-06-04T11:00:00", "2024-06-04T10:00:00")),
        "invalid",
        "papers[1].oral.end: 2024-06-04 10:00 is not after the start 2024-06-04 11:00",
        id="end before start (build validation)",
    ),
    pytest.param(
        events_file(ORAL_A, slot("oral", "2024-06-04T10:00:00", "2024-06-04T11:00:00") + "rooom = 1\n"),
        "invalid",
        "papers[1].oral.rooom: unknown key 'rooom'; did you mean 'room'?",
        id="unknown key (build validation)",
    ),
    pytest.param(
        events_file(ORAL_A, slot("oral", "2024-03-31T02:30:00", "2024-06-04T11:00:00")),
        "invalid",
        "2024-03-31 02:30 does not exist in Europe/Berlin",
        id="nonexistent local time (build validation)",
    ),
    pytest.param("[conference\n", "invalid", "not valid TOML", id="not TOML"),
]


@pytest.mark.parametrize(("text", "code", "message"), BROKEN)
def test_broken_programme_exits_with_the_finding(tmp_path: Path, text: str, code: str, message: str) -> None:
    events = tmp_path / "events.toml"
    events.write_text(text)
    exit_code, output = run_check(str(events))
    _, report = json_report(str(events))
    assert exit_code == (2 if code == "invalid" else 1), "2: not a programme at all; 1: its errors"
    assert output.splitlines()[0] == "errors:"
    assert f"  {code}: " in output
    assert message in output
    assert any(f["code"] == code and message in f["message"] for f in report["findings"])
    assert report["ok"] is False


@pytest.mark.parametrize(
    ("text", "code", "message"), [param for param in BROKEN if param.values[1] != "invalid"]
)
def test_build_publishes_what_check_finds_wrong_with_a_warning(
    tmp_path: Path, text: str, code: str, message: str
) -> None:
    """Organizers often publish without `confcal check`: each kind of error it reports in a
    programme that builds is a warning line of `build`, which still writes every feed."""
    events = tmp_path / "events.toml"
    events.write_text(text)
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"warning: {code}: ")
    assert message.removeprefix("sessions[0]: ") in warning
    assert warning.endswith("; `confcal check` says where in the file")
    assert (tmp_path / "out" / "all.ics").read_bytes().count(b"BEGIN:VEVENT") == 2


@pytest.mark.parametrize(
    "b_slot",
    [
        pytest.param(slot("oral", "2024-06-03T11:00:00", "2024-06-03T12:00:00"), id="back to back"),
        pytest.param(
            slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00", place='room = "R1"\nlevel = "L2"'),
            id="same room name on another level",
        ),
    ],
)
def test_no_double_booking_without_a_shared_room_and_time(tmp_path: Path, b_slot: str) -> None:
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, b_slot))
    code, report = json_report(str(events))
    assert code == 0
    assert not [f for f in report["findings"] if f["code"].endswith("double-booked")]
    assert not [f for f in report["findings"] if f["code"] == "room-name-variants"]


def test_double_booked_pair_is_not_also_listed_as_an_overlap(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00")))
    _, report = json_report(str(events))
    assert [f["code"] for f in report["findings"]] == ["room-double-booked"]


def test_a_talk_outside_the_dates_is_a_warning(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot("talk", "2024-06-06T10:00:00", "2024-06-06T11:00:00")))
    code, report = json_report(str(events))
    strict_code, _ = json_report("--strict", str(events))
    assert code == 0
    assert [(f["severity"], f["code"]) for f in report["findings"]] == [("warning", "outside-dates")]
    assert strict_code == 1


def test_invalid_file_in_json_carries_file_path_and_line(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    text = events_file(ORAL_A, slot("oral", "2024-06-04T11:00:00", "2024-06-04T10:00:00"))
    events.write_text(text)
    _, report = json_report(str(events))
    (finding,) = report["findings"]
    assert finding["file"] == str(events)
    assert finding["path"] == "papers[1].oral.end"
    assert finding["line"] == text.splitlines().index("end = 2024-06-04T10:00:00") + 1


def test_missing_file_is_an_error_finding(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    code, output = run_check(str(missing))
    assert code == 2
    assert f"  invalid: {missing}: {NOT_FOUND}" in output


def test_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = tmp_path / "events.toml"
    events.write_text(SHIPPED.read_text())
    monkeypatch.chdir(tmp_path)
    assert run_check()[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["events.toml"]


def poster(paper_id: str, board: str, *, status: str = "") -> str:
    place = f'board = "{board}"' + (f'\nstatus = "{status}"' if status else "")
    return paper(paper_id, slot("poster", "2024-06-04T17:00:00", "2024-06-04T19:00:00", place=place))


def test_posters_of_one_session_are_one_overlap_line(tmp_path: Path) -> None:
    """Four posters at once: one line naming four events (pairwise, it was six)."""
    events = tmp_path / "events.toml"
    events.write_text(HEAD + "".join(poster(p, f"A{n}") for n, p in enumerate(["a", "b", "c", "d"])))
    code, output = run_check(str(events))
    assert code == 0
    assert [line for line in output.splitlines() if "overlap" in line] == [
        "  overlap: 4 events at once, Tue 4 Jun 2024, 17:00–19:00 CEST (all.ics: 4, main.ics: 4): "
        'a.poster "Paper A", b.poster "Paper B", c.poster "Paper C" and 1 more'
    ]
    _, report = json_report(str(events))
    (finding,) = report["findings"]
    assert [ref["id"] for ref in finding["events"]] == ["a.poster", "b.poster", "c.poster", "d.poster"]
    assert finding["feeds"] == ["all.ics", "main.ics"]


def test_overlap_slots_are_the_largest_sets_running_at_once(tmp_path: Path) -> None:
    """a 10–12 with b 10–11 and c 11–12: two slots (a, b) and (a, c); b and c do not overlap."""
    events = tmp_path / "events.toml"
    events.write_text(
        HEAD
        + paper("a", slot("oral", "2024-06-03T10:00:00", "2024-06-03T12:00:00", place='room = "R1"'))
        + paper("b", slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00", place='room = "R2"'))
        + paper("c", slot("oral", "2024-06-03T11:00:00", "2024-06-03T12:00:00", place='room = "R3"'))
    )
    _, report = json_report(str(events))
    assert [[ref["id"] for ref in f["events"]] for f in report["findings"]] == [
        ["a.oral", "b.oral"],
        ["a.oral", "c.oral"],
    ]


def test_a_cancelled_poster_frees_its_board(tmp_path: Path) -> None:
    """Board A4 given to another poster at the time of a cancelled one: no double booking, no overlap."""
    events = tmp_path / "events.toml"
    events.write_text(HEAD + poster("a", "A4", status="cancelled") + poster("b", "A4"))
    code, report = json_report(str(events))
    assert code == 0
    assert report["findings"] == []


def test_check_at_scale_reports_each_slot_once() -> None:
    """1,000 synthetic papers: at most one overlap line per distinct time slot (pairwise, the
    report had 43,883 lines); a room double-booked in the generator's programme is still found."""
    from benchmarks.synth import programme as synthetic
    from confcal.check import check
    from confcal.load import parse

    loaded = parse(synthetic(1000, seed=1).encode(), name="synthetic.toml")
    findings = check(loaded)
    slots = {(e.start, e.end) for e in loaded.events}
    overlaps = [f for f in findings if f.code == "overlap"]
    assert 0 < len(overlaps) <= len(slots)


def test_the_generators_bigger_programme_is_as_well_planned_as_neurips() -> None:
    """Three times NeurIPS's size: the rooms scale with the programme, so no room is double-booked and
    nothing is outside the dates, as at 1× (the benchmark's 10× build warned of 2,300 clashes)."""
    from benchmarks.synth import programme as synthetic
    from confcal.load import parse
    from confcal.mistakes import build_warnings

    assert build_warnings(parse(synthetic(3 * 3540, seed=1).encode(), name="synthetic.toml")) == ()


DECLARED_KINDS = """
[kinds]
keynote = { label = "Keynote", plural = "Keynotes" }
social = { label = "Social event", plural = "Social events" }

[[items]]
id = "reception"
title = "Welcome reception"

[items.social]
start = 2024-06-02T19:00:00
end = 2024-06-02T21:00:00
room = "Bar"

[[items]]
id = "closing"
title = "Closing keynote"

[items.keynote]
start = 2024-06-06T09:00:00
end = 2024-06-06T10:00:00
room = "R1"
"""


def test_a_declared_kind_outside_the_dates_is_a_warning_like_a_talk(tmp_path: Path) -> None:
    """A welcome reception the evening before, a keynote the day after: satellite events, not
    mistakes; only a paper's oral or poster outside the dates is an error."""
    events = tmp_path / "events.toml"
    events.write_text(
        events_file(ORAL_A, slot("poster", "2024-06-04T10:00:00", "2024-06-04T11:00:00")) + DECLARED_KINDS
    )
    code, report = json_report(str(events))
    outside = [
        (f["severity"], f["events"][0]["id"]) for f in report["findings"] if f["code"] == "outside-dates"
    ]
    assert outside == [("warning", "reception.social"), ("warning", "closing.keynote")]
    assert code == 0
    assert json_report("--strict", str(events))[0] == 1


def test_a_double_booking_names_the_file_line_and_path_of_the_later_slot(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    text = events_file(ORAL_A, slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00"))
    events.write_text(text)
    line = text.splitlines().index("[papers.oral]", text.splitlines().index('id = "b"')) + 1
    code, output = run_check(str(events))
    assert code == 1
    assert output.splitlines()[1] == (
        f"  room-double-booked: {events}:{line}: papers[1].oral: "
        'R1 (L1) holds two events at once: a.oral "Paper A" '
        '(Mon 3 Jun 2024, 10:00–11:00 CEST) and b.oral "Paper B" (Mon 3 Jun 2024, 10:30–11:30 CEST)'
    )
    _, report = json_report(str(events))
    (finding,) = report["findings"]
    assert (finding["file"], finding["line"], finding["path"]) == (str(events), line, "papers[1].oral")


def test_a_slot_of_an_array_is_named_with_its_index(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    two_talks = (
        '\n[[papers.talk]]\nstart = 2024-06-04T09:00:00\nend = 2024-06-04T09:30:00\nroom = "R9"\n'
        "\n[[papers.talk]]\nstart = 2024-06-03T10:15:00\nend = 2024-06-03T10:45:00\n"
        'room = "R1"\nlevel = "L1"\n'
    )
    text = events_file(ORAL_A, two_talks)
    events.write_text(text)
    _, report = json_report(str(events))
    (finding,) = [f for f in report["findings"] if f["code"] == "room-double-booked"]
    assert finding["path"] == "papers[1].talk[1]"
    assert text.splitlines()[finding["line"] - 1] == "[[papers.talk]]"
    assert finding["line"] > text.splitlines().index("[[papers.talk]]") + 1


@pytest.mark.parametrize(
    "talk",
    [
        pytest.param(
            "\n[[papers.talk]]\nstart = 2024-06-03T10:15:00\nend = 2024-06-03T10:45:00\n"
            'room = "R1"\nlevel = "L1"\n',
            id="array of one table",
        ),
        pytest.param(
            "\ntalk = [{ start = 2024-06-03T10:15:00, end = 2024-06-03T10:45:00, "
            'room = "R1", level = "L1" }]\n',
            id="inline array of one table",
        ),
    ],
)
def test_a_slot_in_an_array_of_one_is_named_with_its_index(tmp_path: Path, talk: str) -> None:
    events = tmp_path / "events.toml"
    text = HEAD + paper("a", ORAL_A) + paper("b", talk)
    events.write_text(text)
    _, report = json_report(str(events))
    (finding,) = [f for f in report["findings"] if f["code"] == "room-double-booked"]
    assert finding["path"] == "papers[1].talk[0]"
    assert finding["line"] == text.splitlines().index(talk.splitlines()[1]) + 1


HALL_C2 = 'room = "Hall C2"\nlevel = "Level 1"'
A_IN_HALL_C2 = slot("oral", "2024-06-03T10:00:00", "2024-06-03T11:00:00", place=HALL_C2)
A_ORAL = 'a.oral "Paper A" (Mon 3 Jun 2024, 10:00–11:00 CEST)'
B_ORAL = 'b.oral "Paper B" (Mon 3 Jun 2024, 10:30–11:30 CEST)'


@pytest.mark.parametrize(
    ("place", "written"),
    [
        pytest.param('room = "hall c2"\nlevel = "Level 1"', "hall c2 (Level 1)", id="case"),
        pytest.param('room = "Hall  C2"\nlevel = "Level 1"', "Hall  C2 (Level 1)", id="doubled space"),
        pytest.param('room = "Hall C2"\nlevel = "level 1"', "Hall C2 (level 1)", id="level's case"),
        pytest.param('room = "Hall C2"', "Hall C2", id="without the level"),
    ],
)
def test_one_room_written_two_ways_is_a_warning_and_still_double_booked(
    tmp_path: Path, place: str, written: str
) -> None:
    """Hall C2 (Level 1) written another way for paper B's oral, at the time of paper A's there:
    one room, double-booked, and a warning at B's slot to write it one way."""
    events = tmp_path / "events.toml"
    text = events_file(A_IN_HALL_C2, slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00", place=place))
    events.write_text(text)
    lines = text.splitlines()
    line = lines.index("[papers.oral]", lines.index('id = "b"')) + 1
    where = f"{events}:{line}: papers[1].oral: "
    code, report = json_report(str(events))
    assert code == 1
    assert [
        (f["severity"], f["code"], f["message"], f["file"], f["line"], f["path"]) for f in report["findings"]
    ] == [
        (
            "error",
            "room-double-booked",
            f"{where}Hall C2 (Level 1) and {written}, one place written two ways, hold two events at once: "
            f"{A_ORAL} and {B_ORAL}",
            str(events),
            line,
            "papers[1].oral",
        ),
        (
            "warning",
            "room-name-variants",
            f"{where}{written!r} and 'Hall C2 (Level 1)' look like one room written two ways; "
            "write it one way (or declare it in [[rooms]] and use its id)",
            str(events),
            line,
            "papers[1].oral",
        ),
    ]


def test_a_room_written_two_ways_at_different_times_is_a_warning_alone(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    b_slot = slot("oral", "2024-06-04T10:00:00", "2024-06-04T11:00:00", place='room = "hall c2"')
    events.write_text(events_file(A_IN_HALL_C2, b_slot))
    code, report = json_report(str(events))
    assert code == 0
    assert [(f["severity"], f["code"]) for f in report["findings"]] == [("warning", "room-name-variants")]


@pytest.mark.parametrize(
    ("a_name", "b_name"),
    [
        pytest.param("Mei Chen", "mei chen", id="case"),
        pytest.param("Mei Chen", "Mei  Chen", id="spaces"),
        pytest.param("Tomás Ruiz", "Toma\u0301s Ruiz", id="composed and decomposed accent"),
    ],
)
def test_one_person_written_two_ways_is_in_two_places_at_once(
    tmp_path: Path, a_name: str, b_name: str
) -> None:
    """Paper A's author and paper B's, written two ways, one person: their orals overlap in two
    rooms. The finding names the file, line and TOML path of the later one's slot."""
    events = tmp_path / "events.toml"
    b_slot = slot("oral", "2024-06-03T10:30:00", "2024-06-03T11:30:00", place='room = "R2"')
    text = (
        events_file(ORAL_A, b_slot)
        .replace('authors = ["Author of A"]', f'authors = ["{a_name}"]')
        .replace('authors = ["Author of B"]', f'authors = ["{b_name}"]')
    )
    events.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = lines.index("[papers.oral]", lines.index('id = "b"')) + 1
    _, report = json_report(str(events))
    (person,) = [f for f in report["findings"] if f["code"] == "person-double-booked"]
    assert (person["severity"], person["file"], person["line"], person["path"]) == (
        "warning",
        str(events),
        line,
        "papers[1].oral",
    )
    also = "" if unicodedata.normalize("NFC", b_name) == a_name else f" (also written {b_name!r})"
    assert person["message"] == (
        f"{events}:{line}: papers[1].oral: {a_name}{also} is in two places at once: {A_ORAL}, {B_ORAL}"
    )


def test_an_online_slot_has_its_place(tmp_path: Path) -> None:
    """A slot joined by its url has a place, online, as its calendar event says: no no-place
    warning, so --strict passes. A streamed slot without a room still has none to go to."""
    online = 'url = "https://meet.example.org/a"'
    for place, expected in ((online, []), (f"{online}\nstreamed = true", [("error", "no-place")])):
        events = tmp_path / "events.toml"
        talk = slot("talk", "2024-06-03T10:00:00", "2024-06-03T11:00:00", place=place)
        events.write_text(HEAD + paper("a", talk), encoding="utf-8")
        code, report = json_report("--strict", str(events))
        assert [(f["severity"], f["code"]) for f in report["findings"]] == expected
        assert code == (1 if expected else 0)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2024-06-05T22:00:00", "2024-06-06T00:00:00", id="until midnight"),
        pytest.param("2024-06-05T23:00:00", "2024-06-06T01:00:00", id="past midnight"),
        pytest.param("2024-06-06T01:00:00", "2024-06-06T04:00:00", id="in the last night"),
    ],
)
def test_an_event_beginning_on_the_last_day_is_inside_the_dates(tmp_path: Path, start: str, end: str) -> None:
    """The conference's last evening: a poster session until 01:00 is on its last day, not after it
    (check reports nothing, so build warns of nothing)."""
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot("poster", start, end)))
    code, report = json_report(str(events))
    assert [f["code"] for f in report["findings"] if f["code"] == "outside-dates"] == []
    assert code == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2024-06-05T15:40:00", "2024-06-06T04:01:00", id="past the next day change"),
        pytest.param("2024-06-05T15:40:00", "2024-06-19T16:40:00", id="two weeks late"),
        pytest.param("2024-06-05T15:40:00", "2025-06-05T16:40:00", id="a year late"),
    ],
)
def test_an_oral_beginning_inside_the_dates_and_ending_late_is_outside(
    tmp_path: Path, start: str, end: str
) -> None:
    """An end typed a day, two weeks or a year late is still an error (one oral a year long)."""
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot("oral", start, end)))
    code, report = json_report(str(events))
    assert [f["code"] for f in report["findings"] if f["severity"] == "error"] == ["outside-dates"]
    assert code == 1


@pytest.mark.parametrize(
    ("kind", "start", "end", "hint"),
    [
        pytest.param(
            "talk", "2024-06-04T14:00:00", "2060-06-04T15:00:00", "longer than the conference", id="year typo"
        ),
        pytest.param(
            "talk",
            "2024-06-04T19:00:00",
            "2024-06-07T22:00:00",
            "lasts 75 h 00 min, longer than",
            id="75 hours",
        ),
        pytest.param(
            "talk", "2024-06-14T10:00:00", "2024-06-14T11:00:00", "more than 7 days away", id="day typo"
        ),
        pytest.param(
            "talk", "2023-06-03T10:00:00", "2023-06-03T11:00:00", "more than 7 days away", id="year early"
        ),
        pytest.param(
            "talk",
            "2024-06-02T19:00:00",
            "2024-06-19T11:00:00",
            "longer than the conference",
            id="from the eve, weeks",
        ),
    ],
)
def test_a_satellite_kind_with_a_date_typed_wrong_is_an_error(
    tmp_path: Path, kind: str, start: str, end: str, hint: str
) -> None:
    """A talk, keynote or social near the dates and outside them is a satellite event (a warning);
    one more than a week away from them, or one beginning before their end that lasts longer than
    the whole conference, is a date typed wrong: an error, which ``build`` warns of too."""
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot(kind, start, end)))
    code, report = json_report(str(events))
    (finding,) = [f for f in report["findings"] if f["code"] == "outside-dates"]
    assert (finding["severity"], code) == ("error", 1)
    assert hint in finding["message"]
    built = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0
    assert 'warning: outside-dates: b.talk "Paper B"' in built.output


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2024-05-27T10:00:00", "2024-05-27T11:00:00", id="a week before"),
        pytest.param("2024-06-12T10:00:00", "2024-06-12T23:00:00", id="a week after"),
        pytest.param("2024-06-02T19:00:00", "2024-06-03T02:00:00", id="the eve, into day one"),
        pytest.param("2024-06-05T22:00:00", "2024-06-06T05:00:00", id="a closing-night party"),
        pytest.param("2024-06-05T09:00:00", "2024-06-06T17:00:00", id="a workshop from the last day"),
        pytest.param("2024-06-11T09:00:00", "2024-06-14T17:00:00", id="three days, six days after"),
    ],
)
def test_a_satellite_talk_within_a_week_of_the_dates_is_a_warning(
    tmp_path: Path, start: str, end: str
) -> None:
    events = tmp_path / "events.toml"
    events.write_text(events_file(ORAL_A, slot("talk", start, end)))
    code, report = json_report(str(events))
    assert [(f["severity"], f["code"]) for f in report["findings"]] == [("warning", "outside-dates")]
    assert code == 0


STATUSES = [
    pytest.param([], [], 0, id="warnings and info only"),
    pytest.param(["--strict"], [], 1, id="a warning, with --strict"),
    pytest.param(
        [],
        [('room = "RO6-RO9"\nlevel = "Level 2"', 'room = "Hall C2"\nlevel = "Level 1"')],
        1,
        id="a double-booked room",
    ),
    pytest.param(
        [], [("end = 2023-12-12T12:45:00", "end = 2023-12-12T10:15:00")], 2, id="an end before its start"
    ),
    pytest.param([], [('id = "climsim"', 'id = "word2vec"')], 2, id="a duplicate id"),
    pytest.param(
        [], [('category = "test-of-time"', 'category = "test-of-tme"')], 2, id="an unknown category id"
    ),
    pytest.param([], [("[conference]", "[conference")], 2, id="not TOML"),
]


@pytest.mark.parametrize(("options", "edits", "status"), STATUSES)
def test_exit_status_is_0_clean_1_programme_errors_2_a_file_build_rejects_as_the_readme_says(
    tmp_path: Path, options: list[str], edits: list[tuple[str, str]], status: int
) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    code, output = run_check(*options, str(events))
    assert code == status, output
    assert ("  invalid: " in output) is (status == 2)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Checking a programme before publishing") :]
    said = section[section.index("Exit status:") :].split("\n\n")[0]
    meaning = {0: "no errors", 1: "the programme has errors", 2: "`invalid`"}[status]
    assert re.search(rf"\b{status} when [^;]*{re.escape(meaning)}", said.replace("\n", " ")), said


def imported_file(tmp_path: Path, *options: str) -> Path:
    """The events file `confcal import` writes from a pretalx schedule.xml (no venue, no city)."""
    from tests.test_import_stamp import SCHEDULE

    (tmp_path / "schedule.xml").write_text(SCHEDULE, encoding="utf-8")
    target = tmp_path / "events.toml"
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "schedule.xml"), "-o", str(target), *options])
    assert result.exit_code == 0, result.output
    return target


VENUE_PLACEHOLDER = (
    "the venue is still confcal import's placeholder 'Venue not given in the schedule': every event's "
    "LOCATION and the page would show it to attendees; write its name and address in conference.venue "
    "before publishing"
)
CITY_PLACEHOLDER = (
    "the city is still confcal import's placeholder 'City not given in the schedule': every event's "
    "description and the page would show it to attendees; write its name in conference.city before publishing"
)


def test_import_placeholders_are_warnings_with_their_place(tmp_path: Path) -> None:
    target = imported_file(tmp_path)
    lines = target.read_text(encoding="utf-8").split("\n")
    venue_line = lines.index('venue = "Venue not given in the schedule"') + 1
    city_line = lines.index('city = "City not given in the schedule"') + 1
    code, report = json_report(str(target))
    assert code == 0
    found = [f for f in report["findings"] if f["code"] == "placeholder"]
    assert found == [
        {
            "severity": "warning",
            "code": "placeholder",
            "message": f"{target}:{venue_line}: conference.venue: {VENUE_PLACEHOLDER}",
            "file": str(target),
            "path": "conference.venue",
            "line": venue_line,
        },
        {
            "severity": "warning",
            "code": "placeholder",
            "message": f"{target}:{city_line}: conference.city: {CITY_PLACEHOLDER}",
            "file": str(target),
            "path": "conference.city",
            "line": city_line,
        },
    ]
    code, output = run_check("--strict", str(target))
    assert code == 1
    assert "0 errors, 0 warnings" not in output


def test_build_warns_of_the_placeholders_until_they_are_filled_in(tmp_path: Path) -> None:
    target = imported_file(tmp_path, "--venue", "Kongresshalle, Am Kongress 1")
    _, report = json_report(str(target))
    assert [f["path"] for f in report["findings"] if f["code"] == "placeholder"] == ["conference.city"]
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (
        f"warning: placeholder: {CITY_PLACEHOLDER}; `confcal check` says where in the file\n" in result.output
    )
    text = target.read_text(encoding="utf-8")
    imported_at = datetime.fromisoformat(re.findall(r"(?m)^updated = (.*)$", text)[0])
    filled = text.replace("City not given in the schedule", "Leipzig")
    target.write_text(restamped(filled, f"{imported_at + timedelta(minutes=1):%Y-%m-%dT%H:%M:%SZ}"), "utf-8")
    _, report = json_report(str(target))
    assert [f for f in report["findings"] if f["code"] == "placeholder"] == []
    result = CliRunner().invoke(cli, ["build", str(target), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert "placeholder" not in result.output


def test_dates_typed_wrong_for_the_whole_conference_are_one_error(tmp_path: Path) -> None:
    """A year typed wrong in conference.start and .end: one error at conference.end naming the
    dates the events have, not one per event."""
    text = events_file(
        slot("talk", "2024-06-03T10:00:00", "2024-06-03T10:30:00"),
        slot("talk", "2024-06-04T10:00:00", "2024-06-04T10:30:00"),
    )
    text = text.replace("start = 2024-06-03\nend = 2024-06-05", "start = 2023-06-03\nend = 2023-06-05")
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    code, report = json_report(str(events))
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "outside-dates"]
    line = text.split("\n").index("end = 2023-06-05") + 1
    assert found == [
        {
            "severity": "error",
            "code": "outside-dates",
            "message": (
                f"{events}:{line}: conference.end: every event (2) is after the conference dates (Sat 3 Jun "
                "2023 – Mon 5 Jun 2023): the events run from Mon 3 Jun 2024 to Tue 4 Jun 2024; are "
                "conference.start and conference.end typed right?"
            ),
            "file": str(events),
            "path": "conference.end",
            "line": line,
        }
    ]
    one_inside = text.replace("2024-06-04T10", "2023-06-04T10")  # then each event outside is told
    events.write_text(one_inside, encoding="utf-8")
    _, report = json_report(str(events))
    assert [f["path"] for f in report["findings"] if f["code"] == "outside-dates"] == ["papers[0].talk"]


@pytest.mark.parametrize(
    ("zone", "offset", "reversed_offset", "other"),
    [
        ("Etc/GMT+1", "UTC-01:00", "UTC+01:00", "Etc/GMT-1"),
        ("Etc/GMT-9", "UTC+09:00", "UTC-09:00", "Etc/GMT+9"),
    ],
)
def test_a_fixed_offset_zone_is_a_warning_with_its_offset(
    tmp_path: Path, zone: str, offset: str, reversed_offset: str, other: str
) -> None:
    """'Etc/GMT+1' written for UTC+01:00 puts every event two hours off, silently: check and build
    say which offset it is, that POSIX reverses the sign, and that the place's zone is better."""
    text = HEAD + paper("a", slot("talk", "2024-06-03T10:00:00", "2024-06-03T10:30:00"))
    events = tmp_path / "events.toml"
    events.write_text(text.replace('timezone = "Europe/Berlin"', f'timezone = "{zone}"'), encoding="utf-8")
    code, output = run_check(str(events))
    assert code == 0
    line = text.split("\n").index('timezone = "Europe/Berlin"') + 1
    message = (
        f"fixed-offset-zone: {events}:{line}: conference.timezone: '{zone}' is the fixed offset {offset} "
        f"(POSIX writes the sign reversed: {reversed_offset} would be '{other}'), and a fixed offset has no "
        "clock changes: write the zone of the place (at "
    )
    assert message in output
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert f"warning: {message.replace(f'{events}:{line}: conference.timezone: ', '')}" in result.output
    for fine in ("Europe/Berlin", "Etc/UTC", "Etc/GMT"):
        events.write_text(
            text.replace('timezone = "Europe/Berlin"', f'timezone = "{fine}"'), encoding="utf-8"
        )
        assert "fixed-offset-zone" not in run_check(str(events))[1]


def test_every_event_just_after_the_dates_is_one_error(tmp_path: Path) -> None:
    """Talks within the week after the dates are each a warning (satellite events) beside events
    inside them; every event after the dates means the dates are wrong: one error at
    conference.end, which check exits 1 for."""
    text = events_file(
        slot("talk", "2024-06-06T10:00:00", "2024-06-06T10:30:00"),
        slot("talk", "2024-06-07T10:00:00", "2024-06-07T10:30:00"),
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    code, report = json_report(str(events))
    assert code == 1
    found = [(f["severity"], f["path"]) for f in report["findings"] if f["code"] == "outside-dates"]
    assert found == [("error", "conference.end")]
    one_inside = text.replace("2024-06-07T10", "2024-06-05T10")
    events.write_text(one_inside, encoding="utf-8")
    code, report = json_report(str(events))
    assert code == 0
    found = [(f["severity"], f["path"]) for f in report["findings"] if f["code"] == "outside-dates"]
    assert found == [("warning", "papers[0].talk")]
