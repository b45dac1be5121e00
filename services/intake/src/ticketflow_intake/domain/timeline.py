"""Who may read what of a ticket's timeline: staff all of it, approvers no internal notes,
requesters only an allow-list of event types and fields."""

from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any, cast, get_args
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from ticketflow_common.events.automation import ActionOutcome
from ticketflow_common.events.common import Channel
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.automation_timeline import AUTOMATION_TYPES, describe


class TimelineEntry(BaseModel):
    event_id: UUID
    type: str
    source: str
    time: datetime
    data: dict[str, Any]
    channel: Channel | None = Field(
        default=None,
        description="How a ticket or comment came in (`email` for a mail); None for other events.",
    )
    outcomes: list[ActionOutcome] | None = Field(
        default=None, description="What intake did with each of its actions of a firing."
    )
    summary: str | None = Field(
        default=None, description="An automation event as people read it; None for others."
    )

    @model_validator(mode="after")
    def _channel_of_its_event(self) -> "TimelineEntry":
        """Read from the event before any fields are cut from it for a reader."""
        if self.channel is None:
            self.channel = channel_of(self.type, self.data)
        if self.summary is None:
            self.summary = describe(self.type, self.data, self.outcomes)
        return self


def channel_of(event_type: str, data: dict[str, Any]) -> Channel | None:
    """A created ticket names its channel; a comment made from a mail names its Message-ID."""
    if event_type == "ticket.created":
        channel = data.get("channel", "api")
        return cast(Channel, channel) if channel in get_args(Channel) else None
    if event_type == "ticket.commented":
        return "email" if data.get("origin_message_id") else "api"
    return None


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
    # Approvals: that the ticket waits for one and how it was decided; who approves is staff's.
    "ticket.approval_requested": frozenset({"ticket_id", "round", "requested_at"}),
    "ticket.approval_decided": frozenset({"ticket_id", "decision", "via", "decided_at"}),
    # Knowledge: the suggestion's public items only (see `_public_items`) and the requester's
    # own answer. A resolved problem stays internal: problems carry no visibility, so their
    # root cause and fix may be staff-only; requesters see the resolution it made.
    "knowledge.suggested": frozenset(
        {"ticket_id", "suggestion_id", "language", "items", "suggested_at"}
    ),
    "suggestion.answered": frozenset(
        {"ticket_id", "suggestion_id", "kind", "item_id", "solved", "answered_at"}
    ),
}
PUBLIC_ITEM_FIELDS = frozenset({"kind", "item_id", "title", "excerpt", "language"})
"""What a requester sees of a suggested item; scores and the terms it matched are internal."""


def is_internal_note(entry: TimelineEntry) -> bool:
    return entry.type == "ticket.commented" and entry.data.get("public") is not True


def _without_note_text(entry: TimelineEntry) -> TimelineEntry:
    actions = entry.data.get("actions")
    if entry.type not in AUTOMATION_TYPES or not isinstance(actions, list):
        return entry
    kept = [
        {k: v for k, v in a.items() if k != "body"}
        if isinstance(a, dict) and a.get("type") == "add_note"
        else a
        for a in actions
    ]
    return entry.model_copy(update={"data": {**entry.data, "actions": kept}})


def for_requester(entry: TimelineEntry) -> TimelineEntry | None:
    """The entry cut down to its allowed fields; None when requesters do not see its type."""
    allowed = REQUESTER_FIELDS.get(entry.type)
    if allowed is None or is_internal_note(entry):
        return None
    data = {k: v for k, v in entry.data.items() if k in allowed}
    if entry.type == "knowledge.suggested":
        data["items"] = _public_items(data.get("items"))
        if not data["items"]:
            return None
    return entry.model_copy(update={"data": data})


def _public_items(items: Any) -> list[dict[str, Any]]:
    """The suggested items marked public, cut down to `PUBLIC_ITEM_FIELDS`."""
    if not isinstance(items, list):
        return []
    return [
        {k: v for k, v in item.items() if k in PUBLIC_ITEM_FIELDS}
        for item in items
        if isinstance(item, dict) and item.get("public") is True
    ]


def visible_entry(
    entry: TimelineEntry, principal: Principal, notes: AbstractSet[str]
) -> TimelineEntry | None:
    """The one rule applied whenever a timeline is read (None: not for this reader); `notes`
    are the event ids of the ticket's internal notes, since entries about them are internal."""
    if principal.reads_internal_notes:
        return entry
    if is_internal_note(entry) or str(entry.data.get("event_id", "")) in notes:
        return None
    entry = _without_note_text(entry)
    return for_requester(entry) if principal.sees_only_own else entry


def readable_types(principal: Principal) -> list[str] | None:
    """The only event types the reader may see, to leave the rest in the database; None: all."""
    if principal.reads_internal_notes or not principal.sees_only_own:
        return None
    return sorted(REQUESTER_FIELDS)
