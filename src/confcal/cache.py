"""The render cache between builds: each event's body (``render.Body``) by a digest of its inputs.

It lives outside the output folder (in ``default_folder()``, the user's cache folder), one file per
output folder (the KEEP most recently built are kept), and is namespaced by a digest of
confcal's own source and the versions of the libraries that shape the bytes, so a changed
renderer never reuses old bytes.
A missing, stale or unreadable cache is simply empty: it can make a build faster, never different.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from confcal.write import write_atomic

if TYPE_CHECKING:  # the CLI imports this module for default_folder() before the up-to-date check
    from confcal.render import RenderCacheEntry

KEEP = 8  # render caches kept: the output folders built most recently


def default_folder() -> Path:
    """Where build keeps its render cache and up-to-date records: the user's cache folder for
    confcal, as each system places it (on Linux $XDG_CACHE_HOME/confcal, else ~/.cache/confcal;
    ~/Library/Caches/confcal on macOS; %LOCALAPPDATA%\\confcal\\Cache on Windows)."""
    return platformdirs.user_cache_path("confcal", appauthor=False)


def cache_file(folder: Path, output: Path) -> Path:
    digest = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:20]
    return folder / f"render-{digest}.marshal"


def namespace() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    from importlib.metadata import version

    digest.update(f"icalendar={version('icalendar')} tzdata={version('tzdata')}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def load_cache(path: Path) -> dict[str, RenderCacheEntry]:
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(stored, dict) or stored.get("namespace") != namespace():
        return {}
    events = stored.get("events")
    return events if isinstance(events, dict) else {}


def save_cache(path: Path, events: dict[str, RenderCacheEntry]) -> None:
    """Save one output folder's cache, then keep only the KEEP most recently saved ones."""
    write_atomic(path, marshal.dumps({"namespace": namespace(), "events": events}))
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
