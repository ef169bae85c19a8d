"""The mechanisms that make large builds fast change nothing in what is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.straightforward import straightforward_plan
from benchmarks.synth import programme as synthetic
from confcal.build import build
from confcal.cache import RenderCache, cache_file, load_cache, namespace, save_cache
from confcal.load import load, parse
from confcal.model import Programme
from confcal.settings import BuildOptions
from tests.conftest import EVENTS
from tests.helpers import plan, snapshot


@pytest.fixture(scope="module")
def large() -> Programme:
    return parse(synthetic(papers=500, seed=3).encode(), name="synthetic.toml")


def test_cached_render_is_byte_identical(large: Programme) -> None:
    cache = RenderCache()
    cold = plan(large, cache=cache)
    assert len(cache.events) == len(large.events) + len(large.session_events)
    assert len(cache.schedule) == sum(1 for event in large.events if event.status != "cancelled")
    assert len(cache.page) == len(large.events)
    assert plan(large, cache=cache) == cold == plan(large)


def test_straightforward_build_gives_the_same_bytes(large: Programme) -> None:
    assert straightforward_plan(large) == plan(large)
    shipped = load(EVENTS)
    assert straightforward_plan(shipped) == plan(shipped)


def test_a_stale_cache_entry_is_never_used(events_copy: Path) -> None:
    """An edited event misses the cache, even if the cache holds bytes for its id."""
    cache = RenderCache()
    plan(load(events_copy), cache=cache)
    text = events_copy.read_text(encoding="utf-8")
    events_copy.write_text(text.replace('board = "#1523"', 'board = "#1524"'), encoding="utf-8")
    edited = load(events_copy)
    assert plan(edited, cache=cache) == plan(edited)
    assert b"Poster board #1524" in plan(edited, cache=cache)["all.ics"]
    assert b"Poster board #1524" in plan(edited, cache=cache)["schedule.xml"]


def test_cache_file_from_other_code_or_corrupt_is_ignored(tmp_path: Path) -> None:
    path = cache_file(tmp_path, tmp_path / "output")
    saved = RenderCache({"key": (b"bytes", 0, 0, 0)}, {"key": (1, "2023-12-10", "Hall", "{}", "<event/>")})
    save_cache(path, saved)
    assert load_cache(path) == saved
    import marshal

    path.write_bytes(
        marshal.dumps({"namespace": "other " + namespace(), "events": {"key": (b"old", 0, 0, 0)}})
    )
    assert load_cache(path) == RenderCache()
    path.write_bytes(marshal.dumps({"namespace": namespace(), "events": {"key": (b"old", 0, 0, 0)}}))
    assert load_cache(path) == RenderCache()  # written before the schedule was cached
    path.write_bytes(b"\x00garbage")
    assert load_cache(path) == RenderCache()


def test_rebuild_through_the_cache_rewrites_nothing(tmp_path: Path, private_cache: Path) -> None:
    events = tmp_path / "synthetic.toml"
    events.write_text(synthetic(papers=180, seed=5), encoding="utf-8")  # CACHE_THRESHOLD events
    output = tmp_path / "output"
    build(events, output, BuildOptions(cache_folder=private_cache))
    assert len(list(private_cache.glob("render-*.marshal"))) == 1  # a cache to rebuild through
    before = snapshot(output)
    report = build(events, output, BuildOptions(cache_folder=private_cache)).report
    assert report.written == ()
    assert snapshot(output) == before
    fresh = tmp_path / "fresh"
    build(events, fresh)
    assert {k: v for k, (v, _) in snapshot(fresh).items()} == {k: v for k, (v, _) in before.items()}


def test_synthetic_programmes_are_deterministic_for_a_seed() -> None:
    assert synthetic(papers=40, seed=7) == synthetic(papers=40, seed=7)
    assert synthetic(papers=40, seed=7) != synthetic(papers=40, seed=8)


def test_only_the_most_recent_render_caches_are_kept(tmp_path: Path) -> None:
    """One cache per output folder ever built would grow without bound across programmes."""
    from confcal.cache import KEEP

    caches = [cache_file(tmp_path, tmp_path / f"output-{index}") for index in range(KEEP + 3)]
    for index, path in enumerate(caches):
        save_cache(path, RenderCache({"key": (b"bytes", 0, 0, 0)}))
        os.utime(path, ns=(index * 10**9, index * 10**9))  # saved one second after the other
    assert sorted(tmp_path.iterdir()) == sorted(caches[3:])
    assert load_cache(caches[-1]) == RenderCache({"key": (b"bytes", 0, 0, 0)})
