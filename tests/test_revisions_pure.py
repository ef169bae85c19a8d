"""revise() on its own: the rules for SEQUENCE and LAST-MODIFIED, for any run of edits."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synth import programme as synthetic
from confcal import render, zones
from confcal.build import render_all
from confcal.feeds import feeds as all_feeds
from confcal.feeds import paper_feeds
from confcal.load import load, parse
from confcal.model import Programme, Revision, event_sort_key
from confcal.releases import Names, Release
from confcal.render import RenderCacheEntry
from confcal.revisions import revise
from confcal.site import render_index
from confcal.state import Entry, State, StateFile, dump_state, parse_state
from tests.helpers import conference_head

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = load(ROOT / "events.toml")
TARGET = PROGRAMME.events[0].id
START = datetime(2023, 12, 11, tzinfo=UTC)

# One edit of the target slot: shift in minutes (0 = same time as the shipped file) and a room.
edits = st.lists(st.tuples(st.sampled_from([-30, 0, 30, 90]), st.sampled_from(["", "Hall A", "Hall B"])))


def edited(shift: int, room: str, build: int) -> Programme:
    """The shipped programme with the target slot moved and re-roomed, stamped at ``build``."""
    events = tuple(
        dataclasses.replace(
            event,
            start=event.start + timedelta(minutes=shift),
            end=event.end + timedelta(minutes=shift),
            room=room,
        )
        if event.id == TARGET
        else event
        for event in PROGRAMME.events
    )
    conference = dataclasses.replace(PROGRAMME.conference, updated=START + timedelta(hours=build))
    return dataclasses.replace(PROGRAMME, events=events, conference=conference)


@settings(max_examples=30)
@given(edits)
def test_sequence_counts_the_builds_that_changed_the_slot(steps: list[tuple[int, str]]) -> None:
    state: State = {}
    previous: tuple[int, str] | None = None
    expected_sequence, expected_modified = 0, START
    for build, (shift, room) in enumerate(steps):
        revised = revise(edited(shift, room, build), state)
        if previous is None:
            expected_modified = START + timedelta(hours=build)
        elif (shift, room) != previous:
            expected_sequence += 1
            expected_modified = START + timedelta(hours=build)
        assert revised.revisions[TARGET].sequence == expected_sequence
        assert revised.revisions[TARGET].last_modified == expected_modified
        others = {i: r for i, r in revised.revisions.items() if i != TARGET}
        assert {r.sequence for r in others.values()} == {0}
        assert {r.last_modified for r in others.values()} == {START}
        if previous is None:
            assert {c.kind for c in revised.changes} == {"added"}
            assert len(revised.changes) == len(PROGRAMME.events)
        else:
            changed = {TARGET} if (shift, room) != previous else set()
            assert {c.id for c in revised.changes} == changed
        # The state survives its own file format.
        state = parse_state(dump_state(StateFile(revised.state)), name="state.json").events
        assert state == revised.state
        previous = (shift, room)


def test_revisions_reach_the_bytes_through_the_render_cache() -> None:
    large = parse(synthetic(papers=500, seed=3).encode(), name="synthetic.toml")
    cache: dict[str, RenderCacheEntry] = {}
    first = revise(large, {}, cache=cache)
    target = large.events[0]
    # Same inputs, another revision: the cached bodies complete with SEQUENCE 3, not 0.
    entry = first.state[target.id]
    third = dataclasses.replace(entry, revision=Revision(3, entry.revision.last_modified))
    again = render_all(revise(large, {**first.state, target.id: third}, cache=cache))
    assert again == render_all(revise(large, {**first.state, target.id: third}))
    assert again["all.ics"].count(b"SEQUENCE:3\r\n") == 1
    moved = dataclasses.replace(
        large,
        events=(dataclasses.replace(target, start=target.start + timedelta(minutes=30)), *large.events[1:]),
        conference=dataclasses.replace(
            large.conference, updated=large.conference.updated + timedelta(days=1)
        ),
    )
    revised = revise(moved, first.state)
    assert revised.revisions[target.id].sequence == 1
    expected = render_all(revised)
    assert render_all(revise(moved, first.state, cache=cache)) == expected
    assert expected["all.ics"].count(b"SEQUENCE:1\r\n") == 1


WORKSHOP = (ROOT / "tests" / "programmes" / "workshop.toml").read_text(encoding="utf-8")
KNEIPE = '[[venues]]\nid = "kneipe"\nname = "Kneipe am Fluss"\naddress = "Ufer 1, 72070 Tübingen"\n\n'


def workshop(
    build: int,
    *,
    venue: str = "brauhaus",
    address: str = "Marktplatz 5",
    social: bool = True,
    title: str = "Sparse Routing for Streaming Inference",
) -> Programme:
    """The workshop, stamped at ``build``, its hack night at ``venue``, the Brauhaus at
    ``address``, with the paper sparse-routing's ``title``."""
    text = WORKSHOP.replace("[[venues]]\n", KNEIPE + "[[venues]]\n", 1)
    text = text.replace('title = "Sparse Routing for Streaming Inference"', f'title = "{title}"')
    text = text.replace('venue = "brauhaus"', f'venue = "{venue}"').replace("Marktplatz 5", address)
    if not social:
        start = text.index('[[items]]\nid = "hack-night"')
        text = text[:start] + text[text.index("\n[[", start + 1) + 1 :]
    programme = parse(text.encode(), name="workshop.toml")
    conference = dataclasses.replace(
        programme.conference, updated=START + timedelta(hours=build), keep_cancelled=True
    )
    return dataclasses.replace(programme, conference=conference)


