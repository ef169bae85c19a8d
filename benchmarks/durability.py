"""What flushing to disk costs a build: confcal's write order against no flush and an fsync per file.

    .venv/bin/python -m benchmarks.durability [--papers 3540] [--runs 3] [--folder DIR]

Renders a synthetic programme once, then writes its files with ``confcal.write.write_files``
into fresh folders in three ways, each ``--runs`` times (medians):

- no flush at all (the floor: what builds did before the state file was written last);
- confcal's: every changed file staged, one ``syncfs``, renames, each folder fsynced, the state
  file fsynced with its folder last;
- an fsync of every file before its rename (the textbook way).

It prints each as a ratio to the floor, for a cold build (every file written) and for an
edit of one poster (four files and the state). ``--folder`` picks the file system to measure
(the default is a temporary folder, often tmpfs, where flushing is free: measure where the
site is built).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import confcal.write as write
from benchmarks.synth import programme as synthetic
from confcal.build import render_all
from confcal.load import parse
from confcal.revisions import revise_published
from confcal.state import STATE_FILE

Flush = Callable[[], contextlib.AbstractContextManager[None]]


def _nothing(folder: Path) -> None:
    pass


@contextlib.contextmanager
def patched(**replacements: object) -> Iterator[None]:
    saved = {name: getattr(write, name) for name in replacements}
    for name, value in replacements.items():
        setattr(write, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(write, name, value)


STAGE = write._stage


def _stage_plain(target: str, data: bytes, *, durable: bool = False) -> str:
    return STAGE(target, data)


def _stage_durable(target: str, data: bytes, *, durable: bool = False) -> str:
    return STAGE(target, data, durable=True)


def no_flush() -> contextlib.AbstractContextManager[None]:
    return patched(_sync_filesystem=_nothing, _sync_folder=_nothing, _stage=_stage_plain)


def confcal_flush() -> contextlib.AbstractContextManager[None]:
    return patched()


def fsync_every_file() -> contextlib.AbstractContextManager[None]:
    return patched(_sync_filesystem=_nothing, _stage=_stage_durable)


WAYS: dict[str, Flush] = {
    "no flush (floor)": no_flush,
    "confcal: syncfs + folders + state": confcal_flush,
    "fsync every file": fsync_every_file,
}


def timed(flush: Flush, scratch: Path, files: dict[str, bytes], seed: dict[str, bytes] | None) -> float:
    """Seconds to write ``files`` into a fresh folder (holding ``seed`` first, when given)."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    try:
        if seed is not None:
            write.write_files(folder, seed, state_file=STATE_FILE)
        with flush():
            start = time.perf_counter()
            write.write_files(folder, files, state_file=STATE_FILE)
            return time.perf_counter() - start
    finally:
        shutil.rmtree(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=3540)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=None)
    options = parser.parse_args(argv)
    text = synthetic(papers=options.papers, seed=1)
    programme = parse(text.encode(), name="synthetic.toml")
    files = render_all(revise_published(programme, None))
    edited_text = text.replace('board = "#1"\n', 'board = "Z-99"\n', 1)
    edited = render_all(revise_published(parse(edited_text.encode(), name="synthetic.toml"), None))
    changed = sum(1 for name in edited if edited[name] != files.get(name))
    print(f"{len(programme.events)} events, {len(files)} files; an edit of one poster changes {changed}")
    with tempfile.TemporaryDirectory(dir=options.folder) as scratch:
        floors: dict[str, float] = {}
        for way, flush in WAYS.items():
            cold = statistics.median(timed(flush, Path(scratch), files, None) for _ in range(options.runs))
            edit = statistics.median(timed(flush, Path(scratch), edited, files) for _ in range(options.runs))
            floors.setdefault("cold", cold)
            floors.setdefault("edit", edit)
            print(
                f"{way:36} cold build {cold:6.3f} s ({cold / floors['cold']:5.1f}×)   "
                f"edit one {edit:6.3f} s ({edit / floors['edit']:5.1f}×)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
