"""The programme model beyond award papers: declared kinds, items, speakers, sessions, venues,
several slots of a kind; on the workshop in tests/programmes/workshop.toml (README's second example)."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from confcal.cli import cli
from confcal.errors import EventsFileError
from confcal.feeds import feeds, paper_feeds
from confcal.load import load, parse
from confcal.model import conference_day
from confcal.site import render_index
from tests.conftest import ROOT
from tests.helpers import parse_events, restamped

WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("workshop") / "out"
    result = CliRunner().invoke(cli, ["build", str(WORKSHOP), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def vevent(data: bytes, uid: str) -> str:
    """The unfolded text of one VEVENT."""
    text = data.decode().replace("\r\n ", "")
    start = text.index(f"UID:{uid}\r\n")
    return text[text.rindex("BEGIN:VEVENT", 0, start) : text.index("END:VEVENT", start)]


def test_a_keynote_is_a_keynote_with_its_speaker(built: Path) -> None:
    data = (built / "items" / "opening-keynote.ics").read_bytes()
    text = vevent(data, "learnsys-2026.opening-keynote.keynote@confcal")
    assert "SUMMARY:Keynote: Learning Systems That Explain Themselves\r\n" in text
    assert "Speakers: Amira Haddad (ETH Zürich)" in text
    assert "Authors" not in text
    assert "CATEGORIES:Keynote\r\n" in text
    assert (
        "CONFERENCE;FEATURE=VIDEO;LABEL=Stream;VALUE=URI:https://stream.example.org/learnsys-2026/keynote"
        in text
    )
    assert "Streamed and available virtually." in text
    page = (built / "index.html").read_text()
    assert '<p class="speakers">Speakers: Amira Haddad (ETH Zürich)</p>' in page
    assert 'href="items/opening-keynote.ics">Add this keynote to your calendar' in page
    assert not (built / "papers" / "opening-keynote.ics").exists()


def test_the_hack_night_crosses_midnight_and_the_clock_change_off_site(built: Path) -> None:
    data = (built / "all.ics").read_bytes()
    (event,) = [e for e in parse_events(data) if e.uid == "learnsys-2026.hack-night.social@confcal"]
    assert event.start == datetime(2026, 10, 24, 19, 0, tzinfo=UTC)  # 21:00 CEST
    assert event.end == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)  # 04:00 CET, after the clocks went back
    assert event.location == "Brauhaus am Markt, Marktplatz 5, 72070 Tübingen"
    assert event.summary == "Social event: Hack night"
    assert "Not streamed." in event.description
    agenda = CliRunner().invoke(cli, ["agenda", str(WORKSHOP), "--kind", "social"])
    assert agenda.exit_code == 0
    assert "Social event  Hack night" in agenda.output
    assert "Brauhaus am Markt" in agenda.output


def test_items_take_their_sessions_time_and_room(built: Path) -> None:
    events = {e.uid: e for e in parse_events((built / "all.ics").read_bytes())}
    poster = events["learnsys-2026.federated-eval.poster@confcal"]
    assert poster.start == datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    assert poster.location == "Foyer (Ground floor), poster board P3, Neue Aula, University of Tübingen"
    oral = events["learnsys-2026.cache-aware-training.oral@confcal"]
    assert oral.location == "Hörsaal 2, Neue Aula, University of Tübingen"
    assert oral.description.startswith("Best Student Paper Award\nOral session B: ")


def test_a_feed_of_sessions_holds_each_session_once_and_never_its_items(built: Path) -> None:
    programme = load(WORKSHOP)
    glance = parse_events((built / "at-a-glance.ics").read_bytes())
    uids = {e.uid for e in glance}
    assert {u for u in uids if u.endswith(".session@confcal")} == {
        f"learnsys-2026.{s}.session@confcal" for s in ("oral-a", "oral-b", "oral-c", "posters")
    }
    held = {f"learnsys-2026.{e.id}@confcal" for e in programme.events if e.session_id}
    assert not uids & held
    assert "learnsys-2026.hack-night.social@confcal" in uids  # items outside sessions stay
    everything = {e.uid for e in parse_events((built / "all.ics").read_bytes())}
    assert not {u for u in everything if u.endswith(".session@confcal")}
    posters = next(e for e in glance if e.uid == "learnsys-2026.posters.session@confcal")
    assert posters.summary == "Poster session"
    boards = re.findall(r"^Board (P\d): ", posters.description, flags=re.M)
    assert boards == ["P1", "P2", "P3", "P4", "P5"]
    oral_a = next(e for e in glance if e.uid == "learnsys-2026.oral-a.session@confcal")
    assert "Chair: Jonas Berg" in oral_a.description
    assert oral_a.start == datetime(2026, 10, 24, 8, 30, tzinfo=UTC)  # spans its items: 10:30–11:10 CEST
    assert oral_a.end == datetime(2026, 10, 24, 9, 10, tzinfo=UTC)


def test_moving_a_session_moves_its_items_and_its_event(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    moved = WORKSHOP.read_text(encoding="utf-8").replace("2026-10-25T13:00:00", "2026-10-25T14:00:00")
    moved = moved.replace("end = 2026-10-25T15:00:00", "end = 2026-10-25T16:00:00")
    events.write_text(moved.replace("updated = 2026-10-01T12:00:00Z", "updated = 2026-10-02T12:00:00Z"))
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out), "--format", "json"])
    assert "posters.session" in diff.output
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    glance = (out / "at-a-glance.ics").read_bytes()
    assert "SEQUENCE:1\r\n" in vevent(glance, "learnsys-2026.posters.session@confcal")
    assert "SEQUENCE:0\r\n" in vevent(glance, "learnsys-2026.oral-a.session@confcal")
    everything = (out / "all.ics").read_bytes()
    assert "SEQUENCE:1\r\n" in vevent(everything, "learnsys-2026.energy-budgets.poster@confcal")
    state = json.loads((out / "confcal-state.json").read_text())
    assert "posters.session" in json.dumps(state)
    changes = (out / "changes.html").read_text()
    assert "Moved: <a" in changes
    assert "Moved: Poster session, from Sun 25 Oct 2026, 13:00–15:00 CET to 14:00–16:00 CET." in changes


def test_several_slots_of_one_kind_get_their_own_stable_ids(tmp_path: Path) -> None:
    text = WORKSHOP.read_text(encoding="utf-8") + (
        '\n[[items]]\nid = "tutorial"\ntitle = "Profiling Learning Systems"\nspeakers = ["Jonas Berg"]\n'
        '\n[[items.talk]]\nsession = "Tutorial, part 1"\nstart = 2026-10-24T14:00:00\n'
        'end = 2026-10-24T15:30:00\nroom = "hs2"\n'
        '\n[[items.talk]]\nsession = "Tutorial, part 2"\nstart = 2026-10-24T16:00:00\n'
        'end = 2026-10-24T17:30:00\nroom = "hs2"\n'
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    parsed = parse_events((out / "items" / "tutorial.ics").read_bytes())
    assert [e.uid for e in parsed] == [
        "learnsys-2026.tutorial.talk@confcal",
        "learnsys-2026.tutorial.talk-2@confcal",
    ]
    assert [e.summary for e in parsed] == [
        "Tutorial, part 1: Profiling Learning Systems",
        "Tutorial, part 2: Profiling Learning Systems",
    ]
    again = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert again.exit_code == 0
    assert " 0 written" in again.output  # the state file reads the numbered ids back


def test_the_page_lists_items_under_their_sessions(built: Path) -> None:
    page = (built / "index.html").read_text()
    start = page.index('<li class="session" id="session-posters"')
    block = page[start : page.index("</ol></li>", start)]
    assert '<h4 class="session-name">Poster session</h4>' in block
    assert (
        '<p class="muted"><time datetime="2026-10-25T13:00:00+01:00" data-end="2026-10-25T15:00:00+01:00">'
        '13:00–15:00 CET</time> · <span class="about">Foyer, Ground floor</span>'
    ) in block
    assert block.count('<li class="event"') == 5
    oral_b = page[page.index('id="session-oral-b"') :]
    assert "Chair: Mei Chen (TU München)" in oral_b[: oral_b.index("</p>")]


def test_the_page_reads_right_for_items_without_authors(built: Path) -> None:
    page = (built / "index.html").read_text()
    coffee = page[page.index("<h4>Coffee break</h4>") :]
    coffee = coffee[: coffee.index("</li>")]
    assert '<p class="muted"></p>' not in coffee
    assert "Add this break to your calendar" in coffee
    heading = page.index("<h4>Coffee break</h4>")
    assert '· <span class="kind">Break</span></p>' in page[heading - 200 : heading]


WORKSHOP_TEXT = WORKSHOP.read_text(encoding="utf-8")
LATER = "2026-10-02T00:00:00Z"  # a publish.updated later than the workshop's


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "[items.social]",
            "[items.party]",
            "items[2].party: unknown table [items.party]: 'party' is not a kind (kinds: oral, poster, talk, "
            "keynote, break, social); declare it in the [kinds] table, e.g. "
            'party = { label = "Party", plural = "Parties" }',
        ),
        ('venue = "brauhaus"', 'venue = "brewery"', "unknown venue 'brewery' (defined: 'brauhaus')"),
        (
            'kind = "poster"',
            'kind = "posters"',
            "sessions[3].kind: unknown kind 'posters'; did you mean 'poster'? (defined: 'oral', 'poster', "
            "'talk', 'keynote', 'break', 'social')",
        ),
        ('id = "oral-c"', 'id = "hack-night"', "sessions[2].id: 'hack-night' is also an item's id"),
        (
            'break = { label = "Break", plural = "Breaks" }',
            'title = { label = "Title" }',
            "kinds.title: 'title' cannot be a kind (an item key)",
        ),
        ('events = "sessions"', 'events = "session"', "feeds[0].events: expected 'items' or 'sessions'"),
        ("\nstart = 2026-10-25T13:00:00\nend = 2026-10-25T15:00:00\n", "\n", "missing key 'start'"),
        (
            'room = "hs2"',
            'room = "hs3"',
            "unknown room 'hs3'; did you mean 'hs2'? (defined in [[rooms]]: 'hs1', 'hs2', 'foyer')",
        ),
        (
            'name = "Hörsaal 2"\ncapacity = 120',
            'name = "Hörsaal 2"\ncapacity = 0',
            "rooms[1].capacity: expected a positive number of seats, found 0",
        ),
    ],
)
def test_errors_in_the_new_tables(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in WORKSHOP_TEXT
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert message in result.output
    assert re.search(rf"{re.escape(str(events))}:\d+: ", result.output)
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def check_findings(tmp_path: Path, text: str) -> list[dict[str, object]]:
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(events), "--format", "json"])
    findings: list[dict[str, object]] = json.loads(result.output)["findings"]
    return findings


def codes(findings: list[dict[str, object]]) -> list[object]:
    return [f["code"] for f in findings if f["code"] not in ("overlap", "spans-clock-change", "no-category")]


def test_the_workshop_checks_clean_and_names_its_uncategorised_items(tmp_path: Path) -> None:
    findings = check_findings(tmp_path, WORKSHOP_TEXT)
    assert codes(findings) == []
    (loose,) = [f for f in findings if f["code"] == "no-category"]
    assert str(loose["message"]).startswith("6 items without a category, in all.ics only: opening-keynote,")


def test_posters_share_a_room_at_their_own_boards_but_not_a_board(tmp_path: Path) -> None:
    assert codes(check_findings(tmp_path, WORKSHOP_TEXT)) == []
    same_board = WORKSHOP_TEXT.replace('board = "P4"', 'board = "P3"')
    findings = check_findings(tmp_path, same_board)
    assert codes(findings) == ["room-double-booked"]
    assert "Foyer (Ground floor), poster board P3 holds two events at once" in str(findings[0]["message"])


def test_a_declared_room_is_double_booked_by_id(tmp_path: Path) -> None:
    """The keynote moved into Hörsaal 2 during a break there: one room, whatever the level says."""
    text = WORKSHOP_TEXT.replace(
        '[items.break]\nstart = 2026-10-24T10:00:00\nend = 2026-10-24T10:30:00\nroom = "foyer"',
        '[items.break]\nstart = 2026-10-24T09:30:00\nend = 2026-10-24T10:30:00\nroom = "hs1"',
    )
    assert text != WORKSHOP_TEXT
    findings = check_findings(tmp_path, text)
    assert codes(findings) == ["room-double-booked"]
    refs = findings[0]["events"]
    assert isinstance(refs, list)
    assert [ref["id"] for ref in refs] == ["opening-keynote.keynote", "coffee-saturday.break"]


def slot_line(text: str, item_id: str, header: str) -> int:
    """The line of ``header`` in the table of the item ``item_id``."""
    lines = text.splitlines()
    return lines.index(header, lines.index(f'id = "{item_id}"')) + 1


def test_a_person_in_two_places_at_once(tmp_path: Path) -> None:
    """Lena Vogt, author of sparse-routing (oral at 10:30 in Hörsaal 1), also on cache-aware-training,
    whose oral is at the same time in Hörsaal 2; written "lena  vogt" there, still one person. Each
    finding names the file, line and TOML path of the run's last slot."""
    text = WORKSHOP_TEXT.replace(
        'authors = ["Mei Chen", "Anton Weber"]', 'authors = ["Mei Chen", "lena  vogt"]'
    )
    findings = check_findings(tmp_path, text)
    events = tmp_path / "events.toml"
    people = [f for f in findings if f["code"] == "person-double-booked"]
    cache_aware = 'cache-aware-training.{} "Cache-Aware Training of Small Models"'
    sparse = 'sparse-routing.{} "Sparse Routing for Streaming Inference"'
    orals = f"{cache_aware.format('oral')} ({SAT_1030}), {sparse.format('oral')} ({SAT_1030})"
    posters = f"{cache_aware.format('poster')} ({SUN_13}), {sparse.format('poster')} ({SUN_13})"
    lena = "Lena Vogt (also written 'lena  vogt') is in two places at once"
    expected = []
    for kind, listed in (("oral", orals), ("poster", posters)):
        line, path = slot_line(text, "sparse-routing", f"[papers.{kind}]"), f"papers[0].{kind}"
        expected.append(("warning", str(events), line, path, f"{events}:{line}: {path}: {lena}: {listed}"))
    assert [(f["severity"], f["file"], f["line"], f["path"], f["message"]) for f in people] == expected


