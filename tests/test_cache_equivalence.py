"""A build through the render cache writes exactly what a build without it writes, after any
sequence of edits to the events file and the build options.

Each example starts from a small programme (the workshop fixture, or ``benchmarks.synth``'s),
builds it into two folders, one through the cache and one without, then applies a few edits
drawn by hypothesis (to items, slots, sessions, rooms, venues, kinds, categories, declared
feeds, the conference, the publish table and the options), building both folders after each
and comparing every file. The cache is a pure memo, so it is never allowed to make a byte
differ, whatever the edits did to the other events or to what a build remembers (its state).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import confcal.build
from benchmarks.synth import programme as synthetic
from confcal.build import build, preview
from confcal.cache import RenderCache, load_cache, save_cache
from confcal.errors import EventsFileError
from confcal.load import parse
from confcal.publish import publish
from confcal.settings import BuildOptions
from tests.conftest import ROOT

Document = dict[str, Any]
Draw = st.DataObject

WORKSHOP = ROOT / "tests" / "programmes" / "workshop.toml"
SLOT_KINDS = ("oral", "poster", "talk", "keynote", "break", "social")
ZONES = ("Europe/Berlin", "America/Chicago", "UTC", "Asia/Kolkata", "Australia/Lord_Howe")
WORDS = st.sampled_from(["Sparse", "Routing", "Édition", "a, b; c\\d", "<b>&amp;</b>", "Zürich", "x" * 80])
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


def toml_text(document: Document) -> str:
    """The document as TOML, each top-level key on one line (inline tables)."""
    return "".join(f"{key} = {toml_value(value)}\n" for key, value in document.items())


def entries(document: Document) -> list[Document]:
    """The programme's items: [[papers]] and [[items]]."""
    return [*document.get("papers", []), *document.get("items", [])]


def slots(document: Document) -> list[Document]:
    found = []
    for entry in entries(document):
        for kind, slot in entry.items():
            if kind in SLOT_KINDS or kind in document.get("kinds", {}):
                found.extend(slot if isinstance(slot, list) else [slot])
    return found


def ids(document: Document, table: str) -> list[str]:
    return [row["id"] for row in document.get(table, [])]


# Each edit changes the document in place; an edit the loader refuses is undone.


def edit_item(document: Document, data: Draw) -> None:
    entry = data.draw(st.sampled_from(entries(document)))
    field = data.draw(
        st.sampled_from(["title", "abstract", "note", "url", "authors", "speakers", "category"])
    )
    if field == "url":
        entry["url"] = data.draw(st.sampled_from(["https://example.org/a", "https://example.org/b?x=1&y=2"]))
    elif field == "authors":
        entry["authors"] = data.draw(st.lists(TEXT, min_size=1, max_size=3))
    elif field == "speakers":
        entry["speakers"] = [
            {"name": data.draw(TEXT), "affiliation": data.draw(st.sampled_from(["", "ETH"]))}
        ]
    elif field == "category":
        entry["category"] = data.draw(st.sampled_from(ids(document, "categories")))
    else:
        entry[field] = data.draw(TEXT)


def edit_slot(document: Document, data: Draw) -> None:
    slot = data.draw(st.sampled_from(slots(document)))
    field = data.draw(st.sampled_from(["time", "room", "board", "status", "session", "venue", "streamed"]))
    if field == "time" and "start" in slot:
        shift = timedelta(minutes=data.draw(st.sampled_from([-60, -15, 15, 30, 24 * 60])))
        slot["start"] += shift
        slot["end"] += shift + timedelta(minutes=data.draw(st.sampled_from([0, 10])))
    elif field == "room" and document.get("rooms"):
        slot["room"] = data.draw(st.sampled_from(ids(document, "rooms")))
    elif field == "board":
        slot["board"] = data.draw(st.sampled_from(["P1", "#7", "Hall B, 12"]))
    elif field == "status":
        slot["status"] = data.draw(st.sampled_from(["cancelled", "confirmed"]))
    elif field == "session" and document.get("sessions"):
        slot["session"] = data.draw(st.sampled_from(ids(document, "sessions")))
    elif field == "venue" and document.get("venues"):
        slot["venue"] = data.draw(st.sampled_from(ids(document, "venues")))
    elif field == "streamed":
        slot["streamed"] = data.draw(st.booleans())


