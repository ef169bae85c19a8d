"""The up-to-date check: skip a build whose result is already in the output folder.

A build that wrote nothing and removed nothing has shown that, for its events file, options
and code, the output folder (state file included) is a fixed point: building again gives the
same files and the same warnings. It leaves a record beside the render cache: a digest of the
events file, the options and confcal's code and libraries, every file it owns with its size
and SHA-256 digest, and the warnings it printed. The next build with the same digest skips
loading, rendering and writing when every recorded file still has that size and digest and the
folders hold no other calendar and no temporary file; anything else (a hand-edited or deleted
file, an edit, other options, another confcal) means a full build. Modification times are
never trusted. tests/test_uptodate.py shows that the skip and the full build leave the same
folder and print the same lines.

Only the standard library is imported here, so a skipped build costs reading and hashing the
events file and the output files, not importing the pipeline.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import marshal
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

RECORD_FORMAT = 1
# Libraries whose version can change the bytes (or the checks) of a build: those confcal imports
# (not platformdirs, which only places the cache, nor the import's defusedxml), and tzdata, whose
# zone files zones.py reads. pytz stays a dependency, but no code of confcal, nor icalendar on its
# default zoneinfo provider, imports it: a new pytz must not discard every record and render cache.
LIBRARIES = ("icalendar", "tzdata", "click", "tomli", "jinja2", "markupsafe", "segno")
# Where zoneinfo looks for the system's zone database (its default TZPATH).
ZONE_FOLDERS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo")


@dataclass(frozen=True)
class Record:
    key: str
    files: dict[str, tuple[int, str]]
    warnings: tuple[str, ...]


def record_file(cache_folder: Path, output: Path) -> Path:
    """The record of ``output``, named by its real path (``os.path.realpath``, not
    ``Path.resolve``, which raises RuntimeError for a loop of symbolic links: the build then
    says what is wrong with the folder)."""
    digest = hashlib.sha256(os.path.realpath(output).encode()).hexdigest()[:20]
    return cache_folder / f"up-to-date-{digest}.marshal"


def _versions() -> Iterable[str]:
    """Installed versions of LIBRARIES, from their dist-info folders (nothing is imported)."""
    listed: dict[Path, list[str]] = {}
    for name in LIBRARIES:
        spec = find_spec(name)
        if spec is None or spec.origin is None:
            yield f"{name}=none"
            continue
        folder = Path(spec.origin).parent.parent
        if folder not in listed:
            listed[folder] = sorted(os.listdir(folder))
        prefix = f"{name}-"
        found = [entry for entry in listed[folder] if entry.lower().startswith(prefix) and "info" in entry]
        yield f"{name}={found}"


def _zone_database() -> Iterable[str]:
    """Which system zone database zoneinfo reads (its version file's size and time)."""
    for folder in (*os.environ.get("PYTHONTZPATH", "").split(os.pathsep), *ZONE_FOLDERS):
        try:
            found = os.stat(os.path.join(folder, "tzdata.zi"))
        except OSError:
            continue
        yield f"{folder}:{found.st_size}:{found.st_mtime_ns}"


@functools.cache
def code_digest() -> str:
    """confcal's source, the libraries' versions, Python's and the zone database's (once per
    process: the up-to-date key and the render cache's namespace both use it)."""
    digest = hashlib.sha256(sys.version.encode())
    package = Path(__file__).parent
    sources = [*package.rglob("*.py"), *package.glob("*.js"), *package.glob("templates/*")]  # load/ too
    for source in sorted(sources):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    digest.update("\0".join([*_versions(), *_zone_database()]).encode())
    return digest.hexdigest()


def build_key(events: bytes, options: Mapping[str, str]) -> str:
    digest = hashlib.sha256(f"confcal up-to-date {RECORD_FORMAT}\0{code_digest()}\0".encode())
    digest.update(repr(sorted(options.items())).encode() + b"\0")
    digest.update(hashlib.sha256(events).digest())
    return digest.hexdigest()


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def save_record(path: Path, record: Record) -> None:
    from confcal.write import write_atomic

    document = {
        "format": RECORD_FORMAT,
        "key": record.key,
        "files": record.files,
        "warnings": record.warnings,
    }
    write_atomic(path, marshal.dumps(document))


def load_record(path: Path) -> Record | None:
    try:
        document = marshal.loads(path.read_bytes())
        if document["format"] != RECORD_FORMAT:
            return None
        files = {str(name): (int(size), str(digest)) for name, (size, digest) in document["files"].items()}
        return Record(key=str(document["key"]), files=files, warnings=tuple(map(str, document["warnings"])))
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _foreign(name: str) -> bool:
    """A file a build would delete or replace if it found it: a calendar or a temporary file."""
    return name.endswith((".ics", ".tmp"))


def unchanged_folder(output: Path, files: Mapping[str, tuple[int, str]]) -> bool:
    """Every recorded file has its size and digest, and no folder holds another calendar."""
    folders: dict[str, set[str]] = {}
    for relative in files:
        folder, _, name = relative.rpartition("/")
        folders.setdefault(folder, set()).add(name)
    try:
        for folder, names in folders.items():
            with os.scandir(output / folder) as entries:
                present = {entry.name: entry for entry in entries}
            if any(_foreign(name) and name not in names for name in present):
                return False
            for name in names:
                entry = present.get(name)
                size, digest = files[f"{folder}/{name}" if folder else name]
                if entry is None or not entry.is_file(follow_symlinks=False):
                    return False
                if entry.stat(follow_symlinks=False).st_size != size:
                    return False
                with open(entry.path, "rb") as stream:
                    if file_digest(stream.read()) != digest:
                        return False
    except OSError:
        return False
    return True


def read_events(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@dataclass(frozen=True)
class Check:
    """One build's up-to-date check: ``skip`` before building, ``remember`` after a no-op."""

    events: Path
    output: Path
    options: Mapping[str, str]
    record: Path
    source: bytes | None  # the events file as this build read it

    @classmethod
    def of(cls, *, events: Path, output: Path, cache_folder: Path, options: Mapping[str, str]) -> Check:
        return cls(events, output, options, record_file(cache_folder, output), read_events(events))

    def skip(self) -> Record | None:
        """The record of the last no-op build, if building now would give the same folder again."""
        previous = load_record(self.record)
        if previous is None or self.source is None:
            return None
        if build_key(self.source, self.options) != previous.key:
            return None
        try:
            folder = os.open(self.output, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            # A folder another build holds (confcal.lock) is never skipped: the full build waits.
            fcntl.flock(folder, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(folder)
            return None
        try:
            return previous if unchanged_folder(self.output, previous.files) else None
        finally:
            os.close(folder)

    def remember(self, *, files: Iterable[str], warnings: Iterable[str]) -> None:
        """Record a build that wrote and removed nothing: its ``files`` (read back from the
        folder) and ``warnings``, unless the events file changed while it ran."""
        if self.source is None or read_events(self.events) != self.source:
            return
        recorded: dict[str, tuple[int, str]] = {}
        for relative in files:
            try:
                data = (self.output / relative).read_bytes()
            except OSError:
                return
            recorded[relative] = (len(data), file_digest(data))
        key = build_key(self.source, self.options)
        with contextlib.suppress(OSError):  # a record only ever saves time
            save_record(self.record, Record(key=key, files=recorded, warnings=tuple(warnings)))