SAT_1030 = "Sat 24 Oct 2026, 10:30–10:50 CEST"
SUN_13 = "Sun 25 Oct 2026, 13:00–15:00 CET"


def test_a_chair_presenting_in_another_session_at_once(tmp_path: Path) -> None:
    """Jonas Berg chairs Oral session A and presents in it: fine. Chairing B instead is not."""
    assert "person-double-booked" not in codes(check_findings(tmp_path, WORKSHOP_TEXT))
    text = WORKSHOP_TEXT.replace('chair = "Jonas Berg"', "").replace(
        'chair = { name = "Mei Chen", affiliation = "TU München" }', 'chair = "Jonas Berg"'
    )
    findings = check_findings(tmp_path, text)
    (person,) = [f for f in findings if f["code"] == "person-double-booked"]
    line = slot_line(text, "federated-eval", "[items.oral]")
    assert (person["line"], person["path"]) == (line, "items[3].oral")
    assert person["message"] == (
        f"{tmp_path / 'events.toml'}:{line}: items[3].oral: Jonas Berg is in two places at once: "
        'oral-b.session "Oral session B" (Sat 24 Oct 2026, 10:30–11:10 CEST), '
        'federated-eval.oral "Federated Evaluation Without Shared Test Sets" '
        "(Sat 24 Oct 2026, 10:50–11:10 CEST)"
    )


