"""Writes into the output folder: every file atomic, the state file last, nothing left half done.

``write_files`` is the order a crash cannot make wrong (README, "Reliability"):

1. temp files an earlier, killed build left behind are removed;
2. every changed file is staged as ``.<name>.<random>.tmp`` beside its target, then the
   staged files are flushed to disk (one ``syncfs``); a full disk or a read-only folder fails
   here, and the staged files are removed, leaving the folder as it was;
3. each staged file is renamed over its target (a reader sees the old file or the new one,
   never a part), and the folders are flushed;
4. files the previous build published that this one does not are deleted;
5. the state file is written last, flushed with its folder.

Killed anywhere before 5, the folder holds the previous state and feeds that are each the old
or the new version; the next build computes the same revisions again and finishes the job.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import sys
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from confcal.errors import WriteError as WriteError
from confcal.faults import fault

# Temporary files: ".<target name>." + 8 characters from this alphabet + ".tmp" (as tempfile.mkstemp
# named them, so a build also removes what older versions left).
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class UnsafePathError(ValueError):
    """A relative path that would land outside the output folder."""


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def safe_target(root: Path, relative: str) -> Path:
    parts = relative.split("/")
    if all(part not in ("", ".", "..") for part in parts):  # the usual case, without parsing it twice
        return root / relative
    return _checked_target(root, relative)


def _target_name(root: str, relative: str) -> str:
    """``safe_target`` as a string, without a Path for each of thousands of files."""
    if all(part not in ("", ".", "..") for part in relative.split("/")):
        return os.path.join(root, relative)
    return str(_checked_target(Path(root), relative))


def _checked_target(root: Path, relative: str) -> Path:
    path = PurePosixPath(relative)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise UnsafePathError(f"refusing to write {relative!r} outside {root}")
    return root.joinpath(*path.parts)


def remedy(error: OSError, folder: Path | str) -> str:
    """What to do when the system refused to write in ``folder`` ('' when there is nothing to say)."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"; make {folder} writable (chmod u+w {folder}) or choose another folder"
    if error.errno == errno.EROFS:
        return "; choose a folder on a writable file system"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "; free some space and run again"
    return ""


def unwritable(error: OSError, root: Path) -> str:
    """One line for an OSError while writing into the output folder ``root``: the folder the
    system refused to write in (never the hidden name of a staged file), why, and what to do."""
    path = os.fspath(error.filename or root)
    if os.path.isdir(path):
        folder = path
    elif _TEMPORARY.fullmatch(os.path.basename(path)) or not os.path.lexists(path):
        folder = os.path.dirname(path) or "."
    else:  # an existing file of the folder
        return f"{path}: {error.strerror or error}{remedy(error, os.path.dirname(path) or '.')}"
    return f"{folder}: cannot write in this folder: {error.strerror or error}{remedy(error, folder)}"


def blocking_file(path: Path) -> Path | None:
    """The nearest of ``path`` and its parents that exists but is not a folder (``os.path``,
    which never raises: a name too long or a loop of links is not in the way)."""
    return next((p for p in (path, *path.parents) if os.path.exists(p) and not os.path.isdir(p)), None)


def why_not(error: OSError, target: Path) -> str:
    """Why ``target`` cannot be written, in a few words: a file in the way, a folder that cannot
    be reached (a loop of symbolic links, which mkdir reports as existing), or the system's reason."""
    if isinstance(error, (NotADirectoryError, FileExistsError)) and (blocker := blocking_file(target.parent)):
        return f"{blocker} is a file"
    if isinstance(error, FileExistsError):
        try:
            os.stat(target.parent)
        except OSError as reason:
            return f"{target.parent}: {reason.strerror}"
    return f"{error.strerror or error}{remedy(error, target.parent)}"


def make_folder(folder: Path) -> None:
    """Create the output folder (and its parents); a WriteError says why it cannot be one."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        if folder.is_symlink():
            target = os.readlink(folder)
            try:
                folder.stat()
            except FileNotFoundError:
                raise WriteError(
                    f"{folder}: is a symbolic link to {target}, which does not exist; "
                    "create that folder or remove the link"
                ) from None
            except OSError as error:  # a loop of links
                raise WriteError(
                    f"{folder}: is a symbolic link to {target}: {error.strerror}; "
                    "make it point to a folder or remove the link"
                ) from None
        raise WriteError(f"{folder}: is a file, not a folder; choose another output folder") from None
    except NotADirectoryError:
        parent = blocking_file(folder.parent) or folder.parent
        raise WriteError(f"{folder}: cannot create the folder: {parent} is a file") from None
    except OSError as error:
        raise WriteError(f"{folder}: cannot create the folder: {error.strerror}") from None


def write_atomic(target: Path, data: bytes, *, durable: bool = False) -> None:
    """Write to a temporary file in the same folder, then rename it over the target.

    Readers (a web server, a subscriber) see the old file or the new one, never a part.
    ``durable`` also flushes the file and its folder to disk, so that after a crash the
    target holds the new bytes, complete.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _stage(str(target), data, durable=durable)
    try:
        fault("replace")
        os.replace(temporary, target)
    except BaseException:
        _unlink(temporary)
        raise
    if durable:
        _sync_folder(target.parent)


