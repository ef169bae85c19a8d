"""The floor of a build: parse the events file and write the files, with no other work.

    .venv/bin/python -m benchmarks.floor EVENTS BYTES OUTPUT

Parses EVENTS with tomli (the parser confcal uses), reads BYTES (a marshal dump of
path → bytes, the files a confcal build of EVENTS writes, prepared beforehand by
benchmarks/bench.py) and writes every file into OUTPUT atomically: a temporary file in the
same folder, then a rename. No build can do less and still publish the same bytes, so
benchmarks/bench.py prints confcal's times as ratios to this one, measured in the same run.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

import tomli


def write_floor(*, events: Path, files: Path, output: Path) -> int:
    """Parse ``events``, write the files stored in ``files`` under ``output``; the number written."""
    with events.open("rb") as stream:
        tomli.load(stream)
    stored: dict[str, bytes] = marshal.loads(files.read_bytes())
    folders: set[str] = set()
    for relative, data in stored.items():
        target = os.path.join(output, relative)
        folder, name = os.path.split(target)
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        temporary = os.path.join(folder, f".{name}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(handle, data)
        finally:
            os.close(handle)
        os.rename(temporary, target)
    return len(stored)


def main(argv: list[str] | None = None) -> int:
    events, files, output = (Path(arg) for arg in (argv if argv is not None else sys.argv[1:]))
    write_floor(events=events, files=files, output=output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
