"""The per-ticket figures every scorecard and report reads, derived in this one place from a
`tickets` row (the SQL view `ticket_figures` of migration 0003 mirrors these rules)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

RESOLVED_STATUSES = frozenset({"resolved", "closed"})
"""A ticket in one of these, with a resolution instant, counts as resolved."""
SATISFIED_RATING = 4
"""CSAT counts the share of ratings at or above this (4 and 5 of 5)."""
FCR_MAX_AGENT_REPLIES = 1
"""First-contact resolution: resolved, never reopened, with at most this many agent replies."""


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from `start` to `end`, never negative (clocks of two services may disagree);
    None when either is unknown."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


@dataclass(frozen=True)
class TicketFigures:
    """The durations and outcomes of one ticket; None where the ticket has not got there."""

    ticket_id: UUID
    team: str | None
    assignee_id: UUID | None
    resolved_by: UUID | None
    created_at: datetime | None
    resolved_at: datetime | None
    time_to_owner_seconds: float | None
    first_response_seconds: float | None
    resolution_seconds: float | None
    handling_seconds: float
    resolved: bool
    first_contact_resolution: bool | None
    reopened: bool
    reopen_count: int
    agent_replies: int
    csat_rating: int | None
    csat_satisfied: bool | None


def is_resolved(*, status: str, resolved_at: datetime | None) -> bool:
    return status in RESOLVED_STATUSES and resolved_at is not None


def first_contact_resolution(
    *, resolved: bool, reopen_count: int, agent_replies: int
) -> bool | None:
    """None while unresolved: FCR is a figure of resolved tickets only."""
    if not resolved:
        return None
    return reopen_count == 0 and agent_replies <= FCR_MAX_AGENT_REPLIES


def csat_satisfied(rating: int | None) -> bool | None:
    return None if rating is None else rating >= SATISFIED_RATING


def ticket_figures(row: Mapping[str, Any]) -> TicketFigures:
    """The figures of one `tickets` row (a record or a dict with its columns)."""
    resolved = is_resolved(status=row["status"], resolved_at=row["resolved_at"])
    created_at = row["created_at"]
    return TicketFigures(
        ticket_id=row["ticket_id"],
        team=row["team"],
        assignee_id=row["assignee_id"],
        resolved_by=row["resolved_by"],
        created_at=created_at,
        resolved_at=row["resolved_at"],
        time_to_owner_seconds=seconds_between(created_at, row["first_assigned_at"]),
        first_response_seconds=seconds_between(created_at, row["first_response_at"]),
        resolution_seconds=seconds_between(created_at, row["resolved_at"]) if resolved else None,
        handling_seconds=float(row["handling_seconds"]),
        resolved=resolved,
        first_contact_resolution=first_contact_resolution(
            resolved=resolved,
            reopen_count=row["reopen_count"],
            agent_replies=row["agent_replies"],
        ),
        reopened=row["reopen_count"] > 0,
        reopen_count=row["reopen_count"],
        agent_replies=row["agent_replies"],
        csat_rating=row["csat_rating"],
        csat_satisfied=csat_satisfied(row["csat_rating"]),
    )
