"""What a rule's `when` means: each condition compiled once into a fast closure that answers,
for one event, the reasons it holds as people read them (or None when it does not)."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ticketflow_automation.domain.rules import Condition
from ticketflow_automation.domain.ticket_state import TicketState

Facts = tuple[TicketState, TicketState | None, str, Mapping[str, Any]]
"""After, before, event type, event data (JSON)."""
Predicate = Callable[[TicketState, TicketState | None, str, Mapping[str, Any]], list[str] | None]
Loc = tuple[str | int, ...]


def compile_condition(condition: Condition | None) -> Predicate:
    """The condition as a closure; None (no `when`) always holds with no reasons."""
    del condition

    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        return []

    return holds


def condition_errors(condition: Condition | None) -> list[tuple[Loc, str]]:
    """Unknown fields and operators that make no sense for their value, located from `when`."""
    del condition
    return []


def event_matches(patterns: Sequence[str], event_type: str) -> bool:
    """An exact type, every type of one kind (`sla.*`) or every event (`*`)."""
    return any(
        p == "*" or p == event_type or (p.endswith(".*") and event_type.startswith(p[:-1]))
        for p in patterns
    )