def test_a_slot_moved_to_another_venue_is_a_place_change() -> None:
    """Another building is another place: SEQUENCE goes up and the change names both venues. So
    is a venue whose address changed under the same id (what LOCATION says moved); a cancelled
    slot kept in the feeds keeps its venue."""
    first = revise(workshop(0), {})
    assert first.state["hack-night.social"].event.venue == "brauhaus"
    state = parse_state(dump_state(StateFile(first.state)), name="state.json").events
    moved = revise(workshop(1, venue="kneipe"), state)
    revision = moved.revisions["hack-night.social"]
    assert (revision.sequence, revision.last_modified) == (1, START + timedelta(hours=1))
    assert revision.notice == "Place changed: was Brauhaus am Markt, Marktplatz 5, 72070 Tübingen."
    assert [(c.kind, c.id, c.old, c.new) for c in moved.changes] == [
        (
            "re-roomed",
            "hack-night.social",
            "Brauhaus am Markt, Marktplatz 5, 72070 Tübingen",
            "Kneipe am Fluss, Ufer 1, 72070 Tübingen",
        )
    ]
    readdressed = revise(workshop(2, address="Marktplatz 6"), state)
    assert readdressed.revisions["hack-night.social"].sequence == 1
    assert [(c.kind, c.id, c.old, c.new) for c in readdressed.changes] == [
        (
            "re-roomed",
            "hack-night.social",
            "Brauhaus am Markt, Marktplatz 5, 72070 Tübingen",
            "Brauhaus am Markt, Marktplatz 6, 72070 Tübingen",
        )
    ]
    gone = revise(workshop(3, social=False), state)
    kept = next(e for e in gone.programme.events if e.id == "hack-night.social")
    assert (kept.status, kept.venue) == ("cancelled", "brauhaus")
    location = "\r\nLOCATION:Brauhaus am Markt\\, Marktplatz 5\\, 72070 Tübingen\r\n"
    assert location.encode() in gone.blocks[kept.id]


def test_a_state_file_without_venues_moves_no_sequence_on_upgrade() -> None:
    """A state file from before venues were recorded: a moved venue shows as changed text once
    (SEQUENCE stays, as it did then), and the state the build writes records the venue."""
    first = revise(workshop(0), {})
    written = dump_state(StateFile(first.state)).decode()
    legacy = re.sub(r', "(venue|where)": "[^"]*"', "", written)
    assert '"venue"' not in legacy
    assert '"where"' not in legacy
    state = parse_state(legacy.encode(), name="state.json").events
    assert not state["hack-night.social"].venue_known
    same = revise(workshop(1), state)
    assert [r.sequence for r in same.revisions.values()] == [0] * len(same.revisions)
    assert same.changes == ()
    moved = revise(workshop(1, venue="kneipe"), state)
    assert moved.revisions["hack-night.social"].sequence == 0
    assert [(c.kind, c.id) for c in moved.changes] == [("updated", "hack-night.social")]
    assert moved.state["hack-night.social"].venue_known


