"""What the events API asks of the event log: a position, type patterns and a ticket."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

TYPE_PATTERN = re.compile(r"^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*|[a-z][a-z0-9_]*\.\*|\*)$")
"""An event type (`ticket.created`), every type of one kind (`sla.*`) or every event (`*`),
as subscriptions, rules and the CLI's `follow --type` read them."""
MAX_PATTERN_CHARS = 100


@dataclass(frozen=True, order=True)
class LogPosition:
    """Where an event is in the log: its writing transaction's id, then its sequence number."""

    tx: int
    seq: int


@dataclass(frozen=True)
class TypeFilter:
    """Exact types and whole kinds (`sla` for `sla.*`); both empty: every event."""

    exact: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, patterns: Sequence[str]) -> "TypeFilter":
        """The filter for these patterns (`*` anywhere: every event); ValueError when one is
        neither a type, `<kind>.*` nor `*`."""
        for pattern in patterns:
            if len(pattern) > MAX_PATTERN_CHARS or not TYPE_PATTERN.fullmatch(pattern):
                raise ValueError("is not an event type, `<kind>.*` or `*`")
        if "*" in patterns:
            return cls()
        return cls(
            exact=frozenset(p for p in patterns if not p.endswith(".*")),
            kinds=frozenset(p[:-2] for p in patterns if p.endswith(".*")),
        )

    def matches(self, event_type: str) -> bool:
        if not self.exact and not self.kinds:
            return True
        return event_type in self.exact or event_type.partition(".")[0] in self.kinds


@dataclass(frozen=True)
class EventQuery:
    """One page's worth: events after `after` (None: from the oldest kept), of these types,
    about this ticket (None: any), at most `limit`."""

    after: LogPosition | None
    types: TypeFilter
    ticket_id: UUID | None
    limit: int