def remove_item(document: Document, data: Draw) -> None:
    table = data.draw(st.sampled_from([t for t in ("papers", "items") if document.get(t)]))
    if len(entries(document)) > 1:
        del document[table][data.draw(st.integers(0, len(document[table]) - 1))]


def remove_slot(document: Document, data: Draw) -> None:
    entry = data.draw(st.sampled_from(entries(document)))
    kinds = [kind for kind in entry if kind in SLOT_KINDS or kind in document.get("kinds", {})]
    if len(kinds) > 1:
        del entry[data.draw(st.sampled_from(kinds))]


def copy_item(document: Document, data: Draw) -> None:
    table = data.draw(st.sampled_from([t for t in ("papers", "items") if document.get(t)]))
    entry = copy.deepcopy(data.draw(st.sampled_from(document[table])))
    entry["id"] = data.draw(st.sampled_from(["a-copy", "zz-copy", "copy-2"]))
    document[table].insert(data.draw(st.integers(0, len(document[table]))), entry)


def reorder(document: Document, data: Draw) -> None:
    table = data.draw(st.sampled_from(["papers", "items", "sessions", "categories", "rooms", "feeds"]))
    if document.get(table):
        document[table] = data.draw(st.permutations(document[table]))


def edit_session(document: Document, data: Draw) -> None:
    if not document.get("sessions"):
        return
    session = data.draw(st.sampled_from(document["sessions"]))
    field = data.draw(st.sampled_from(["name", "chair", "room", "venue"]))
    if field == "name":
        session["name"] = data.draw(TEXT)
    elif field == "chair":
        session["chair"] = data.draw(
            st.sampled_from(["Jonas Berg", {"name": "Mei Chen", "affiliation": "TUM"}])
        )
    elif field == "room" and document.get("rooms"):
        session["room"] = data.draw(st.sampled_from(ids(document, "rooms")))
    elif field == "venue" and document.get("venues"):
        session["venue"] = data.draw(st.sampled_from(ids(document, "venues")))


def edit_place(document: Document, data: Draw) -> None:
    """A room or venue that some slot or session uses."""
    used = {
        row.get(key) for row in (*slots(document), *document.get("sessions", [])) for key in ("room", "venue")
    }
    table = data.draw(st.sampled_from([t for t in ("rooms", "venues") if document.get(t)] or ["rooms"]))
    places = [place for place in document.get(table, []) if place["id"] in used]
    if not places:
        return
    place = data.draw(st.sampled_from(places))
    field = data.draw(
        st.sampled_from(["name", "address", "level"] if table == "rooms" else ["name", "address"])
    )
    place[field] = data.draw(TEXT)


def edit_kind(document: Document, data: Draw) -> None:
    kinds = document.setdefault("kinds", {})
    kind = data.draw(st.sampled_from([*kinds, "oral", "poster", "talk"]))
    kinds[kind] = {"label": data.draw(st.sampled_from(["Pause", "Oral talk", "Poster", "Talk"]))}


def edit_category(document: Document, data: Draw) -> None:
    category = data.draw(st.sampled_from(document["categories"]))
    if data.draw(st.booleans()):
        category["name"] = data.draw(TEXT)
    else:
        category["subcategories"] = ["theory"]
        entry = data.draw(st.sampled_from(entries(document)))
        entry["category"], entry["subcategory"] = category["id"], "theory"


def edit_feeds(document: Document, data: Draw) -> None:
    feeds = document.setdefault("feeds", [])
    if feeds and data.draw(st.booleans()):
        del feeds[data.draw(st.integers(0, len(feeds) - 1))]
        return
    feed: Document = {"id": data.draw(st.sampled_from(["mine", "orals", "day-one"])), "name": data.draw(TEXT)}
    match data.draw(st.sampled_from(["category", "kind", "paper", "day", "session"])):
        case "category":
            feed["category"] = data.draw(st.sampled_from(ids(document, "categories")))
        case "kind":
            feed["kind"] = data.draw(st.sampled_from(["oral", "poster"]))
        case "paper":
            feed["paper"] = [
                entry["id"] for entry in data.draw(st.lists(st.sampled_from(entries(document)), min_size=1))
            ]
        case "day":
            feed["day"] = document["conference"]["start"]
        case "session":
            feed["session"] = data.draw(
                st.sampled_from([s["name"] for s in document.get("sessions", [])] or ["Oral"])
            )
    if data.draw(st.booleans()):
        feed["events"] = "sessions"
    feeds[:] = [f for f in feeds if f["id"] != feed["id"]] + [feed]