def test_many_posters_of_one_author_in_one_session_are_one_finding(tmp_path: Path) -> None:
    text = WORKSHOP_TEXT
    for authors in ('["Mei Chen", "Anton Weber"]', '["Jonas Berg"]', '["Priya Natarajan", "Oskar Lind"]'):
        text = text.replace(f"authors = {authors}", 'authors = ["Sofia Marin"]')
    findings = [f for f in check_findings(tmp_path, text) if f["code"] == "person-double-booked"]
    posters = [f for f in findings if any(".poster" in ref["id"] for ref in f["events"])]  # type: ignore[attr-defined]
    assert len(posters) == 1
    assert [ref["id"] for ref in posters[0]["events"]] == [  # type: ignore[attr-defined]
        "cache-aware-training.poster",
        "energy-budgets.poster",
        "federated-eval.poster",
        "quantised-retrieval.poster",
    ]


ORAL_C = 'id = "oral-c"\nname = "Oral session C"\nkind = "oral"\nroom = "hs1"\n'
ENERGY_ORAL = 'session = "oral-c"\nstart = 2026-10-25T10:00:00\nend = 2026-10-25T10:20:00'
KEYNOTE = "[items.keynote]\nstart = 2026-10-24T09:00:00\nend = 2026-10-24T10:00:00"


