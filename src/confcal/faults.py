"""A hook for fault-injection tests: stop or pause a build at a named point.

``CONFCAL_FAULT=<point>[@<n>]:kill`` sends the process SIGKILL the ``n``-th time (default
the first) it reaches ``point``; ``<point>[@<n>]:pause:<seconds>`` sleeps there instead.
The points: ``lock`` (the output folder's lock is held), ``render`` (render workers are
running), ``stage`` (every changed file is staged, none renamed), ``rename`` (after each
rename), ``prune`` (stale files deleted, the new state not yet written).
tests/test_faults.py uses them; unset, the hook does nothing.
"""

from __future__ import annotations

import os
import signal
import time

_reached: dict[str, int] = {}


def fault(point: str) -> None:
    """Kill or pause here when CONFCAL_FAULT names this point."""
    spec = os.environ.get("CONFCAL_FAULT")
    if not spec:
        return
    where, _, action = spec.partition(":")
    name, _, count = where.partition("@")
    if name != point:
        return
    _reached[point] = _reached.get(point, 0) + 1
    if _reached[point] != int(count or 1):
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action.startswith("pause:"):
        time.sleep(float(action.removeprefix("pause:")))
