"""Who may read what of a ticket's timeline: staff all of it, approvers no internal notes,
requesters only an allow-list of event types and fields."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from ticketflow_intake.domain.access import Principal


class TimelineEntry(BaseModel):
    event_id: UUID
    type: str
    source: str
    time: datetime
    data: dict[str, Any]


# What a requester sees: these event types only, and of each only these fields. Everything
# else (SLA clocks and policies, routing scores, exclusions and unassignments, notify's
# deliveries with their ids, endpoints and latencies, escalations, actors, reasons typed by
# staff, emails) is internal. New event types stay hidden until they are added here.
REQUESTER_FIELDS: dict[str, frozenset[str]] = {
    "ticket.created": frozenset(
        {"ticket_id", "status", "priority", "category", "channel", "subject", "created_at"}
    ),
    "ticket.updated": frozenset(
        {"ticket_id", "status", "priority", "category", "changed", "updated_at"}
    ),
    "ticket.status_changed": frozenset(
        {"ticket_id", "previous_status", "status", "reopened", "changed_at"}
    ),
    "ticket.commented": frozenset(
        {"ticket_id", "comment_id", "author_role", "public", "commented_at"}
    ),
    "ticket.feedback_received": frozenset({"ticket_id", "rating", "comment", "received_at"}),
    "ticket.transferred": frozenset({"ticket_id", "team", "transferred_at"}),
    "ticket.assigned": frozenset({"ticket_id", "agent_name", "team", "assigned_at"}),
    "ticket.queued": frozenset({"ticket_id", "team", "queued_at"}),
}


def is_internal_note(entry: TimelineEntry) -> bool:
    return entry.type == "ticket.commented" and entry.data.get("public") is not True


def without_internal_notes(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Drop internal notes and every entry about one (e.g. notify's `notification.sent`)."""
    notes = {str(e.event_id) for e in entries if is_internal_note(e)}
    return [
        e
        for e in entries
        if not is_internal_note(e) and str(e.data.get("event_id", "")) not in notes
    ]


def for_requester(entry: TimelineEntry) -> TimelineEntry | None:
    """The entry cut down to its allowed fields; None when requesters do not see its type."""
    allowed = REQUESTER_FIELDS.get(entry.type)
    if allowed is None or is_internal_note(entry):
        return None
    data = {k: v for k, v in entry.data.items() if k in allowed}
    return entry.model_copy(update={"data": data})


def visible_timeline(entries: list[TimelineEntry], principal: Principal) -> list[TimelineEntry]:
    """The one rule applied whenever a timeline is read."""
    if principal.reads_internal_notes:
        return entries
    entries = without_internal_notes(entries)
    if not principal.sees_only_own:
        return entries
    return [seen for e in entries if (seen := for_requester(e)) is not None]