def test_a_state_file_without_places_moves_no_sequence_on_upgrade() -> None:
    """A state file from before places were recorded (venue ids only): a venue's new address
    shows as changed text once, as it did then, and the state the build writes records it."""
    first = revise(workshop(0), {})
    legacy = re.sub(r', "where": "[^"]*"', "", dump_state(StateFile(first.state)).decode())
    assert '"where"' not in legacy
    state = parse_state(legacy.encode(), name="state.json").events
    assert state["hack-night.social"].where is None
    readdressed = revise(workshop(1, address="Marktplatz 6"), state)
    assert {r.sequence for r in readdressed.revisions.values()} == {0}
    assert [(c.kind, c.id) for c in readdressed.changes] == [("updated", "hack-night.social")]
    where = readdressed.state["hack-night.social"].where
    assert where == "Brauhaus am Markt, Marktplatz 6, 72070 Tübingen"


def test_a_rooms_building_is_its_place() -> None:
    """A room given its own building (``address``) moves every slot in it: SEQUENCE goes up and
    the change names both. A state file that did not record the conference's own venue takes a
    new one as other text (LAST-MODIFIED moves, SEQUENCE stays): nothing says what it was."""
    first = revise(workshop(0), {})
    state = parse_state(dump_state(StateFile(first.state)), name="state.json").events
    assert state["hack-night.social"].where == "Brauhaus am Markt, Marktplatz 5, 72070 Tübingen"
    annex = _stamped(WORKSHOP.replace('name = "Foyer"\n', 'name = "Foyer"\naddress = "Wilhelmstraße 5"\n', 1))
    rehoused = revise(annex, state)
    in_foyer = sorted(e.id for e in (*annex.events, *annex.session_events) if e.room_id == "foyer")
    assert in_foyer
    assert sorted(c.id for c in rehoused.changes if c.kind == "re-roomed") == in_foyer
    change = next(c for c in rehoused.changes if c.id == "posters.session")
    assert (change.old, change.new) == ("Foyer (Ground floor)", "Foyer (Ground floor), Wilhelmstraße 5")
    assert all(rehoused.revisions[event_id].sequence == 1 for event_id in in_foyer)
    reworded = revise(_stamped(WORKSHOP.replace("Neue Aula, University", "Neue Aula, Universität")), state)
    assert {c.kind for c in reworded.changes} == {"updated"}
    assert {r.sequence for r in reworded.revisions.values()} == {0}


def test_the_conference_moving_is_a_place_change_of_every_slot_there() -> None:
    """The conference's own venue is part of what LOCATION names after a place at it: a new one
    raises those slots' SEQUENCE and tells them re-roomed, naming both LOCATIONs. A slot elsewhere
    (an off-site venue) or at no place names no venue there: its other text changed (the footer)."""
    programme = workshop(0)
    old_venue = programme.conference.venue
    new_venue = old_venue.replace("Neue Aula", "Alte Aula")
    assert new_venue != old_venue
    first = revise(programme, {})
    moved = revise(_stamped(WORKSHOP.replace(old_venue, new_venue)), first.state, venue=old_venue)
    events = (*programme.events, *programme.session_events)
    at_venue = sorted(e.id for e in events if e.place and render.where(programme, e) == e.place)
    assert at_venue
    assert "hack-night.social" not in at_venue
    assert sorted(c.id for c in moved.changes if c.kind == "re-roomed") == at_venue
    assert {moved.revisions[event_id].sequence for event_id in at_venue} == {1}
    others = {c.id: c.kind for c in moved.changes if c.id not in at_venue}
    assert others
    assert set(others.values()) == {"updated"}
    assert all(moved.revisions[event_id].sequence == 0 for event_id in others)
    change = next(c for c in moved.changes if c.id == "posters.session")
    assert (change.old, change.new) == (
        f"Foyer (Ground floor), {old_venue}",
        f"Foyer (Ground floor), {new_venue}",
    )
    assert (
        moved.revisions["posters.session"].notice == f"Place changed: was Foyer (Ground floor), {old_venue}."
    )
    again = revise(_stamped(WORKSHOP), first.state, venue=old_venue)
    assert again.changes == ()


