"""One build at a time per output folder: an advisory ``flock`` on the folder itself.

``build`` holds it exclusively from reading the published state to writing the new one;
``diff`` and ``export`` hold it shared while they read the state and the files. A process that
finds it held says so on stderr and waits, up to LOCK_TIMEOUT seconds, then fails clearly.
The lock is on the folder's own descriptor, so no lock file appears among the published ones,
and the kernel releases it when the process dies, however it dies.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from confcal.faults import fault
from confcal.write import WriteError, blocking_file

LOCK_TIMEOUT = 600.0
_POLL = 0.05


class LockTimeoutError(WriteError):
    """Another confcal process held the output folder for longer than we wait."""


@contextmanager
def hold(folder: Path, *, exclusive: bool, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``folder``'s lock for the block. A folder that does not exist has nothing to
    read: a shared hold then holds nothing (``build`` creates its folder first). A folder that
    cannot be opened is a WriteError that says why."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        if exclusive:
            raise
        yield
        return
    except NotADirectoryError:
        blocker = blocking_file(folder) or folder
        what = "the output folder" if exclusive else "the folder of the published feeds (--published)"
        where = "is a file, not a folder" if blocker == folder else f"{blocker} is a file"
        raise WriteError(f"{folder}: {where}; expected {what}") from None
    except PermissionError as error:
        access = (
            f"readable and writable (chmod u+rwx {folder})"
            if exclusive
            else f"readable (chmod u+rx {folder})"
        )
        raise WriteError(
            f"{folder}: cannot open the folder: {error.strerror}; make it {access} or choose another folder"
        ) from None
    except OSError as error:  # a loop of symbolic links, a name too long, an I/O error
        message = f"{folder}: cannot open the folder: {error.strerror}; choose another folder"
        raise WriteError(message) from None
    try:
        _acquire(descriptor, folder, exclusive=exclusive, timeout=timeout)
        fault("lock")
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _acquire(descriptor: int, folder: Path, *, exclusive: bool, timeout: float) -> None:
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    print(f"{folder}: another confcal process is using this folder; waiting for it…", file=sys.stderr)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(_POLL)
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            continue
    raise LockTimeoutError(
        f"{folder}: another confcal process has held this folder for {timeout:.0f} s; "
        "wait for it to finish (or stop it) and run again"
    )