def write_file(target: Path, data: bytes) -> None:
    """``write_atomic`` for the one file a command writes (export, import); WriteError says, in a
    line, why it cannot be written. A symbolic link is written through, as ``cp`` and a shell's
    ``>`` write: the file it leads to is replaced (atomically, staged in that file's folder) and the
    link stays, as ``build -o`` writes into the folder a link leads to.

    A pipe or a character device (``/dev/stdout`` piped, ``/dev/null``, a terminal, ``>(gzip)``)
    is written to directly, as ``cp`` and a shell's ``>`` write to it: it holds no file to replace,
    and a reader of a pipe sees the bytes as they come anyway. Renaming a file over it would
    replace the device or the pipe itself (a link to a pipe leads nowhere a file can be). Another
    kind of file (a socket, a block device) is refused.

    A name of one of the process's own descriptors (``/dev/stdout``, ``/dev/stderr``,
    ``/dev/fd/N``, ``/proc/self/fd/N``) is written through that descriptor, as ``-o -`` writes
    to stdout: at its offset, appending when the shell opened it with ``>>``. It is no file to
    replace: renaming a file over what ``>`` or ``>>`` opened would leave the shell's descriptor
    on the old file, and lose what ``>>`` kept."""
    written = target
    try:
        if target.is_dir():
            raise WriteError(
                f"cannot write {target}: it is a folder; give the name of a file (in it, or elsewhere)"
            )
        if (descriptor := own_descriptor(target)) is not None:
            _write_to_descriptor(target, descriptor, data)
            return
        kind = _special_kind(target)
        if kind in ("pipe", "character device"):
            _write_through(target, data)
            return
        if kind:
            raise WriteError(
                f"cannot write {target}: it is a {kind}, not a file; give the name of a file, or - for stdout"
            )
        written = _through_link(target)
        write_atomic(written, data)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(f"cannot write {target}: {why_not(error, written)}") from None


_DESCRIPTOR_FOLDERS = re.compile(r"/proc/(?P<pid>[0-9]+)(?:/task/[0-9]+)?/fd|/dev/fd")
_STANDARD_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def own_descriptor(target: Path) -> int | None:
    """The open descriptor of this process that ``target`` names (``/dev/stdout``, ``/dev/fd/N``,
    ``/proc/self/fd/N``, or a symbolic link to one of them), as Linux resolves it: the name, its
    links followed up to a descriptor's own name, and the same file as ``os.fstat`` of that
    descriptor; None for any other path, and for a descriptor that is not open."""
    name = os.path.abspath(target)
    for _ in range(40):  # as many links as Linux follows
        folder, base = os.path.split(name)
        try:
            folder = os.path.realpath(folder)
        except (OSError, ValueError):
            return None
        found = _DESCRIPTOR_FOLDERS.fullmatch(folder)
        if (stream := _STANDARD_STREAMS.get(os.path.join(folder, base))) is not None:
            descriptor = stream
            break
        if found and base.isdigit() and int(found["pid"] or os.getpid()) == os.getpid():
            descriptor = int(base)
            break
        try:
            name = os.path.join(folder, os.readlink(name))
        except (OSError, ValueError):
            return None
    else:
        return None
    try:
        named, opened = os.stat(target), os.fstat(descriptor)
    except (OSError, ValueError):
        return None
    return descriptor if (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino) else None


def _write_to_descriptor(target: Path, descriptor: int, data: bytes) -> None:
    """Write ``data`` through this process's open ``descriptor``, after what Python's own streams
    hold for it; WriteError when it is open for reading only."""
    if fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
        raise WriteError(f"cannot write {target}: descriptor {descriptor} is open for reading only")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    _write_all(descriptor, data)


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "pipe"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISBLK, "block device"),
)