def _stamped(text: str) -> Programme:
    """The workshop's events file ``text``, stamped an hour after the first build."""
    programme = parse(text.encode(), name="workshop.toml")
    conference = dataclasses.replace(programme.conference, updated=START + timedelta(hours=1))
    return dataclasses.replace(programme, conference=conference)


def test_a_sessions_span_is_news_only_where_a_feed_publishes_it() -> None:
    """An oral moved later stretches its session's own event. Without a feed of sessions no
    subscriber has that event: the oral's move is the one change told. With one, both are."""
    without_feed = re.sub(r'\[\[feeds\]\]\nid = "at-a-glance"\n[^\[]*', "", WORKSHOP)
    assert 'events = "sessions"' not in without_feed
    slot = "start = 2026-10-24T10:50:00\nend = 2026-10-24T11:10:00"
    for text, told in (
        (without_feed, [("moved", "federated-eval.oral")]),
        (WORKSHOP, [("moved", "federated-eval.oral"), ("moved", "oral-a.session")]),
    ):
        first = revise(parse(text.encode(), name="workshop.toml"), {})
        later = text.replace(slot, "start = 2026-10-24T11:10:00\nend = 2026-10-24T11:30:00", 1)
        assert later != text
        moved = revise(_stamped(later), first.state)
        assert sorted((c.kind, c.id) for c in moved.changes) == told
        assert moved.revisions["oral-a.session"].sequence == 1  # kept right for a feed added later


def test_a_talks_new_session_name_renames_it() -> None:
    """A talk's SUMMARY is "<session>: <title>": a new session name is a new name, so SEQUENCE
    goes up and the change says what it was called; the title alone is told as before."""
    award = (ROOT / "events.toml").read_text(encoding="utf-8")
    first = revise(parse(award.encode(), name="events.toml"), {})
    renamed = revise(
        _stamped(award.replace('session = "Test of Time"', 'session = "Test of Time Award"')), first.state
    )
    assert renamed.revisions["word2vec.talk"].sequence == 1
    assert [str(c) for c in renamed.changes] == [
        'renamed: word2vec.talk "Test of Time: Distributed Representations of Words and Phrases and their '
        'Compositionality" → "Test of Time Award: Distributed Representations of Words and Phrases and their '
        'Compositionality"'
    ]
    assert renamed.revisions["word2vec.talk"].notice.startswith("Renamed: was “Test of Time: Distributed")
    retitled = revise(
        _stamped(award.replace("and their Compositionality", "and Their Compositionality")), first.state
    )
    assert [(c.kind, c.old, c.new) for c in retitled.changes] == [
        (
            "renamed",
            "Distributed Representations of Words and Phrases and their Compositionality",
            "Distributed Representations of Words and Phrases and Their Compositionality",
        )
    ]


def test_a_change_under_the_last_releases_stamp_warns() -> None:
    """Two builds with one stamp, each changing another slot: the second adds its change to the
    release changes.atom already announced under that id and time, so it warns; a later stamp
    gives a release of its own and no warning."""
    state = revise(workshop(0), {})
    first = revise(workshop(1, venue="kneipe"), state.state)
    assert first.releases
    assert not first.stale_stamp
    retitled = workshop(1, venue="kneipe", title="Sparse Routing")
    again = revise(retitled, first.state, releases=first.releases)
    assert "sparse-routing.oral" in {c.id for c in again.changes}
    assert again.stale_stamp
    assert [r.stamp for r in again.releases] == [START + timedelta(hours=1)]
    later = revise(workshop(2, venue="kneipe", title="Sparse Routing"), first.state, releases=first.releases)
    assert later.changes
    assert not later.stale_stamp
    assert len(later.releases) == 2


