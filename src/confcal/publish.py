"""``confcal build``'s work: skip a build whose result is already in the folder (``uptodate.py``),
else build (``build.py``) and, when that build wrote nothing, record it so the next one can skip.

The pipeline is imported only when a build runs: a skipped build costs reading and hashing the
events file and the output files (tests/test_uptodate.py shows it never imports ``confcal.build``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from confcal.settings import BuildOptions

if TYPE_CHECKING:
    from confcal.build import Built


@dataclass(frozen=True)
class Published:
    """What a build (or a skipped one) says: its warnings, and how many files it wrote, left
    as they were, and removed."""

    warnings: tuple[str, ...]
    written: int
    unchanged: int
    removed: int = 0


def publish(events: Path, output: Path, options: BuildOptions) -> Published:
    """Build ``output`` from ``events`` (``build.build``); with ``options.cache_folder``, skip a
    build whose files are all already there as it would write them."""
    check = None
    if options.cache_folder is not None:
        from confcal.uptodate import Check

        check = Check.of(
            events=events, output=output, cache_folder=options.cache_folder, options=options.fingerprint()
        )
        if (done := check.skip()) is not None:
            return Published(warnings=done.warnings, written=0, unchanged=len(done.files))
    import gc

    from confcal.build import build

    def record(built: Built) -> None:
        """The build wrote nothing: record its folder, read while the build still holds its lock."""
        assert check is not None
        check.remember(files=built.report.unchanged, warnings=built.lasting_warnings)

    # The loaded programme and what is rendered from it live until the build ends, and hold no
    # cycles to collect: the collector's full passes over them grew with the programme's size
    # (about 15% of the CPU time of a 10x build), so it waits for the end of the build.
    gc.disable()
    try:
        built = build(events, output, options, unchanged=record if check is not None else None)
    finally:
        gc.enable()
    report = built.report
    return Published(
        warnings=built.warnings,
        written=len(report.written),
        unchanged=len(report.unchanged),
        removed=len(report.removed),
    )


def summary(output: Path, published: Published) -> str:
    """'output: 2 written, 16 unchanged (18 files)', with ', 1 removed' when a build deleted any."""
    written, unchanged = published.written, published.unchanged
    gone = f", {published.removed} removed" if published.removed else ""
    return f"{output}: {written} written, {unchanged} unchanged{gone} ({written + unchanged} files)"
