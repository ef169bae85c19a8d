"""A hook for fault-injection tests: stop or pause a build at a named point.

``CONFCAL_FAULT=<point>[@<n>]:kill`` sends the process SIGKILL the ``n``-th time (default
the first) it reaches ``point``; ``<point>[@<n>]:pause:<seconds>`` sleeps there instead.
The points: ``lock`` (the output folder's lock is held), ``stage`` (every changed file is
staged, none renamed), ``rename`` (after each rename), ``prune`` (stale files deleted, the new
state not yet written), ``replace`` (a file ``write.write_atomic`` writes whole, such as the
state file or export's file, is staged beside its target, not yet renamed over it).
tests/test_faults.py uses them; unset or empty, the hook does nothing. A value of another form
is refused before any command runs (``problem``, called by the CLI), so that a typing mistake
in a test never lets a build run to its end unharmed; ``fault`` itself never raises.
"""

from __future__ import annotations

import functools
import math
import os
import re
import signal
import time
from dataclasses import dataclass

POINTS = ("lock", "stage", "rename", "prune", "replace")
_FORM = re.compile(r"(?P<point>[a-z]+)(?:@(?P<count>[1-9][0-9]*))?:(?:kill|pause:(?P<seconds>[0-9.]+))")

_reached: dict[str, int] = {}


@dataclass(frozen=True)
class Fault:
    point: str
    nth: int
    pause: float | None  # seconds; None: kill


@functools.cache
def _parse(spec: str) -> Fault | None:
    """The fault ``spec`` names, or None when it has another form."""
    match = _FORM.fullmatch(spec)
    if match is None or match["point"] not in POINTS:
        return None
    pause = None
    if (seconds := match["seconds"]) is not None:
        try:
            pause = float(seconds)
        except ValueError:
            return None
        if not math.isfinite(pause):
            return None
    return Fault(match["point"], int(match["count"] or 1), pause)


def problem() -> str | None:
    """What is wrong with CONFCAL_FAULT, in one line for the user, or None (unset, empty or
    well-formed)."""
    spec = os.environ.get("CONFCAL_FAULT")
    if not spec or _parse(spec) is not None:
        return None
    shown = spec if len(spec) <= 40 and spec.isprintable() else repr(spec[:37]) + "..."
    return (
        f"CONFCAL_FAULT={shown} is not a fault to inject; expected <point>[@<n>]:kill or "
        f"<point>[@<n>]:pause:<seconds>, with a point among {', '.join(POINTS)} (like stage:kill "
        "or rename@2:pause:1.5), or unset it: it is a hook for tests"
    )


def fault(point: str) -> None:
    """Kill or pause here when CONFCAL_FAULT names this point."""
    spec = os.environ.get("CONFCAL_FAULT")
    if not spec:
        return
    wanted = _parse(spec)
    if wanted is None or wanted.point != point:
        return
    _reached[point] = _reached.get(point, 0) + 1
    if _reached[point] != wanted.nth:
        return
    if wanted.pause is None:
        os.kill(os.getpid(), signal.SIGKILL)
    else:
        time.sleep(wanted.pause)