def edited(*edits: tuple[str, str]) -> str:
    text = WORKSHOP_TEXT
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def session_time(start: str, end: str) -> tuple[str, str]:
    return ORAL_C, f"{ORAL_C}start = 2026-10-{start}\nend = 2026-10-{end}\n"


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        pytest.param(
            edited(
                session_time("24T10:00:00", "24T12:00:00"),
                (ENERGY_ORAL, 'session = "oral-c"\nstart = 2026-10-24T11:30:00\nend = 2026-10-24T11:50:00'),
            ),
            [("oral-c.session", "oral-a.session", "sessions[0]")],
            id="two sessions: C 10:00-12:00 and A's orals 10:30-11:10 in hs1",
        ),
        pytest.param(
            edited(
                session_time("25T09:30:00", "25T11:00:00"),
                (KEYNOTE, "[items.keynote]\nstart = 2026-10-25T10:30:00\nend = 2026-10-25T11:30:00"),
            ),
            [("oral-c.session", "opening-keynote.keynote", "items[0].keynote")],
            id="an item during a session's own time, after its one oral",
        ),
        pytest.param(
            edited(
                session_time("25T09:30:00", "25T11:00:00"),
                (KEYNOTE, "[items.keynote]\nstart = 2026-10-25T10:00:00\nend = 2026-10-25T10:30:00"),
            ),
            [("energy-budgets.oral", "opening-keynote.keynote", "items[0].keynote")],
            id="an item at the time of a session's oral: one finding, the two items",
        ),
        pytest.param(
            edited(
                (ENERGY_ORAL, 'session = "oral-c"\nstart = 2026-10-24T10:40:00\nend = 2026-10-24T11:00:00'),
            ),
            [
                ("sparse-routing.oral", "energy-budgets.oral", "items[5].oral"),
                ("energy-budgets.oral", "federated-eval.oral", "items[3].oral"),
            ],
            id="sessions spanning their orals, which clash: the orals only",
        ),
        pytest.param(
            edited(
                (
                    "[items.break]\nstart = 2026-10-24T10:00:00\nend = 2026-10-24T10:30:00",
                    "[items.break]\nstart = 2026-10-25T14:00:00\nend = 2026-10-25T14:30:00",
                )
            ),
            [],
            id="a break in the foyer during the poster session there: posters hold only their boards",
        ),
    ],
)
def test_a_session_holds_its_room_for_its_time(
    tmp_path: Path, text: str, pairs: list[tuple[str, str, str]]
) -> None:
    """A declared session's own event (its time and room, as feeds of sessions publish it) holds
    its room like an item: two sessions at once, or an item during another session's time, are
    one `room-double-booked` each, with the later one's table; its own items are inside it."""
    findings = [f for f in check_findings(tmp_path, text) if f["code"] == "room-double-booked"]
    events = tmp_path / "events.toml"
    lines = text.splitlines()
    expected = []
    for first, second, path in pairs:
        if path.startswith("sessions"):
            line = lines.index("[[sessions]]") + 1
        else:
            item = second.split(".")[0]
            line = lines.index(f"[items.{second.split('.')[1]}]", lines.index(f'id = "{item}"')) + 1
        expected.append((str(events), line, path, first, second))
    assert [
        (f["file"], f["line"], f["path"], *(ref["id"] for ref in f["events"]))  # type: ignore[attr-defined]
        for f in findings
    ] == expected
    assert all(f["severity"] == "error" for f in findings)


