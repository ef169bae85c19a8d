"""confcal: publish a conference programme as iCalendar feeds."""

from importlib.metadata import version

__version__ = version("confcal")