def test_a_kept_cancellation_outlives_its_removed_category() -> None:
    """With keep_cancelled, a paper withdrawn together with its award category stays in all.ics
    and its own feed as cancelled (the category's feed is gone), instead of vanishing."""
    first = revise(workshop(0), {})
    text = WORKSHOP.replace(
        '[[categories]]\nid = "best-student-paper"\nname = "Best Student Paper Award"\n\n', ""
    )
    start = text.index('[[papers]]\nid = "cache-aware-training"')
    text = text[:start] + text[text.index("\n[[", start + 1) + 1 :]
    withdrawn = parse(text.encode(), name="workshop.toml")
    conference = dataclasses.replace(
        withdrawn.conference, updated=START + timedelta(hours=1), keep_cancelled=True
    )
    revised = revise(dataclasses.replace(withdrawn, conference=conference), first.state)
    kept = [e for e in revised.programme.events if e.paper == "cache-aware-training"]
    assert [(e.kind, e.status) for e in kept] == [("oral", "cancelled"), ("poster", "cancelled")]
    assert {(c.kind, c.id) for c in revised.changes} >= {("cancelled", e.id) for e in kept}
    assert revised.programme.paper("cache-aware-training").category == ""
    feeds = {f.filename: f for f in (*all_feeds(revised.programme), *paper_feeds(revised.programme))}
    assert {e.id for e in kept} <= {e.id for e in feeds["all.ics"].events}
    assert {e.id for e in feeds["papers/cache-aware-training.ics"].events} == {e.id for e in kept}
    assert not any(name.startswith("best-student-paper") for name in feeds)
    for event in kept:
        assert b"\r\nSTATUS:CANCELLED\r\n" in revised.blocks[event.id]


def test_any_change_under_a_published_stamp_warns() -> None:
    """Right after a first build, with the stamp not bumped: a text edit (LAST-MODIFIED cannot
    move) and a removal both warn; the same edits under a later stamp do not."""
    first = revise(PROGRAMME, {})
    paper = PROGRAMME.papers[0]
    edited = dataclasses.replace(paper, abstract=paper.abstract + " More.")
    text_edit = dataclasses.replace(PROGRAMME, papers=(edited, *PROGRAMME.papers[1:]))
    removal = dataclasses.replace(PROGRAMME, events=PROGRAMME.events[1:])
    for changed in (text_edit, removal):
        revised = revise(changed, first.state)
        assert revised.changes
        assert revised.stale_stamp
        later = dataclasses.replace(
            changed.conference, updated=changed.conference.updated + timedelta(hours=1)
        )
        assert not revise(dataclasses.replace(changed, conference=later), first.state).stale_stamp
    assert not revise(PROGRAMME, first.state).stale_stamp


def test_a_kept_cancellation_whose_venue_is_deleted_stays_at_its_venue() -> None:
    """The hack night, kept as cancelled, then its unused venue deleted: it still names the venue
    it was published at (the state file's place), so nothing changes, not even LAST-MODIFIED."""
    state = revise(workshop(0), {}).state
    gone = revise(workshop(1, social=False), state)
    assert gone.revisions["hack-night.social"].sequence == 1
    brauhaus = '[[venues]]\nid = "brauhaus"\nname = "Brauhaus am Markt"\n'
    brauhaus += 'address = "Marktplatz 5, 72070 Tübingen"\n\n'
    without = workshop(2, social=False)
    text = WORKSHOP.replace(brauhaus, "")
    start = text.index('[[items]]\nid = "hack-night"')
    text = text[:start] + text[text.index("\n[[", start + 1) + 1 :]
    parsed = parse(text.encode(), name="workshop.toml")
    unused = dataclasses.replace(parsed, conference=without.conference)
    revised = revise(unused, gone.state, releases=gone.releases)
    assert revised.revisions["hack-night.social"] == gone.revisions["hack-night.social"]
    assert revised.changes == ()
    assert "Cancelled on" in revised.revisions["hack-night.social"].notice
    location = "\r\nLOCATION:Brauhaus am Markt\\, Marktplatz 5\\, 72070 Tübingen\r\n"
    assert location.encode() in revised.blocks["hack-night.social"]
    assert revised.blocks["hack-night.social"] == gone.blocks["hack-night.social"]


