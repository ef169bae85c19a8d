"""write.write_stream: files are staged as they are rendered, in the order a crash cannot make wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from confcal.write import write_files, write_stream
from tests.helpers import snapshot

STATE = "state.json"


def temporary_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob(".*.tmp"))


def test_each_file_is_staged_before_the_next_is_rendered(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    names = ("a.ics", "papers/b.ics", "c.html", STATE)
    seen: list[list[str]] = []

    def rendered() -> Iterator[tuple[str, bytes]]:
        for name in names:
            seen.append(temporary_files(output))
            yield name, f"{name}\n".encode()

    report = write_stream(output, names, rendered(), state_file=STATE)
    # Before each file is rendered, every earlier one (but the state file) is already on disk.
    assert [len(staged) for staged in seen] == [0, 1, 2, 3]
    assert seen[1][0].startswith(".a.ics.")
    assert seen[2][1].startswith(".b.ics.")
    assert report.written == tuple(sorted(names))
    assert {path: data for path, (data, _) in snapshot(output).items()} == {
        n: f"{n}\n".encode() for n in names
    }
    assert temporary_files(output) == []


def test_a_file_already_in_the_folder_is_not_rewritten(tmp_path: Path) -> None:
    output = tmp_path / "out"
    write_files(output, {"a.ics": b"a", "b.ics": b"b", STATE: b"1"}, state_file=STATE)
    before = snapshot(output)
    report = write_stream(
        output,
        ("a.ics", "b.ics", STATE),
        iter([("a.ics", b"a"), ("b.ics", b"B"), (STATE, b"1")]),
        state_file=STATE,
    )
    assert (report.written, report.unchanged) == (("b.ics",), ("a.ics", STATE))
    after = snapshot(output)
    assert after["a.ics"] == before["a.ics"], "same bytes and mtime"
    assert after[STATE] == before[STATE]
    assert after["b.ics"][0] == b"B"


def test_a_failure_while_rendering_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """The interim state is written before anything renders; a rendering that fails removes
    what it staged and puts the previous state back."""
    output = tmp_path / "out"
    write_files(output, {"a.ics": b"a", STATE: b"previous"}, state_file=STATE, removable=())
    before = snapshot(output)

    def rendered() -> Iterator[tuple[str, bytes]]:
        yield "a.ics", b"new a"
        yield "new.ics", b"new"
        assert (output / STATE).read_bytes() == b"interim", "the interim state is written first"
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError, match="rendering failed"):
        write_stream(
            output,
            ("a.ics", "new.ics", STATE),
            rendered(),
            state_file=STATE,
            removable=("a.ics",),
            interim_state=b"interim",
        )
    assert {k: v[0] for k, v in snapshot(output).items()} == {k: v[0] for k, v in before.items()}
    assert snapshot(output)["a.ics"] == before["a.ics"]
    assert temporary_files(output) == []


def test_a_name_it_was_not_given_is_refused(tmp_path: Path) -> None:
    """The names come first (the interim state lists them): a file outside them is a bug, and
    nothing it staged is left behind."""
    output = tmp_path / "out"
    output.mkdir()
    with pytest.raises(ValueError, match=r"'b\.ics' is not one of the names"):
        write_stream(output, ("a.ics",), iter([("a.ics", b"a"), ("b.ics", b"b")]))
    assert list(output.iterdir()) == []