def _special_kind(target: Path) -> str:
    """What ``target`` (links followed) is when it is neither a file nor a folder; "" when it is
    one, or is not there, or cannot be reached (``write_atomic`` then says why)."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return ""
    return next((kind for test, kind in _SPECIAL_KINDS if test(mode)), "")


def _write_through(target: Path, data: bytes) -> None:
    """Write ``data`` to the pipe or device ``target`` (it exists: nothing is created)."""
    handle = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        _write_all(handle, data)
    finally:
        os.close(handle)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _through_link(target: Path) -> Path:
    """The file ``target`` names, symbolic links followed; WriteError for a link that leads
    nowhere (refused, as ``build -o`` and ``cp`` refuse one, rather than create a file there)."""
    if not target.is_symlink():
        return target
    try:
        return Path(os.path.realpath(target, strict=True))
    except FileNotFoundError:
        raise WriteError(
            f"cannot write {target}: it is a symbolic link to {os.path.realpath(target)}, which does not "
            "exist; create that file or remove the link"
        ) from None
    except OSError as error:  # a loop of links
        raise WriteError(
            f"cannot write {target}: it is a symbolic link to {os.readlink(target)}: {error.strerror}; "
            "make it point to a file or remove the link"
        ) from None


def _stage(target: str, data: bytes, *, durable: bool = False) -> str:
    """Write ``data`` to a new temporary file beside ``target`` (mode 0644); its name."""
    folder, name = os.path.split(target)
    while True:
        temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            handle = os.open(temporary, _CREATE, 0o600)
            break
        except FileExistsError:
            continue
    try:
        try:
            _write_all(handle, data)
            os.fchmod(handle, 0o644)
            if durable:
                os.fsync(handle)
        finally:
            os.close(handle)
    except BaseException:
        _unlink(temporary)
        raise
    return temporary


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_filesystem(folder: Path) -> None:
    """Flush every staged file with one syncfs(2), far cheaper than an fsync per file
    (benchmarks/durability.py); os.sync() where syncfs is not available."""
    import ctypes  # only when there is something to flush: `confcal build` skipped imports none of it

    libc = ctypes.CDLL(None, use_errno=True)
    syncfs = getattr(libc, "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if syncfs(descriptor) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(folder))
    finally:
        os.close(descriptor)


def remove_temporary_files(root: Path, folders: Collection[str]) -> None:
    """Delete the ``.<name>.<random>.tmp`` files an interrupted build left in ``folders``
    (relative to ``root``). Called with the folder's lock held, so none is in use."""
    for folder in folders:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entry in os.scandir(root / folder):
                if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)


def _sizes(folder: Path) -> dict[str, int]:
    """Size of every file (or link to one) in ``folder``, from one directory listing."""
    sizes: dict[str, int] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.is_file():
                        sizes[entry.name] = entry.stat().st_size
    except (FileNotFoundError, NotADirectoryError):
        pass
    return sizes


class _Compare:
    """Whether a file's bytes are already in the folder. Each folder is listed once: a file that
    is missing or of another size has changed without being opened; only a file of the same
    size is read and compared."""

    def __init__(self, root: Path) -> None:
        self.top = os.fspath(root)
        self.listed: dict[str, dict[str, int]] = {}

    def same(self, relative: str, data: bytes) -> bool:
        target = _target_name(self.top, relative)
        folder, name = os.path.split(target)
        if folder not in self.listed:
            self.listed[folder] = _sizes(Path(folder))
        if self.listed[folder].get(name) != len(data):
            return False
        try:
            with open(target, "rb") as stream:
                return stream.read() == data
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return False


def changed_files(root: Path, files: Mapping[str, bytes]) -> tuple[list[str], list[str]]:
    """``files`` split into those whose bytes differ from the folder's and those already there."""
    written: list[str] = []
    unchanged: list[str] = []
    compare = _Compare(root)
    for relative in sorted(files):
        (unchanged if compare.same(relative, files[relative]) else written).append(relative)
    return written, unchanged


def stale_files(root: Path, files: Collection[str], *, removable: Collection[str]) -> tuple[str, ...]:
    """Files of ``removable`` (what the last build published) that exist but are not in ``files``."""
    return tuple(
        sorted(
            relative
            for relative in set(removable) - set(files)
            if safe_target(root, relative).is_file() and not safe_target(root, relative).is_symlink()
        )
    )


def write_files(
    root: Path,
    files: Mapping[str, bytes],
    *,
    state_file: str | None = None,
    removable: Collection[str] = (),
    interim_state: bytes | None = None,
) -> WriteReport:
    """``write_stream`` of files already rendered."""
    return write_stream(
        root,
        tuple(files),
        iter(files.items()),
        state_file=state_file,
        removable=removable,
        interim_state=interim_state,
    )