def test_a_kept_item_stays_in_its_session() -> None:
    """A session's item dropped from the file and kept as cancelled: a feed of sessions holds it
    only through the session's event, which lists it as cancelled, never as an event of its own."""
    state = revise(workshop(0), {}).state
    assert state["sparse-routing.oral"].event.session_id == "oral-a"
    text = WORKSHOP
    start = text.index('[[papers]]\nid = "sparse-routing"')
    text = text[:start] + text[text.index("\n[[papers]]", start + 1) + 1 :]
    parsed = parse(text.encode(), name="workshop.toml")
    kept = dataclasses.replace(parsed, conference=workshop(1).conference)
    revised = revise(kept, parse_state(dump_state(StateFile(state)), name="s.json").events)
    glance = next(f for f in all_feeds(revised.programme) if f.filename == "at-a-glance.ics")
    ids = {e.id for e in glance.events}
    assert not ids & {"sparse-routing.oral", "sparse-routing.poster"}
    session = revised.programme.paper("oral-a")
    assert "Cancelled:" in session.note
    assert "Sparse Routing for Streaming Inference" in session.note.split("Cancelled:")[1]


def _kept(text: str, build: int) -> Programme:
    parsed = parse(text.encode(), name="workshop.toml")
    return dataclasses.replace(parsed, conference=workshop(build).conference)  # keep_cancelled


