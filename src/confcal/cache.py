"""The render cache between builds: each event's body (``render.Body``), its schedule entry
(``schedule.ScheduleCacheEntry``) and its line of index.html (``site._Items``), by a digest of
the event's inputs (``render.event_keys``).

It lives outside the output folder (in ``default_folder()``, the user's cache folder), one file per
output folder (the KEEP most recently built are kept), and is namespaced by a digest of
confcal's own source and the versions of the libraries that shape the bytes, so a changed
renderer never reuses old bytes.
A missing, stale, unreadable or malformed cache is simply empty: it can make a build faster, never
different.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from confcal.write import write_atomic

if TYPE_CHECKING:  # the CLI imports this module for default_folder() before the up-to-date check
    from confcal.render import RenderCacheEntry
    from confcal.schedule import ScheduleCacheEntry

KEEP = 8  # render caches kept: the output folders built most recently


@dataclass
class RenderCache:
    """What one output folder's last build rendered, by event key: filled by the build that uses it."""

    events: dict[str, RenderCacheEntry] = field(default_factory=dict)
    schedule: dict[str, ScheduleCacheEntry] = field(default_factory=dict)
    page: dict[tuple[object, ...], str] = field(default_factory=dict)
    """index.html's line of each event, by its render key and what the line shows of the rest
    of the programme (``site._Items``)."""


def default_folder() -> Path:
    """Where build keeps its render cache and up-to-date records: the user's cache folder for
    confcal, as each system places it (on Linux $XDG_CACHE_HOME/confcal, else ~/.cache/confcal;
    ~/Library/Caches/confcal on macOS; %LOCALAPPDATA%\\confcal\\Cache on Windows)."""
    return platformdirs.user_cache_path("confcal", appauthor=False)


def cache_file(folder: Path, output: Path) -> Path:
    digest = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:20]
    return folder / f"render-{digest}.marshal"


def namespace() -> str:
    """The up-to-date check's digest (``uptodate.code_digest``): confcal's code and templates, the
    libraries' versions, Python's and the system zone database's (schedule entries hold UTC
    offsets), so that a cache made by other code, or against other zones, is never used."""
    from confcal.uptodate import code_digest

    return code_digest()


def load_cache(path: Path) -> RenderCache:
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return RenderCache()
    if not isinstance(stored, dict) or stored.get("namespace") != namespace():
        return RenderCache()
    events, schedule, page = stored.get("events"), stored.get("schedule"), stored.get("page")
    if not (isinstance(events, dict) and isinstance(schedule, dict) and isinstance(page, dict)):
        return RenderCache()
    if not well_formed(events, schedule, page):
        return RenderCache()
    return RenderCache(events, schedule, page)


def well_formed(
    events: dict[object, object], schedule: dict[object, object], page: dict[object, object]
) -> bool:
    """Whether every entry has the shape a build saves (a damaged or hand-edited file may not):
    checked once per load, so that no entry a build uses can stop it or write wrong bytes.

    A body (``render.RenderCacheEntry``) is its text and three offsets into it, in order; a
    schedule entry (``schedule.ScheduleCacheEntry``) a number, an ISO date and three strings;
    a line of the page a string. Keys need no check: one of another shape is never looked up.
    """
    try:
        return (
            all(
                type(body) is tuple
                and len(body) == 4
                and type(body[0]) is bytes
                and type(body[1]) is type(body[2]) is type(body[3]) is int
                and 0 <= body[1] <= body[2] <= body[3] <= len(body[0])
                for body in events.values()
            )
            and all(
                type(entry) is tuple
                and len(entry) == 5
                and type(entry[0]) is int
                and type(entry[1]) is type(entry[2]) is type(entry[3]) is type(entry[4]) is str
                and date.fromisoformat(entry[1]).isoformat() == entry[1]
                for entry in schedule.values()
            )
            and all(type(line) is str for line in page.values())
        )
    except ValueError:  # not a date
        return False


def save_cache(path: Path, cache: RenderCache) -> None:
    """Save one output folder's cache, then keep only the KEEP most recently saved ones."""
    stored = {
        "namespace": namespace(),
        "events": cache.events,
        "schedule": cache.schedule,
        "page": cache.page,
    }
    write_atomic(path, marshal.dumps(stored))
    prune_caches(path.parent, keep=path)


def prune_caches(folder: Path, *, keep: Path) -> None:
    """Delete all but the KEEP newest render caches in ``folder`` (never ``keep``, just written):
    one per output folder ever built would otherwise grow without bound across programmes."""
    caches = []
    for candidate in folder.glob("render-*.marshal"):
        try:
            caches.append((candidate.stat().st_mtime_ns, candidate.name, candidate))
        except OSError:
            continue  # removed meanwhile
    caches.sort(reverse=True)
    for _, _, old in caches[KEEP:]:
        if old != keep:
            with contextlib.suppress(OSError):  # pruning is housekeeping: never a failed build
                old.unlink()