def write_stream(
    root: Path,
    names: Collection[str],
    files: Iterator[tuple[str, bytes]],
    *,
    state_file: str | None = None,
    removable: Collection[str] = (),
    interim_state: bytes | None = None,
) -> WriteReport:
    """Write ``files`` (name, bytes), as they come, under ``root`` in the order described in
    the module docstring. Each changed file is staged as soon as it arrives and its bytes are
    let go: the caller may render them one at a time (``build.Rendering``) and never hold them all.

    ``names``: every name ``files`` will give, known before the first one is rendered (each
    is checked before anything is written). ``state_file`` (one of ``files``, if given) is
    written last and durably. ``removable``: files a previous build published, deleted when
    ``names`` no longer holds them. ``interim_state``, when given, is written (durably) before
    any other file: the previous state naming the files this build is about to add, so that a
    build killed halfway still knows they are its own. Anything raised while ``files`` renders
    removes what was staged and puts the previous state back.
    Raises WriteError with one line for the user when the folder cannot be written.
    """
    try:
        return _write_files(
            root, names, files, state_file=state_file, removable=removable, interim_state=interim_state
        )
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(unwritable(error, root)) from None


def _write_files(
    root: Path,
    names: Collection[str],
    files: Iterator[tuple[str, bytes]],
    *,
    state_file: str | None,
    removable: Collection[str],
    interim_state: bytes | None,
) -> WriteReport:
    expected = frozenset(names)
    top = os.fspath(root)
    for relative in expected:
        _target_name(top, relative)  # an unsafe name fails before anything is written
    folders = {PurePosixPath(relative).parent.as_posix() for relative in expected}
    remove_temporary_files(root, folders)
    state_path = safe_target(root, state_file) if state_file else None
    previous_state = _read_or_none(state_path) if state_path and interim_state is not None else None
    interim = (
        state_path if state_path and interim_state is not None and previous_state != interim_state else None
    )
    compare = _Compare(root)
    written: list[str] = []
    unchanged: list[str] = []
    state: bytes | None = None
    staged: dict[str, tuple[str, str]] = {}
    made: set[str] = set()

    def take(relative: str, data: bytes) -> None:
        nonlocal state
        if relative not in expected:
            raise ValueError(f"{relative!r} is not one of the names write_stream was given")
        if relative == state_file:
            # Compared with the state file as it was before the interim one replaced it; written last.
            same = data == previous_state if interim else compare.same(relative, data)
            state = None if same else data
        else:
            same = compare.same(relative, data)
        (unchanged if same else written).append(relative)
        if same or relative == state_file:
            return
        target = _target_name(top, relative)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        staged[relative] = (_stage(target, data), target)

    if interim and interim_state is not None:
        write_atomic(interim, interim_state, durable=True)
    try:
        for relative, data in files:
            take(relative, data)
            del data  # staged or unchanged: the bytes are no longer held while the next file renders
        if staged:
            _sync_filesystem(root)
    except BaseException:
        for temporary, _ in staged.values():
            _unlink(temporary)
        if interim:
            _restore(interim, previous_state)
        raise
    fault("stage")
    for relative in sorted(staged):
        temporary, target = staged[relative]
        os.replace(temporary, target)
        fault("rename")
    for folder in sorted(folders, key=len, reverse=True):
        _sync_folder(root / folder)
    stale = stale_files(root, expected, removable=removable)
    for relative in stale:
        safe_target(root, relative).unlink(missing_ok=True)
    _remove_emptied_folders(root, stale)
    fault("prune")
    if state_path and state is not None:
        write_atomic(state_path, state, durable=True)
    return WriteReport(written=tuple(sorted(written)), unchanged=tuple(sorted(unchanged)), removed=stale)


def _remove_emptied_folders(root: Path, removed: Collection[str]) -> None:
    """Folders (never ``root``) that held only files just deleted, such as ``reminders/``."""
    parents = {PurePosixPath(relative).parent for relative in removed}
    for parent in sorted(parents, key=lambda path: len(path.parts), reverse=True):
        if parent.parts:
            with contextlib.suppress(OSError):
                safe_target(root, parent.as_posix()).rmdir()


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(path: Path, data: bytes | None) -> None:
    """Put back the state file as it was before the interim one (best effort: the interim
    state is itself consistent with the folder)."""
    with contextlib.suppress(OSError):
        if data is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, data, durable=True)
