"""Atomic writes into the output folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """A relative path that would land outside the output folder."""


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...] = ()


def safe_target(root: Path, relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise UnsafePathError(f"refusing to write {relative!r} outside {root}")
    return root.joinpath(*path.parts)


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over the target.

    Readers (a web server, a subscriber) see the old file or the new one, never a part.
    No fsync: it made a build of a few thousand files seconds slower, and after a crash
    the output is rebuilt from events.toml anyway.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def stale_files(root: Path, files: Mapping[str, bytes], *, prune: Iterable[str]) -> tuple[str, ...]:
    """Files under ``root`` matching a ``prune`` pattern that are not among ``files``."""
    found = {
        path.relative_to(root).as_posix()
        for pattern in prune
        for path in root.glob(pattern)
        if path.is_file()
    }
    return tuple(sorted(found - set(files)))


def write_files(root: Path, files: Mapping[str, bytes], *, prune: Iterable[str] = ()) -> WriteReport:
    """Write every file under ``root``; a file whose bytes are already there is left alone.

    Every path is checked before anything is written. Then files matching a ``prune`` pattern
    (relative globs such as ``papers/*.ics``: what the build owns) that the build no longer
    produces are deleted, so a removed paper or category leaves no stale calendar behind.
    """
    targets = {relative: safe_target(root, relative) for relative in sorted(files)}
    written: list[str] = []
    unchanged: list[str] = []
    for relative, target in targets.items():
        data = files[relative]
        try:
            if target.read_bytes() == data:
                unchanged.append(relative)
                continue
        except FileNotFoundError:
            pass
        write_atomic(target, data)
        written.append(relative)
    stale = stale_files(root, files, prune=prune)
    for relative in stale:
        (root / relative).unlink()
    return WriteReport(written=tuple(written), unchanged=tuple(unchanged), removed=stale)