def test_two_sessions_at_once_in_one_room_are_an_error_and_a_build_warning(tmp_path: Path) -> None:
    """Oral session C given 10:00–12:00 on Saturday in Hörsaal 1, where Oral session A's orals run
    10:30–11:10: the feed of sessions would publish both there at once."""
    text = edited(
        session_time("24T10:00:00", "24T12:00:00"),
        (ENERGY_ORAL, 'session = "oral-c"\nstart = 2026-10-24T11:30:00\nend = 2026-10-24T11:50:00'),
    )
    message = (
        "Hörsaal 1 holds two events at once: "
        'oral-c.session "Oral session C" (Sat 24 Oct 2026, 10:00–12:00 CEST) '
        'and oral-a.session "Oral session A" (Sat 24 Oct 2026, 10:30–11:10 CEST)'
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    line = text.splitlines().index("[[sessions]]") + 1
    checked = CliRunner().invoke(cli, ["check", str(events)])
    assert checked.exit_code == 1
    assert checked.output.splitlines()[:2] == [
        "errors:",
        f"  room-double-booked: {events}:{line}: sessions[0]: {message}",
    ]
    built = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0
    assert built.stderr.splitlines() == [
        f"warning: room-double-booked: {message}; `confcal check` says where in the file"
    ]


def test_sessions_without_items_or_items_outside_their_session(tmp_path: Path) -> None:
    text = WORKSHOP_TEXT.replace(
        'session = "oral-c"\nstart = 2026-10-25T10:00:00', 'session = "posters"\nstart = 2026-10-25T10:00:00'
    )
    findings = check_findings(tmp_path, text)
    assert codes(findings) == ["empty-session", "outside-session"]
    messages = [str(f["message"]) for f in findings]
    assert "session 'oral-c' (Oral session C) holds no item" in messages
    assert any(
        m.startswith('energy-budgets.oral "Energy Budgets') and "outside its session 'Poster session'" in m
        for m in messages
    )


def test_reminders_with_a_feed_of_sessions(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(WORKSHOP), "-o", str(tmp_path / "out"), "--alarm", "15m"])
    assert result.exit_code == 0, result.output
    glance = (tmp_path / "out" / "reminders" / "at-a-glance.ics").read_bytes()
    assert vevent(glance, "learnsys-2026.posters.session@confcal").count("BEGIN:VALARM") == 1


def test_a_removed_item_without_a_category_is_kept_as_cancelled(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    start = WORKSHOP_TEXT.index('[[items]]\nid = "hack-night"')
    end = WORKSHOP_TEXT.index("[[papers]]", start)
    events.write_text(restamped(WORKSHOP_TEXT[:start] + WORKSHOP_TEXT[end:], LATER), encoding="utf-8")
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out), "--keep-cancelled"])
    assert "cancelled: hack-night.social" in diff.output
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out), "--keep-cancelled"]).exit_code == 0
    assert "STATUS:CANCELLED" in vevent(
        (out / "items" / "hack-night.ics").read_bytes(), "learnsys-2026.hack-night.social@confcal"
    )


def test_an_items_calendar_stays_where_it_is_when_it_gains_authors(tmp_path: Path) -> None:
    text = WORKSHOP_TEXT.replace(
        'title = "Learning Systems That Explain Themselves"',
        'title = "Learning Systems That Explain Themselves"\nauthors = ["Amira Haddad"]',
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")]).exit_code == 0
    assert (tmp_path / "out" / "items" / "opening-keynote.ics").exists()
    assert (tmp_path / "out" / "papers" / "federated-eval.ics").exists() is False
    assert (tmp_path / "out" / "items" / "federated-eval.ics").exists()


@pytest.mark.parametrize("recorded", [True, False], ids=["table-recorded", "state-before-tables"])
def test_a_removed_item_with_authors_is_kept_at_its_address(tmp_path: Path, recorded: bool) -> None:
    """An ``[[items]]`` entry with authors publishes under items/; removed and kept as cancelled,
    its cancellation must reach that calendar's subscribers, not a new papers/ address. A state
    file from before tables were recorded is read by the calendars it published."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    state = out / "confcal-state.json"
    if not recorded:
        text = re.sub(r', "table": "(papers|items)"', "", state.read_text(encoding="utf-8"))
        assert '"table"' not in text
        state.write_text(text, encoding="utf-8")
    start = WORKSHOP_TEXT.index('[[items]]\nid = "federated-eval"')
    end = WORKSHOP_TEXT.index("\n[[", start + 1) + 1
    events.write_text(restamped(WORKSHOP_TEXT[:start] + WORKSHOP_TEXT[end:], LATER), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(out), "--keep-cancelled"])
    assert result.exit_code == 0, result.output
    assert not (out / "papers" / "federated-eval.ics").exists()
    assert "STATUS:CANCELLED" in vevent(
        (out / "items" / "federated-eval.ics").read_bytes(), "learnsys-2026.federated-eval.oral@confcal"
    )


def test_every_missing_conference_key_is_reported_with_a_missing_table(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text('[conference]\nid = "x"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    for key in ("name", "start", "end", "venue", "city", "timezone", "publish"):
        assert f"missing key '{key}'" in result.output


def session_items(description: str) -> tuple[list[str], list[str]]:
    """The lines a session event lists under "In this session:" and under "Cancelled:"."""
    blocks = {block.split("\n", 1)[0]: block.split("\n")[1:] for block in description.split("\n\n")}
    return blocks.get("In this session:", []), blocks.get("Cancelled:", [])


def test_a_cancelled_item_is_marked_in_its_sessions_event(tmp_path: Path) -> None:
    """Subscribers of a feed of sessions learn of a cancelled poster only from the session's event:
    it lists the poster as cancelled, not as on the programme, and its LAST-MODIFIED moves; its
    SEQUENCE stays, since the session's own time and place did not change."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    uid = "learnsys-2026.posters.session@confcal"
    (before,) = [e for e in parse_events((out / "at-a-glance.ics").read_bytes()) if e.uid == uid]
    listed, cancelled = session_items(before.description)
    p3 = "Board P3: Federated Evaluation Without Shared Test Sets (Jonas Berg)"
    assert p3 in listed
    assert cancelled == []
    text = WORKSHOP_TEXT.replace('board = "P3"', 'board = "P3"\nstatus = "cancelled"')
    text = text.replace("updated = 2026-10-01T12:00:00Z", "updated = 2026-10-20T00:00:00Z")
    events.write_text(text, encoding="utf-8")
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out)])
    assert 'updated: posters.session "Poster session"' in diff.output.splitlines()
    assert "at-a-glance.ics" in diff.output.splitlines()[-1]
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    glance = (out / "at-a-glance.ics").read_bytes()
    (after,) = [e for e in parse_events(glance) if e.uid == uid]
    listed, cancelled = session_items(after.description)
    assert p3 not in listed
    assert [line for line in listed if line.startswith("Board ")] == [
        line for line in session_items(before.description)[0] if line != p3
    ]
    assert cancelled == [p3]
    block = vevent(glance, uid)
    assert "SEQUENCE:0\r\n" in block
    assert "LAST-MODIFIED:20261020T000000Z\r\n" in block
    assert "STATUS:CONFIRMED\r\n" in block  # the other posters are still on