def test_a_kept_item_neither_stretches_its_session_nor_doubles_its_anchor() -> None:
    """Oral session A (no times of its own): one talk moves to the next day, the other is deleted
    and kept as cancelled. The session spans its live talk only, lists the kept one as
    cancelled, and the page gives each of its two headings its own anchor."""
    state = revise(workshop(0), {}).state
    text = WORKSHOP.replace(
        "start = 2026-10-24T10:30:00\nend = 2026-10-24T10:50:00",
        "start = 2026-10-25T11:00:00\nend = 2026-10-25T11:20:00",
        1,
    )
    dropped = '\n[items.oral]\nsession = "oral-a"\nstart = 2026-10-24T10:50:00\nend = 2026-10-24T11:10:00\n'
    assert text.count(dropped) == 1
    revised = revise(_kept(text.replace(dropped, ""), 1), state)
    session = next(e for e in revised.programme.session_events if e.session_id == "oral-a")
    assert (session.start.isoformat(), session.end.isoformat()) == (
        "2026-10-25T11:00:00+01:00",
        "2026-10-25T11:20:00+01:00",
    )
    assert "Federated Evaluation" in revised.programme.paper("oral-a").note.split("Cancelled:")[1]
    programme = revised.programme
    page = render_index(programme, feeds=all_feeds(programme), papers=paper_feeds(programme))
    ids = re.findall(rb'<li class="session" id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert b"session-oral-a" in ids


def test_a_kept_item_of_a_deleted_session_stays_out_of_feeds_of_sessions() -> None:
    """Oral session C deleted with its one talk: the talk, kept as cancelled, is in all.ics, but
    never in a feed of sessions, whose subscribers only ever had the session's event."""
    state = revise(workshop(0), {}).state
    session = '[[sessions]]\nid = "oral-c"\nname = "Oral session C"\nkind = "oral"\nroom = "hs1"\n\n'
    talk = '\n[items.oral]\nsession = "oral-c"\nstart = 2026-10-25T10:00:00\nend = 2026-10-25T10:20:00\n'
    assert WORKSHOP.count(session) == WORKSHOP.count(talk) == 1
    revised = revise(_kept(WORKSHOP.replace(session, "").replace(talk, ""), 1), state)
    feeds = {f.filename: {e.id for e in f.events} for f in all_feeds(revised.programme)}
    assert "energy-budgets.oral" in feeds["all.ics"]
    assert "energy-budgets.oral" not in feeds["at-a-glance.ics"]
    assert "oral-c.session" not in feeds["at-a-glance.ics"]


REPEATED_HOUR = (
    conference_head(start="2026-10-24", end="2026-10-26", timezone="Etc/UTC")
    + """
[[items]]
id = "stays"
title = "Stays"
[items.talk]
start = 2026-10-24T10:00:00
end = 2026-10-24T11:00:00
"""
)
LATE = """
[[items]]
id = "late"
title = "Late"
[items.talk]
start = 2026-10-25T01:30:00
end = 2026-10-25T01:50:00
"""


def test_a_kept_cancellation_in_a_repeated_hour_is_not_moved_at_every_build() -> None:
    """A slot published at 01:30 UTC on 25 October 2026, then deleted (kept as cancelled) once the
    conference is in Berlin, where that is 02:30 CET, in the hour the clocks show twice. Later
    builds tell nothing of it: a time in a repeated hour never equals one in another zone, so a
    comparison with the state file's UTC time said it moved, to the same time, at every build."""
    first = revise(parse((REPEATED_HOUR + LATE).encode(), name="events.toml"), {})
    berlin = REPEATED_HOUR.replace('"Etc/UTC"', '"Europe/Berlin"')
    deleted = revise(_stamped(berlin), first.state)
    kept = deleted.programme.events[-1]
    assert (kept.id, kept.status, kept.start.fold) == ("late.talk", "cancelled", 1)
    assert ("cancelled", "late.talk") in [(c.kind, c.id) for c in deleted.changes]
    assert ("moved", "late.talk") not in [(c.kind, c.id) for c in deleted.changes]
    later = dataclasses.replace(_stamped(berlin).conference, updated=START + timedelta(hours=2))
    again = revise(dataclasses.replace(_stamped(berlin), conference=later), deleted.state)
    assert again.changes == ()
    assert {event_id: (r.sequence, r.last_modified) for event_id, r in again.revisions.items()} == {
        event_id: (entry.revision.sequence, entry.revision.last_modified)
        for event_id, entry in deleted.state.items()
    }


TARGET_ORAL = "sparse-routing.oral"
# Its start: as in the file (10:30 CEST), and 02:30 on either side of the clock change (CEST, then CET).
ORAL_STARTS = [
    datetime(2026, 10, 24, 8, 30, tzinfo=UTC),
    *(datetime(2026, 10, 25, hour, 30, tzinfo=UTC) for hour in (0, 1)),
]
oral_edits = st.fixed_dictionaries(
    {
        "start": st.sampled_from(ORAL_STARTS),
        "room": st.sampled_from(["hs1", "hs2"]),
        "venue": st.sampled_from(["", "brauhaus"]),
        "status": st.sampled_from(["confirmed", "cancelled"]),
        "title": st.sampled_from(["Sparse Routing for Streaming Inference", "Sparse Routing"]),
        "label": st.sampled_from(["Oral", "Plenary talk"]),
        "abstract": st.sampled_from(["", "Routes sparsely."]),
        "present": st.booleans(),
        "keep": st.booleans(),
    }
)


def with_oral(build: int, edit: dict[str, Any]) -> Programme:
    """The workshop at ``build`` with the oral of sparse-routing as ``edit`` says, deleted unless
    ``present``; its times are local times worked out from UTC, as a kept cancellation's are, so
    02:30 on the night the clocks go back is either of the two."""
    programme = workshop(build)
    zone = zones.zone(programme.conference.timezone)
    room = programme.room(edit["room"])
    start, end = edit["start"], edit["start"] + timedelta(minutes=20)
    oral = next(event for event in programme.events if event.id == TARGET_ORAL)
    moved = dataclasses.replace(
        oral,
        start=start.astimezone(zone),
        end=end.astimezone(zone),
        room=room.name,
        room_id=room.id,
        venue=edit["venue"],
        status=edit["status"],
    )
    others = [event for event in programme.events if event is not oral]
    events = sorted([*others, moved] if edit["present"] else others, key=event_sort_key)
    papers = tuple(
        dataclasses.replace(paper, title=edit["title"], abstract=edit["abstract"])
        if paper.id == oral.paper
        else paper
        for paper in programme.papers
    )
    conference = dataclasses.replace(programme.conference, keep_cancelled=edit["keep"])
    kinds = tuple(
        dataclasses.replace(kind, label=edit["label"]) if kind.id == "oral" else kind
        for kind in programme.kinds
    )
    return dataclasses.replace(
        programme, conference=conference, events=tuple(events), papers=papers, kinds=kinds
    )


def told(before: Entry | None, after: Entry, labels: tuple[str, str]) -> tuple[set[str], bool]:
    """What a build should tell of a slot the state file recorded as ``before`` and records as
    ``after`` (each as its feeds published it, its kind labelled ``labels``, before and after),
    and whether its SEQUENCE should go up."""
    if before is None or before.removed:
        return (set(), False) if after.removed else ({"added"}, True)
    if after.removed:
        return {"removed"}, False
    was, now = before.event, after.event
    kinds = set()
    if was.status != now.status:
        kinds.add("cancelled" if now.status == "cancelled" else "restored")
    if (was.start, was.end) != (now.start, now.end):  # both in UTC
        kinds.add("moved")
    if before.where != after.where:
        kinds.add("re-roomed")
    # A kept cancellation keeps the label it was published with (``Entry.label``).
    was_label, now_label = before.label or labels[0], after.label or labels[1]
    if (was_label, before.paper.title) != (now_label, after.paper.title):
        kinds.add("renamed")
    if not kinds and before.content != after.content:
        return {"updated"}, False
    if "cancelled" in kinds:  # told once, as cancelled: where it would have been is no news
        return {"cancelled"}, True
    return kinds, bool(kinds)


@settings(max_examples=60)
@given(st.lists(oral_edits, min_size=1, max_size=5))
def test_a_slot_is_told_as_its_time_place_name_status_and_text_changed(edits: list[dict[str, Any]]) -> None:
    """For any run of edits of one oral (moved, into the hour the clocks show twice too; another
    room or venue; cancelled; renamed, or its kind relabelled; its abstract; deleted, kept as
    cancelled or not), each build tells of it what changed between what the state file recorded
    and what it records now, and raises its SEQUENCE for a new time, place, name or status, and
    for nothing else: however revise finds it out."""
    state: State = revise(workshop(0), {}).state
    releases: tuple[Release, ...] = ()
    label = workshop(0).kind("oral").label
    for build, edit in enumerate(edits, start=1):
        programme = with_oral(build, edit)
        revised = revise(programme, state, releases=releases, labels={"oral": label})
        before, after = state.get(TARGET_ORAL), revised.state[TARGET_ORAL]
        kinds, raised = told(before, after, (label, edit["label"]))
        assert {change.kind for change in revised.changes if change.id == TARGET_ORAL} == kinds
        if before is not None:
            assert after.revision.sequence == before.revision.sequence + raised
        state, releases, label = revised.state, revised.releases, edit["label"]


PARTS_HEAD = (
    conference_head(start="2026-04-01", end="2026-04-05", timezone="Europe/Berlin")
    + """
[kinds]
tutorial = { label = "Tutorial" }

[[items]]
id = "other"
title = "Two talks in one session"
[[items.talk]]
session = "Talks"
start = 2026-04-02T09:00:00
end = 2026-04-02T09:30:00
[[items.talk]]
session = "Talks"
start = 2026-04-02T09:30:00
end = 2026-04-02T10:00:00

[[items]]
id = "tut"
title = "Tutorial T"
"""
)
PART_TIMES = [(day, hour, room) for day in (2, 3) for hour in (11, 13) for room in ("C31", "Darling")]


def parts(build: int, slots: list[tuple[int, int, str]]) -> Programme:
    """The tutorial with a part at each of ``slots`` (day, hour, room), stamped at ``build``."""
    text = PARTS_HEAD + "".join(
        f"[[items.tutorial]]\nstart = 2026-04-0{day}T{hour}:00:00\nend = 2026-04-0{day}T{hour}:45:00\n"
        f'room = "{room}"\n'
        for day, hour, room in slots
    )
    programme = parse(text.encode(), name="events.toml")
    conference = dataclasses.replace(programme.conference, updated=START + timedelta(hours=build))
    return dataclasses.replace(programme, conference=conference)


@settings(max_examples=30)
@given(
    st.lists(
        st.lists(st.sampled_from(PART_TIMES), unique=True, min_size=1, max_size=3), min_size=2, max_size=4
    )
)
def test_changes_are_named_as_with_every_slot_the_state_records(
    builds: list[list[tuple[int, int, str]]],
) -> None:
    """A change is named from its item's slots alone ("Tutorial: Tutorial T (part 2)"), so naming
    a build's changes from the slots of the items they are about gives the names that all the
    slots of the state file give."""
    state: State = {}
    for build, slots in enumerate(builds):
        revised = revise(parts(build, slots), state)
        unnamed = [dataclasses.replace(change, name="") for change in revised.changes]
        every_slot = {event_id: entry.event for event_id, entry in revised.state.items()}
        assert revised.changes == Names(revised.programme, every_slot).named(unnamed)
        state = revised.state
