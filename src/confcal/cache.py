"""The render cache between builds: each event's bytes by a digest of its inputs.

It lives outside the output folder (the CLI uses ``$XDG_CACHE_HOME/confcal``),
one file per output folder, and is namespaced by a digest of confcal's own source and the
versions of the libraries that shape the bytes, so a changed renderer never reuses old bytes.
A missing, stale or unreadable cache is simply empty: it can make a build faster, never different.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path

from confcal.write import write_atomic


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


def load_cache(path: Path) -> dict[str, bytes]:
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(stored, dict) or stored.get("namespace") != namespace():
        return {}
    events = stored.get("events")
    return events if isinstance(events, dict) else {}


def save_cache(path: Path, events: dict[str, bytes]) -> None:
    write_atomic(path, marshal.dumps({"namespace": namespace(), "events": events}))
