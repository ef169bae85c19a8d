"""Which events go into which feed, and what each feed is called."""

from __future__ import annotations

from dataclasses import dataclass

from confcal.model import Event, Programme

OVERALL_FEED_ID = "all"
PAPERS_FOLDER = "papers"


@dataclass(frozen=True)
class Feed:
    id: str
    name: str
    description: str
    events: tuple[Event, ...]
    folder: str = ""

    @property
    def filename(self) -> str:
        """Path of the feed's file relative to the output folder."""
        return f"{self.folder}/{self.id}.ics" if self.folder else f"{self.id}.ics"


def feeds(programme: Programme) -> tuple[Feed, ...]:
    """The overall feed, one feed per category, then the ``[[feeds]]`` tables, in file order."""
    conference = programme.conference
    where = f"{conference.venue}, {conference.city}"
    dates = f"{conference.start:%-d %b} – {conference.end:%-d %b %Y}"
    overall = Feed(
        id=OVERALL_FEED_ID,
        name=conference.name,
        description=(
            f"{conference.full_name}, {dates}, {where}: every event in this programme. "
            f"Times are set in {conference.timezone}; your calendar shows them in your own time zone."
        ),
        events=programme.events,
    )
    per_category = tuple(
        Feed(
            id=category.id,
            name=f"{conference.name}: {category.name}",
            description=(
                f"{category.name} at {conference.full_name}, {dates}, {where}. "
                f"Times are set in {conference.timezone}; your calendar shows them in your own time zone."
            ),
            events=tuple(e for e in programme.events if programme.paper(e.paper).category == category.id),
        )
        for category in programme.categories
    )
    declared = tuple(
        Feed(
            id=spec.id,
            name=f"{conference.name}: {spec.name}",
            description=(
                f"{spec.name} at {conference.full_name}, {dates}, {where}. "
                f"Times are set in {conference.timezone}; your calendar shows them in your own time zone."
            ),
            events=tuple(e for e in programme.events if spec.filters.matches(programme, e)),
        )
        for spec in programme.declared_feeds
    )
    return (overall, *per_category, *declared)


def paper_feeds(programme: Programme) -> tuple[Feed, ...]:
    """One small calendar per paper (``papers/<paper-id>.ics``) with all of that paper's events."""
    conference = programme.conference
    return tuple(
        Feed(
            id=paper.id,
            name=f"{conference.name}: {paper.title}",
            description=(
                f"{paper.title} ({programme.category(paper.category).name}) at {conference.full_name}. "
                f"Times are set in {conference.timezone}; your calendar shows them in your own time zone."
            ),
            events=programme.events_of(paper.id),
            folder=PAPERS_FOLDER,
        )
        for paper in programme.papers
    )