def test_a_session_whose_items_are_all_cancelled_lists_them_as_cancelled(tmp_path: Path) -> None:
    text = WORKSHOP_TEXT
    for item in ("sparse-routing", "federated-eval"):
        start = text.index(f'id = "{item}"')
        oral = text.index('session = "oral-a"', start)
        text = text[:oral] + 'status = "cancelled"\n' + text[oral:]
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    glance = parse_events((out / "at-a-glance.ics").read_bytes())
    (oral_a,) = [e for e in glance if e.uid == "learnsys-2026.oral-a.session@confcal"]
    assert oral_a.summary == "Cancelled: Oral session A"
    listed, cancelled = session_items(oral_a.description)
    assert listed == []
    assert cancelled == [
        "10:30 Sparse Routing for Streaming Inference (Lena Vogt, Tomás Ruiz)",
        "10:50 Federated Evaluation Without Shared Test Sets (Jonas Berg)",
    ]


def test_an_item_retimed_or_moved_out_of_its_session_changes_the_sessions_event(tmp_path: Path) -> None:
    """A poster given its own hour inside the poster session shows it; one moved out is no longer listed."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    uid = "learnsys-2026.posters.session@confcal"
    text = WORKSHOP_TEXT.replace(
        'board = "P3"', 'board = "P3"\nstart = 2026-10-25T13:00:00\nend = 2026-10-25T14:00:00'
    )
    text = text.replace(
        'session = "posters"\nboard = "P5"',
        'board = "P5"\nstart = 2026-10-25T16:00:00\nend = 2026-10-25T17:00:00',
    )
    text = text.replace("updated = 2026-10-01T12:00:00Z", "updated = 2026-10-20T00:00:00Z")
    events.write_text(text, encoding="utf-8")
    diff = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out)])
    assert 'updated: posters.session "Poster session"' in diff.output.splitlines()
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    (after,) = [e for e in parse_events((out / "at-a-glance.ics").read_bytes()) if e.uid == uid]
    listed, _ = session_items(after.description)
    assert "Board P3, 13:00–14:00: Federated Evaluation Without Shared Test Sets (Jonas Berg)" in listed
    assert not [line for line in listed if "P5" in line]
    assert "Board P1: Sparse Routing for Streaming Inference (Lena Vogt, Tomás Ruiz)" in listed


def test_the_pages_feed_filter_counts_items_held_by_a_feed_of_sessions(built: Path) -> None:
    """ "At a glance" carries every item in a session through the session's event, so the page's
    feed filter shows them under it, with the items outside sessions it carries itself."""
    page = (built / "index.html").read_text()
    feeds = dict(re.findall(r'<li class="event[^"]*" id="([^"]+)"[^>]* data-feeds="([^"]*)"', page))
    programme = load(WORKSHOP)
    assert set(feeds) == {event.id for event in programme.events}
    shown = {event_id for event_id, ids in feeds.items() if "at-a-glance" in ids.split()}
    assert shown == {event.id for event in programme.events}  # in a session, or outside all of them


def test_add_this_names_each_kind_of_slot_once(tmp_path: Path) -> None:
    """A two-part talk is "its 2 talks", not "its talk and its talk"."""
    text = WORKSHOP_TEXT + (
        '\n[[papers]]\nid = "tutorial"\ncategory = "best-paper"\ntitle = "Profiling Learning Systems"\n'
        'authors = ["Jonas Berg"]\n'
        '\n[[papers.talk]]\nsession = "Tutorial"\nstart = 2026-10-24T14:00:00\n'
        'end = 2026-10-24T15:30:00\nroom = "hs2"\n'
        '\n[[papers.talk]]\nsession = "Tutorial"\nstart = 2026-10-24T16:00:00\n'
        'end = 2026-10-24T17:30:00\nroom = "hs2"\n'
        '\n[papers.poster]\nsession = "posters"\nboard = "P6"\n'
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    page = (out / "index.html").read_text()
    adds = set(re.findall(r'href="papers/tutorial.ics">Add this ([^<]*) to your calendar', page))
    assert adds == {"paper (its 2 talks and its poster)"}
    assert "Add this paper (its oral and its poster) to your calendar" in page


def test_sessions_that_start_together_are_listed_as_declared() -> None:
    """Oral sessions A and B run in parallel: the page lists A first, as the file declares them,
    whatever their items' ids."""
    programme = parse(WORKSHOP_TEXT.encode(), name="workshop.toml")
    page = render_index(programme, feeds=feeds(programme), papers=paper_feeds(programme)).decode()
    assert (
        page.index('id="session-oral-a"')
        < page.index('id="session-oral-b"')
        < page.index('id="session-oral-c"')
    )


