"""``confcal serve``: a local preview of what ``confcal build`` would publish, rebuilt on every save.

A preview publishes nothing. It builds into a scratch folder of its own (removed when serve
stops, on Ctrl-C or SIGTERM) and reads the published state of the output folder only to number
versions as the next build would: the output folder, its state file and every SEQUENCE move
only on ``confcal build``. However many times a talk is moved while previewing, the next build
raises its SEQUENCE once. The served page and the console say that it is a preview.

The HTTP side is in ``confcal.server``.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from confcal.build import preview
from confcal.cache import RenderCache
from confcal.errors import EventsFileError
from confcal.feeds import OVERALL_FEED_ID
from confcal.server import ListenError, PreviewServer
from confcal.settings import BuildOptions
from confcal.site import INDEX
from confcal.state import STATE_FILE
from confcal.write import write_files

__all__ = ["ListenError", "run"]

POLL_SECONDS = 0.5


def with_preview_note(page: bytes, *, events: Path) -> bytes:
    """The page with a note at the top of its header saying that it is a preview."""
    from confcal.pages import render

    note = render("preview-note.html", events=events.name)
    return page.replace(b"<header>\n", b"<header>\n" + note, 1)


class Previewer:
    """Builds the preview of ``events`` into ``scratch``; rebuilds whenever ``events`` changes."""

    def __init__(self, *, events: Path, published: Path, scratch: Path, options: BuildOptions) -> None:
        self.events = events
        self.published = published
        self.scratch = scratch
        self.options = options
        self.signature = self.current_signature()
        self.stopped = threading.Event()
        self.written: tuple[str, ...] = ()
        """The files of the last preview (one that is no longer built is deleted)."""
        self.cache = RenderCache()
        """What the last preview rendered: a rebuild after an edit renders only what changed."""

    def current_signature(self) -> tuple[int, int] | None:
        try:
            info = self.events.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def build(self) -> None:
        """Build the preview once; EventsFileError propagates and nothing is written."""
        planned = preview(self.events, self.published, self.options, cache=self.cache)
        files = {name: data for name, data in planned.files.items() if name != STATE_FILE}
        differ = [name for name in planned.changed if name != STATE_FILE]
        files[INDEX] = with_preview_note(files[INDEX], events=self.events)
        write_files(self.scratch, files, removable=self.written)
        self.written = tuple(files)
        print(
            f"preview of {self.events}: {len(files)} files, {len(differ)} differ from {self.published} "
            "(only confcal build publishes)",
            flush=True,
        )
        if planned.refused:
            print(planned.refused, file=sys.stderr, flush=True)

    def poll(self) -> None:
        """Rebuild on every change until stopped. No error ends the watching: the last good
        preview stays online and the next edit is built."""
        while not self.stopped.wait(POLL_SECONDS):
            signature = self.current_signature()
            if signature == self.signature:
                continue
            self.signature = signature
            print(f"{self.events} changed: rebuilding the preview", flush=True)
            try:
                self.build()
                continue
            except EventsFileError as error:
                print(error.report(), file=sys.stderr, flush=True)
            except OSError as error:
                print(f"cannot build the preview: {error}", file=sys.stderr, flush=True)
            except Exception as error:
                message = f"cannot build the preview: {type(error).__name__}: {error} (a bug in confcal)"
                print(message, file=sys.stderr, flush=True)
            print("still serving the last good build", file=sys.stderr, flush=True)


def stop_on_sigterm(_signal: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(*, events: Path, published: Path, host: str, port: int, options: BuildOptions) -> None:
    """Preview ``events`` until Ctrl-C or SIGTERM, rebuilding on every change; ``published`` is
    the published folder (read, never written). ``options`` as for ``build``: the stamp and the
    public address are the ones that change a preview."""
    previous_handler = signal.signal(signal.SIGTERM, stop_on_sigterm)
    scratch = Path(tempfile.mkdtemp(prefix="confcal-preview-"))
    try:
        # Listen first: a port in use is said at once, not after the build; a browser that comes
        # during the build waits in the listen queue.
        server = PreviewServer((host, port), root=scratch)
        try:
            previewer = Previewer(events=events, published=published, scratch=scratch, options=options)
            previewer.build()
        except BaseException:
            server.server_close()
            raise
        serve(previewer, server)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_handler)


def serve(previewer: Previewer, server: PreviewServer) -> None:
    """Serve the built preview, watching for changes in another thread, until Ctrl-C; then close
    the server."""
    watcher = threading.Thread(target=previewer.poll, name="confcal-rebuild", daemon=True)
    feed = f"{server.url}{OVERALL_FEED_ID}.ics"
    try:
        watcher.start()
        print(
            f"serving the preview at {server.url}\n"
            f"  open:      {server.url}\n"
            f"  subscribe: webcal://{feed.removeprefix('http://')} (from a calendar app on this machine)\n"
            f"watching {previewer.events} for changes; press Ctrl-C to stop",
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        previewer.stopped.set()
        if watcher.is_alive():
            watcher.join()
        server.server_close()
    print("stopped", flush=True)
