"""gunicorn serving ``confcal.web:app`` as a real subprocess on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.web import LISTENING, gunicorn_command
from tests.test_serve import Reply as Reply
from tests.test_serve import request as serve_request

START_TIMEOUT = 20.0


@contextmanager
def gunicorn(output: Path, *, workers: int = 2, threads: int = 1) -> Iterator[str]:
    """Start gunicorn on 127.0.0.1 (port 0: the kernel picks one), yield its URL, stop it.

    ``threads`` above 1 selects gunicorn's threaded workers: a browser's idle pre-opened
    connections would otherwise hold a sync worker (in production a proxy buffers them).
    """
    command = gunicorn_command(workers=workers, threads=threads)
    env = dict(os.environ, CONFCAL_OUTPUT=str(output))
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    log: list[str] = []
    port: list[str] = []
    ready = threading.Event()

    def read_log() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            if (match := LISTENING.search(line)) and not port:
                port.append(match[1])
                ready.set()
        ready.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT) or not port:
            raise AssertionError("gunicorn did not start:\n" + "".join(log))
        url = f"http://127.0.0.1:{port[0]}"
        wait_until_answering(url)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)


def wait_until_answering(url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            request(url, "/")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def request(url: str, path: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    """``test_serve.request`` with a longer timeout: under load, gunicorn's backlog may queue it."""
    return serve_request(url, path, method=method, headers=headers, timeout=30)
