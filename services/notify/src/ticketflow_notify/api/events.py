"""Thin route for the events API: the events webhooks carry, for integrators who poll."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import Field

from ticketflow_common.envelope import Envelope
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import invalid_field
from ticketflow_notify.api.deps import PoolDep
from ticketflow_notify.commands import event_log
from ticketflow_notify.domain.event_log import EventQuery, TypeFilter

router = APIRouter(tags=["events"])


class EventPage(Page[Envelope]):
    """A page of the event log; a feed, so its cursor is where to resume even when caught up."""

    next_cursor: str | None = Field(
        description="Pass as `cursor` for the events after this page, now or on a later poll"
        " (an empty page: caught up); null only when the log had nothing for a first page."
    )


@router.get("/events")
async def read_events(
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
    types: Annotated[
        list[str],
        Query(
            alias="type",
            max_length=20,
            description="An event type, `<kind>.*` (`sla.*`) or `*`; repeatable (any of them).",
        ),
    ] = [],  # noqa: B006 - FastAPI copies query defaults
    ticket_id: UUID | None = None,
) -> EventPage:
    """The events notify delivers, oldest first, each as its webhook body (a CloudEvent);
    kept `NOTIFY_EVENT_RETENTION_DAYS` (14 by default)."""
    try:
        type_filter = TypeFilter.of(types)
    except ValueError as exc:
        raise invalid_field("query:type", str(exc)) from exc
    query = EventQuery(
        after=event_log.position_of(cursor), types=type_filter, ticket_id=ticket_id, limit=limit
    )
    async with pool.acquire() as conn:
        items, next_cursor = await event_log.list_events(conn=conn, query=query)
    return EventPage.model_validate({"items": items, "next_cursor": next_cursor})
