"""The domain errors (the main one: everything wrong with an events file, reported at once). Only
the standard library: the CLI's error boundary imports this module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        head = ": ".join(part for part in (where, self.path) if part)
        return f"{head}: {self.message}" if head else self.message


def cannot_read(error: OSError, name: str) -> str:
    """Why the file ``name`` cannot be read, and what to do, for a message that names it."""
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file; give the path of the file"
    if isinstance(error, PermissionError):
        return f"cannot read: {error.strerror}; make it readable (chmod u+r {name}) or give another file"
    return f"cannot read: {error.strerror or error}"


class EventsFileError(ValueError):
    """The events file cannot be turned into a programme; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        return "\n".join([f"{head} in the events file:", *(f"  {p}" for p in self.problems)])


class UnknownIdError(ValueError):
    """A filter (export, agenda) names a category, paper or session the programme does not have."""


class NoMatchError(ValueError):
    """No event passes the filters (export, agenda); the message says what each filter matches
    on its own."""


class StampError(ValueError):
    """SOURCE_DATE_EPOCH holds no time confcal can stamp events with (not a time up to 2999, or
    one not later than a stamp already published: ``publish.stale_stamp``); ``str()`` is one line
    that says what it holds, what was expected and how to fix it."""


class WriteError(OSError):
    """The output folder cannot be written; ``str()`` is one line that says where and why."""


class ScheduleFileError(ValueError):
    """A schedule.xml or schedule.json that ``confcal import`` cannot read: one message, with
    its position (a line, or a JSON path) when there is one."""

    def __init__(self, file: str, message: str, *, where: int | str | None = None) -> None:
        self.file = file
        self.message = message
        self.where = where
        super().__init__(self.report())

    def report(self) -> str:
        if isinstance(self.where, int):
            return f"{self.file}:{self.where}: {self.message}"
        if self.where:
            return f"{self.file}: {self.where}: {self.message}"
        return f"{self.file}: {self.message}"
