"""confcal: publish a conference programme as iCalendar feeds."""

__version__ = "0.1.0"
