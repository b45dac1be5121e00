"""The facts every ticket event carries, taken from a ticket's `ticket.created`, for tests that
build its follow-up events (insights', knowledge's)."""

from typing import Any

from ticketflow_common.events import TicketCreated

FACT_FIELDS = frozenset(
    {
        "ticket_id",
        "status",
        "priority",
        "category",
        "team",
        "channel",
        "language",
        "required_skills",
        "requester_id",
        "requester_tier",
        "assignee_id",
    }
)


def follow_up_facts(created: TicketCreated, *, version: int, **changes: Any) -> dict[str, Any]:
    """The created ticket's facts with `changes`, at `version`."""
    return {**created.model_dump(include=set(FACT_FIELDS)), **changes, "version": version}