def test_a_session_without_times_whose_items_fall_on_two_days(tmp_path: Path) -> None:
    """Oral session A has no start and end; with its second oral moved to Sunday 09:00 its one
    event ran from Saturday 10:30 to Sunday 09:20, through the night, without a word. `check`
    reports it as an error at the session's table, `build` warns and publishes it, and its
    event says on which day each item is."""
    oral = 'session = "oral-a"\nstart = 2026-10-24T10:50:00\nend = 2026-10-24T11:10:00'
    assert WORKSHOP_TEXT.count(oral) == 1
    text = WORKSHOP_TEXT.replace(
        oral, 'session = "oral-a"\nstart = 2026-10-25T09:00:00\nend = 2026-10-25T09:20:00'
    )
    events = tmp_path / "events.toml"
    events.write_text(text, encoding="utf-8")
    message = (
        'oral-a.session "Oral session A" (Sat 24 Oct 2026, 10:30 CEST–Sun 25 Oct 2026, 09:20 CET) lasts '
        "23 h 50 min, from its first item to its last: the session has no start and end, and its items "
        "begin on 2 days (Sat 24 Oct, Sun 25 Oct); give the session its own start and end, or split it "
        "into one session per day"
    )
    line = text.splitlines().index('id = "oral-a"')  # the line of its [[sessions]] (1-based)
    assert text.splitlines()[line - 1] == "[[sessions]]"

    checked = CliRunner().invoke(cli, ["check", str(events), "--format", "json"])
    assert checked.exit_code == 1
    (finding,) = [f for f in json.loads(checked.output)["findings"] if f["code"] == "session-spans-days"]
    assert finding["severity"] == "error"
    assert (finding["file"], finding["line"], finding["path"]) == (str(events), line, "sessions[0]")
    assert finding["message"] == f"{events}:{line}: sessions[0]: {message}"

    out = tmp_path / "out"
    built = CliRunner().invoke(cli, ["build", str(events), "-o", str(out)])
    assert built.exit_code == 0, built.output
    assert built.stderr.splitlines() == [
        f"warning: session-spans-days: {message}; `confcal check` says where in the file"
    ]
    glance = parse_events((out / "at-a-glance.ics").read_bytes())
    (oral_a,) = [e for e in glance if e.uid == "learnsys-2026.oral-a.session@confcal"]
    assert session_items(oral_a.description)[0] == [
        "Sat 24 Oct 10:30 Sparse Routing for Streaming Inference (Lena Vogt, Tomás Ruiz)",
        "Sun 25 Oct 09:00 Federated Evaluation Without Shared Test Sets (Jonas Berg)",
    ]

    own_time = text.replace(
        'name = "Oral session A"\n',
        'name = "Oral session A"\nstart = 2026-10-24T10:30:00\nend = 2026-10-25T09:20:00\n',
    )
    assert own_time != text
    assert "session-spans-days" not in codes(check_findings(tmp_path, own_time))