def edit_conference(document: Document, data: Draw) -> None:
    conference = document["conference"]
    field = data.draw(st.sampled_from(["timezone", "name", "venue", "id", "website", "streamed"]))
    if field == "timezone":
        conference["timezone"] = data.draw(st.sampled_from(ZONES))
    elif field == "id":
        conference["id"] = data.draw(st.sampled_from(["learnsys-2026", "abc", "other-conf"]))
    elif field == "website":
        conference["website"] = data.draw(st.sampled_from(["https://example.org/x", "https://example.com/"]))
    elif field == "streamed":
        conference["streamed"] = data.draw(
            st.lists(st.sampled_from(["oral", "poster", "keynote"]), unique=True)
        )
    else:
        conference[field] = data.draw(TEXT)


def edit_publish(document: Document, data: Draw) -> None:
    publish = document["publish"]
    field = data.draw(
        st.sampled_from(["updated", "base_url", "keep_cancelled", "abstracts", "feed_max_events"])
    )
    if field == "updated":
        publish["updated"] += timedelta(hours=data.draw(st.sampled_from([1, 24])))
    elif field == "base_url":
        publish["base_url"] = data.draw(
            st.sampled_from(["https://example.org/conf/", "https://a.example/x?y/"])
        )
    elif field == "keep_cancelled":
        publish["keep_cancelled"] = data.draw(st.booleans())
    elif field == "abstracts":
        publish["abstracts"] = data.draw(st.sampled_from(["full", "short", "none"]))
    else:
        publish["feed_max_events"] = data.draw(st.sampled_from([3, 1000]))


EDITS: tuple[Callable[[Document, Draw], None], ...] = (
    edit_item,
    edit_slot,
    remove_item,
    remove_slot,
    copy_item,
    reorder,
    edit_session,
    edit_place,
    edit_kind,
    edit_category,
    edit_feeds,
    edit_conference,
    edit_publish,
)
OPTIONS = st.builds(
    BuildOptions,
    alarm=st.sampled_from([None, None, timedelta(minutes=10)]),
    drop_alarm=st.booleans(),
    keep_cancelled=st.booleans(),
    base_url=st.sampled_from([None, None, "https://cli.example/"]),
)


def starting_point(name: str) -> Document:
    text = WORKSHOP.read_text(encoding="utf-8") if name == "workshop" else synthetic(papers=8, seed=2)
    return tomllib.loads(text)


def valid(document: Document) -> bool:
    try:
        parse(toml_text(document).encode(), name="events.toml")
    except EventsFileError:
        return False
    return True


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class Twins:
    """One events file built into two folders: through the cache folder (``confcal build``) and
    without it (``--no-cache``); and previewed (as ``confcal serve`` does) through a cache held
    in memory between previews. A build of another document or with other options is stamped
    later than the one before it (a build refuses changes under a stamp already published); a
    build of the same document with the same options, under the same stamp, is skipped."""

    def __init__(self, root: Path) -> None:
        self.events = root / "events.toml"
        self.cache = root / "cache"
        self.cached = root / "cached"
        self.plain = root / "plain"
        self.memory = RenderCache()
        self.conference: str | None = None
        self.last: tuple[Document, BuildOptions] | None = None
        self.stamp: datetime | None = None

    def build(self, document: Document, options: BuildOptions) -> None:
        stamp = document["publish"]["updated"]
        if self.stamp is not None:
            changed = (document, options) != self.last
            stamp = max(stamp, self.stamp + timedelta(minutes=1)) if changed else self.stamp
        self.last, self.stamp = (copy.deepcopy(document), options), stamp
        stamped = {**document, "publish": {**document["publish"], "updated": stamp}}
        self.events.write_text(toml_text(stamped), encoding="utf-8")
        if self.conference not in (None, document["conference"]["id"]):
            # A new conference id over published feeds is refused: its organizer publishes it
            # into an empty folder, here at the same path, whose render cache (kept by the
            # folder's path) holds the other id's events: they must never be reused.
            for folder in (self.cached, self.plain):
                shutil.rmtree(folder)
        self.conference = document["conference"]["id"]
        previewed = preview(self.events, self.plain, options, cache=self.memory).files
        # As `confcal build` does: a build whose files are all there already is skipped (uptodate.py).
        with_cache = publish(self.events, self.cached, dataclasses.replace(options, cache_folder=self.cache))
        without = build(self.events, self.plain, options)
        assert with_cache.warnings == without.warnings
        cached, plain = files(self.cached), files(self.plain)
        assert sorted(cached) == sorted(plain) == sorted(previewed)
        differ = [name for name in plain if cached[name] != plain[name]]
        assert not differ, f"the cached build differs in {differ}"
        differ = [name for name in plain if previewed[name] != plain[name]]
        assert not differ, f"the preview through the cache differs in {differ}"


