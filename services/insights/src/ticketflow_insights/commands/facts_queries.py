"""Answers about the facts: arrivals per interval and one ticket's durations, for those who
may see them (admins everything, leads their teams)."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.domain.arrivals import (
    arrival_fault,
    group_fault,
    interval_start,
    zero_filled,
)
from ticketflow_insights.domain.facts_views import ArrivalsAnswer, TicketFactsView, TicketInstants
from ticketflow_insights.domain.ticket_figures import ticket_figures
from ticketflow_insights.store.facts_arrivals import arrival_sums
from ticketflow_insights.store.facts_reads import dwell_of, ticket_row


def _visible_teams(viewer: Viewer, team: str | None) -> list[str] | None:
    """The teams a question may cover: None for all (admins)."""
    if team is not None and not viewer.may_see_team(team):
        raise ProblemError(403, f"only an admin or a lead of team {team!r} sees its arrivals")
    if viewer.role == "admin" or team is not None:
        return None
    if viewer.role != "lead" or not viewer.led_teams:
        raise ProblemError(403, "arrivals are for admins and team leads")
    return sorted(viewer.led_teams)


async def read_arrivals(
    *,
    conn: asyncpg.Connection,
    viewer: Viewer,
    minutes: int,
    start: datetime,
    end: datetime,
    filters: dict[str, str | None],
    group_by: list[str],
) -> ArrivalsAnswer:
    """Arrivals per interval from 15-minute buckets; without grouping, every interval of the
    period is listed, zeros included."""
    fault = arrival_fault(minutes=minutes, start=start, end=end) or group_fault(group_by)
    if fault is not None:
        raise invalid_field(*fault)
    teams = _visible_teams(viewer, filters.get("team"))
    first = interval_start(start, minutes)
    counts = await arrival_sums(
        conn=conn,
        minutes=minutes,
        start=first,
        end=end,
        filters=filters,
        teams=teams,
        group_by=group_by,
    )
    if not group_by:
        counts = zero_filled(counts, start=first, end=end, minutes=minutes)
    return ArrivalsAnswer(
        interval_minutes=minutes,
        start=first,
        end=end,
        group_by=group_by,
        intervals=counts,
        total=sum(c.arrivals for c in counts),
    )


async def read_ticket_facts(
    *, conn: asyncpg.Connection, viewer: Viewer, ticket_id: UUID
) -> TicketFactsView:
    row = await ticket_row(conn=conn, ticket_id=ticket_id)
    if row is None:
        raise not_found(f"ticket {ticket_id} has no facts")
    if viewer.role != "admin" and not (row["team"] and viewer.may_see_team(row["team"])):
        raise ProblemError(403, "only an admin or a lead of the ticket's team sees its facts")
    instants = TicketInstants(**{f: row[f] for f in TicketInstants.__dataclass_fields__})
    return TicketFactsView(
        ticket_id=ticket_id,
        team=row["team"],
        channel=row["channel"],
        category=row["category"],
        priority=row["priority"],
        status=row["status"],
        assignee_id=row["assignee_id"],
        first_responder_id=row["first_responder_id"],
        queue_position=row["queue_position"],
        instants=instants,
        figures=ticket_figures(row),
        dwell_seconds=await dwell_of(conn=conn, ticket_id=ticket_id),
    )