@pytest.mark.parametrize("name", ["Oral 6A LLMs", "Test of Time", "Oral session D", "test-of-time", "lunch"])
def test_a_session_name_that_is_no_declared_id_stays_free_text(tmp_path: Path, name: str) -> None:
    """In a file with [[sessions]], a value written like an id and close to a declared one is
    taken for a typo, and a declared session's name, or its id with capitals, for a mistake;
    other names, and ids far from any declared one, are the slot's own text."""
    events = tmp_path / "events.toml"
    events.write_text(WORKSHOP_TEXT.replace('session = "oral-c"', f'session = "{name}"', 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (oral,) = [e for e in load(events).events if e.paper == "energy-budgets" and e.kind == "oral"]
    assert (oral.session, oral.session_id, oral.room) == (name, "", "")


@pytest.mark.parametrize("written", ["Oral session A", "oral session a", "ORAL-A"])
def test_a_slot_that_names_a_declared_session_otherwise_than_by_its_id_is_refused(written: str) -> None:
    """It would take nothing from the session (no time, no room, not listed in it): its id is asked for."""
    text = WORKSHOP_TEXT.replace('session = "oral-c"', f'session = "{written}"', 1)
    with pytest.raises(EventsFileError) as caught:
        parse(text.encode(), name="events.toml")
    (problem,) = caught.value.problems
    line = text[: text.index(f'session = "{written}"')].count("\n") + 1
    assert (problem.path, problem.line) == ("items[5].oral.session", line)
    assert 'write session = "oral-a" to put this slot in it' in problem.message


def test_publish_updated_may_hold_seconds(tmp_path: Path) -> None:
    """A stamp, unlike an event's times, counts seconds: DTSTAMP keeps them."""
    events = tmp_path / "events.toml"
    events.write_text(
        WORKSHOP_TEXT.replace("updated = 2026-10-01T12:00:00Z", "updated = 2026-10-01T14:00:30+02:00"),
        encoding="utf-8",
    )
    assert load(events).conference.updated == datetime(2026, 10, 1, 12, 0, 30, tzinfo=UTC)
    result = CliRunner().invoke(cli, ["build", str(events), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    calendar = (tmp_path / "out" / "all.ics").read_text(encoding="utf-8")
    assert calendar.count("DTSTAMP:20261001T120030Z") == calendar.count("BEGIN:VEVENT") > 0


@pytest.mark.parametrize("fraction", [".0", ".000000"])
def test_whole_minutes_with_a_zero_fraction_rebuild_unchanged(tmp_path: Path, fraction: str) -> None:
    """Whole minutes, however many zeros follow them, are the times the state file and the
    VEVENTs keep: after a build, diff has nothing to publish."""
    events = tmp_path / "events.toml"
    start = "start = 2026-10-24T10:00:00"
    text = WORKSHOP_TEXT.replace(f"{start}\n", f"{start}{fraction}\n", 1)
    assert text != WORKSHOP_TEXT
    events.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(events), "-o", str(out)]).exit_code == 0
    result = CliRunner().invoke(cli, ["diff", str(events), "-o", str(out)])
    assert (result.exit_code, result.output) == (0, f"{out}: nothing to publish\n")


@pytest.mark.parametrize(
    ("start", "day"),
    [
        ("2026-10-24T01:00", "2026-10-24"),  # the first day has no night before it
        ("2026-10-24T09:00", "2026-10-24"),
        ("2026-10-25T03:59", "2026-10-24"),  # after midnight: the night before
        ("2026-10-25T04:00", "2026-10-25"),  # DAY_CHANGE starts the day
        ("2026-10-27T02:00", "2026-10-26"),  # the last day's night
        ("2026-10-23T23:00", "2026-10-23"),  # before the first day: a day of its own
        ("2026-10-23T02:00", "2026-10-22"),  # ... where the day change applies
    ],
)
def test_the_conference_day_of_a_start(start: str, day: str) -> None:
    """One rule for the schedule files' days and the days an import gives the conference
    (days change at 04:00 on the conference's clock, the first day has no night before it), on
    a naive start and on one in the conference's zone (25 October 2026: the clocks go back)."""
    first = date(2026, 10, 24)
    naive = datetime.fromisoformat(start)
    aware = naive.replace(tzinfo=ZoneInfo("Europe/Berlin"), fold=1)
    assert conference_day(naive, first=first) == conference_day(aware, first=first) == date.fromisoformat(day)


@pytest.mark.parametrize(
    ("label", "plural"),
    [
        ("Party", "Parties"),
        ("Ceremony", "Ceremonies"),
        ("Lunch", "Lunches"),
        ("Bus tour", "Bus tours"),
        ("Class", "Classes"),
        ("Day", "Days"),
        ("Coffee break", "Coffee breaks"),
        ("BoF", "BoFs"),
        ("FAQ", "FAQs"),
        ("Office hours", "Office hours"),
        ("Awards", "Awards"),
        ("Bus", "Buses"),
        ("Quiz", "Quizzes"),
        ("Pub quiz", "Pub quizzes"),
        ("Pop-quiz", "Pop-quizzes"),
        ("Whiz", "Whizzes"),
        ("Waltz", "Waltzes"),
        ("Topaz", "Topazes"),
        ("Buzz", "Buzzes"),
    ],
)
def test_a_kind_without_a_plural_takes_the_regular_english_one(
    tmp_path: Path, label: str, plural: str
) -> None:
    """The plural names the kind's feeds and headings: "Partys" would be on the page."""
    events = tmp_path / "events.toml"
    events.write_text(
        WORKSHOP_TEXT.replace(
            'break = { label = "Break", plural = "Breaks" }', f'break = {{ label = "{label}" }}'
        ),
        encoding="utf-8",
    )
    (kind,) = [kind for kind in load(events).kinds if kind.id == "break"]
    assert (kind.label, kind.plural) == (label, plural)