def run_edits(data: Draw, *, steps: int) -> None:
    document = starting_point(data.draw(st.sampled_from(["workshop", "synthetic"]), label="programme"))
    with tempfile.TemporaryDirectory() as folder:
        twins = Twins(Path(folder))
        options = BuildOptions()
        twins.build(document, options)
        assert list(twins.cache.glob("render-*.marshal")), "the cached build saved no cache"
        for _ in range(data.draw(st.integers(1, steps), label="builds")):
            for edit in data.draw(st.lists(st.sampled_from(EDITS), max_size=6), label="edits"):
                edited = copy.deepcopy(document)
                edit(edited, data)
                if valid(edited):
                    document = edited
            if data.draw(st.integers(0, 3), label="new options?") == 0:  # options in the conference
                options = data.draw(OPTIONS, label="options")  # change every event's key: seldom
            twins.build(document, options)


@pytest.fixture(autouse=True)
def cache_every_programme(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small programmes go through the cache too (a build skips it below CACHE_THRESHOLD events)."""
    monkeypatch.setattr(confcal.build, "CACHE_THRESHOLD", 0)


BUILDS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@settings(BUILDS, max_examples=25)
@given(data=st.data())
def test_a_cached_build_writes_what_a_build_without_the_cache_writes(data: Draw) -> None:
    run_edits(data, steps=4)


@pytest.mark.slow
@settings(BUILDS, max_examples=300)
@given(data=st.data())
def test_a_cached_build_writes_what_a_build_without_the_cache_writes_long(data: Draw) -> None:
    run_edits(data, steps=10)


# Edits that change an event's line of the page or its schedule entry through another event or
# the rest of the programme, never through the event's own render key: each a sequence of
# builds of the workshop, every one compared with a build without the cache.


def add_feed(document: Document) -> None:
    document["feeds"].append({"id": "orals", "name": "Orals", "kind": "oral"})


def cancel_sibling(document: Document) -> None:
    document["papers"][0]["poster"]["status"] = "cancelled"  # the oral's line: "Add this paper (its oral)"


def remove_sibling(document: Document) -> None:
    del document["papers"][0]["poster"]


def relabel_sibling_kind(document: Document) -> None:
    document["kinds"]["poster"] = {"label": "Poster board"}  # the oral's line names its poster's kind


def keep_removed_sibling(document: Document) -> None:
    document["publish"]["keep_cancelled"] = True


def poster_item(item_id: str) -> Document:
    return {"id": item_id, "title": item_id, "poster": {"session": "posters", "board": item_id}}


# Two items whose posters' UIDs take the same numeric id in schedule.xml (learnsys-2026): the
# one that sorts first takes it, so adding it moves the other's id (schedule.numeric_ids).
COLLIDING = ("p55232", "p61996")


def add_second_of_colliding(document: Document) -> None:
    document["items"].append(poster_item(COLLIDING[1]))


def add_first_of_colliding(document: Document) -> None:
    document["items"].append(poster_item(COLLIDING[0]))


@pytest.mark.parametrize(
    "edits",
    [
        [add_feed],
        [cancel_sibling],
        [remove_sibling],
        [relabel_sibling_kind],
        [keep_removed_sibling, remove_sibling],
        [add_second_of_colliding, add_first_of_colliding],
    ],
    ids=lambda edits: "-".join(edit.__name__ for edit in edits),
)
def test_an_edit_elsewhere_in_the_programme_reaches_a_cached_build(
    tmp_path: Path, edits: list[Callable[[Document], None]]
) -> None:
    document = starting_point("workshop")
    twins = Twins(tmp_path)
    twins.build(document, BuildOptions())
    for edit in edits:
        edit(document)
        assert valid(document)
        twins.build(document, BuildOptions())


def test_colliding_numeric_ids_are_colliding() -> None:
    from confcal.schedule import numeric_ids

    uids = [f"learnsys-2026.{item}.poster@confcal" for item in COLLIDING]
    assert numeric_ids(uids[1:])[uids[1]] == numeric_ids(uids)[uids[0]]


# A cache file damaged or edited by hand: a build never stops on it, nor writes what it holds.

DAMAGE: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "a body cut short": ("events", lambda body: body[:2]),
    "a body's text as str": ("events", lambda body: (body[0].decode(), *body[1:])),
    "a body's offsets out of order": ("events", lambda body: (body[0], body[2] + 1, *body[2:])),
    "a body's offset past its end": ("events", lambda body: (*body[:3], len(body[0]) + 1)),
    "a body's offset a bool": ("events", lambda body: (body[0], True, *body[2:])),
    "a schedule entry cut short": ("schedule", lambda entry: entry[:3]),
    "a schedule entry's JSON a number": ("schedule", lambda entry: (*entry[:3], 5, entry[4])),
    "a schedule entry's day not a date": ("schedule", lambda entry: (entry[0], "2026-13-01", *entry[2:])),
    "a schedule entry a list": ("schedule", list),
    "a line of the page a number": ("page", lambda line: 123),
    "a line of the page bytes": ("page", str.encode),
    "a line of the page in a list": ("page", lambda line: [line]),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_file_is_not_used(tmp_path: Path, damage: str) -> None:
    import marshal

    document = starting_point("workshop")
    twins = Twins(tmp_path)
    twins.build(document, BuildOptions())
    (path,) = twins.cache.glob("render-*.marshal")
    stored = marshal.loads(path.read_bytes())
    part, change = DAMAGE[damage]
    for key, value in stored[part].items():  # every entry: the first may belong to no event
        stored[part][key] = change(value)
    path.write_bytes(marshal.dumps(stored))
    twins.build(document, BuildOptions())  # no traceback, the same bytes as without the cache
    assert load_cache(path) != RenderCache()  # and a sound cache saved again


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_file_loads_as_an_empty_cache(tmp_path: Path, damage: str) -> None:
    import marshal

    path = tmp_path / "render.marshal"
    part, change = DAMAGE[damage]
    body = (b"BEGIN:VEVENT\r\nEND:VEVENT\r\n", 14, 14, 14)
    cache = RenderCache(
        {"a": body}, {"a": (7, "2026-10-24", "Hall", "{}", "<event/>")}, {("a",): "<li></li>"}
    )
    save_cache(path, cache)
    assert load_cache(path) == cache
    stored = marshal.loads(path.read_bytes())
    stored[part]["b"] = change(next(iter(stored[part].values())))
    path.write_bytes(marshal.dumps(stored))
    assert load_cache(path) == RenderCache()


def test_a_cache_file_as_a_build_saves_it_is_well_formed(tmp_path: Path) -> None:
    twins = Twins(tmp_path)
    twins.build(starting_point("synthetic"), BuildOptions())
    (path,) = twins.cache.glob("render-*.marshal")
    cache = load_cache(path)
    assert cache.events
    assert cache.schedule
    assert cache.page


DIGESTS = (
    "import confcal.cache, confcal.uptodate; print(confcal.cache.namespace(), confcal.uptodate.code_digest())"
)


def code_digests(package_parent: Path, **environ: str) -> list[str]:
    """The render cache's namespace and the up-to-date check's code digest of a copy of confcal."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "PYTHONPATH": str(package_parent), "PYTHONDONTWRITEBYTECODE": "1", **environ}
    done = subprocess.run(
        [sys.executable, "-c", DIGESTS], env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize("source", ["render.py", "load/items.py", "templates/event.html"])
def test_a_change_to_any_source_file_moves_both_code_digests(tmp_path: Path, source: str) -> None:
    """Else a cached render, or a skipped build, outlives the code that made it (the loader's
    files in load/ were left out once: `confcal build` then skipped a build that --no-cache did)."""
    import shutil

    import confcal

    copy_of = tmp_path / "confcal"
    shutil.copytree(Path(confcal.__file__).parent, copy_of, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_digests(tmp_path)
    with (copy_of / source).open("a", encoding="utf-8") as stream:
        stream.write("\n")
    after = code_digests(tmp_path)
    assert len(before) == len(after) == 2
    assert before[0] != after[0]
    assert before[1] != after[1]


def test_another_zone_database_moves_both_code_digests(tmp_path: Path) -> None:
    """Schedule entries hold UTC offsets, which come from the zone database zoneinfo reads: a
    cache made against another one is not used (the namespace once left it out)."""
    import confcal

    package_parent = Path(confcal.__file__).parent.parent
    zones = tmp_path / "zoneinfo"
    zones.mkdir()
    (zones / "tzdata.zi").write_text("# version 2099a\n", encoding="utf-8")
    before = code_digests(package_parent)
    after = code_digests(package_parent, PYTHONTZPATH=str(zones))
    assert len(before) == len(after) == 2
    assert before[0] != after[0]
    assert before[1] != after[1]


def test_templates_compiled_by_another_setup_of_jinja2_are_not_reused(tmp_path: Path) -> None:
    """The compiled templates in the cache folder are reused only by the Environment that
    compiled them: changing a setting (as an upgrade of confcal may) compiles them again."""
    import os
    import shutil
    import subprocess
    import sys

    import confcal

    copy_of = tmp_path / "confcal"
    shutil.copytree(Path(confcal.__file__).parent, copy_of, ignore=shutil.ignore_patterns("__pycache__"))

    def index(cache: str) -> bytes:
        output = tmp_path / f"output-{cache}"
        environment = {**os.environ, "PYTHONPATH": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / cache)}
        command = [sys.executable, "-m", "confcal", "build", str(WORKSHOP), "-o", str(output), "--no-cache"]
        subprocess.run(command, env=environment, capture_output=True, check=True)
        return (output / "index.html").read_bytes()

    before = index("used")
    compiled = len(list((tmp_path / "used" / "confcal").glob("template-*.jinja2")))
    pages = copy_of / "pages.py"
    text = pages.read_text(encoding="utf-8")
    assert text.count("trim_blocks=True") == 1
    pages.write_text(text.replace("trim_blocks=True", "trim_blocks=False"), encoding="utf-8")
    after = index("fresh")
    assert after != before
    assert index("used") == after
    assert (
        len(list((tmp_path / "used" / "confcal").glob("template-*.jinja2"))) == compiled
    )  # none left behind


def test_every_library_confcal_imports_is_in_the_up_to_date_key() -> None:
    """A library whose upgrade can change what a build writes is in the up-to-date check's key:
    else a skipped build keeps the bytes of the old version (segno's QR codes were left out)."""
    import ast
    import sys

    import confcal
    from confcal.uptodate import LIBRARIES

    imported: set[str] = set()
    for source in Path(confcal.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.partition(".")[0])
    libraries = imported - set(sys.stdlib_module_names) - {"confcal"}
    # Where the cache folder is, and the XML parser of `confcal import`, which no build runs.
    assert libraries - {"platformdirs", "defusedxml"} <= set(LIBRARIES)
    assert "icalendar" in libraries  # the walk found the imports


def test_a_new_stamp_keeps_every_events_render_key() -> None:
    """publish.updated moves at every publish and shapes no event's bytes (the render walks in
    tests/test_content_digest.py): in the key, it made the cache miss every event of such a build."""
    from confcal.load import load
    from confcal.render import event_keys

    programme = load(WORKSHOP)
    conference = programme.conference
    later = dataclasses.replace(conference, updated=conference.updated + timedelta(days=1))
    assert event_keys(dataclasses.replace(programme, conference=later)) == event_keys(programme)


def test_a_no_op_build_is_recorded_while_it_still_holds_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """publish records a build that wrote nothing by reading the folder back: it does so before
    the build lets the folder go, so another build of it (other options, another events file)
    cannot write in between and be recorded as this build's result."""
    import fcntl

    from confcal.uptodate import Check

    cache, output = tmp_path / "cache", tmp_path / "output"
    options = BuildOptions(cache_folder=cache)
    publish(WORKSHOP, output, options)
    remember = Check.remember
    held: list[bool] = []

    def probe(self: Check, **recorded: Any) -> None:
        descriptor = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(descriptor)
        remember(self, **recorded)

    monkeypatch.setattr(Check, "remember", probe)
    assert publish(WORKSHOP, output, options).written == 0
    assert held == [True]
    monkeypatch.undo()
    build(WORKSHOP, output, BuildOptions(base_url="https://second.example/"))  # another build
    publish(WORKSHOP, output, options)  # not skipped: the record is of this build's files
    build(WORKSHOP, tmp_path / "plain", BuildOptions())
    assert files(output) == files(tmp_path / "plain")
