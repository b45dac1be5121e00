"""Time-based rules: the instant each anchor names on a ticket, the instant a rule falls due
(business minutes of an SLA calendar, wall minutes without one) and the words a firing gives."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from ticketflow_automation.domain.rules import Anchor, Elapsed
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.business_time import NoWorkingTime, WorkingCalendar, add_business_seconds

TIMER_EVENT_TYPE = "rule.timer"
"""The event type a time rule's `when` sees (it speaks of the ticket, not of an event)."""

ANCHOR_WORDS: dict[Anchor, str] = {
    "created": "since it was created",
    "status_entered": "in status {status}",
    "last_update": "since its last update",
    "awaiting_reply": "since the requester's message with no agent reply",
    "awaiting_requester": "since the agent's public reply with no requester answer",
    "unassigned": "unassigned",
}


def anchor_instant(state: TicketState, anchor: Anchor) -> datetime | None:
    """The instant a rule on `anchor` counts from on this ticket; None: it counts from nothing
    now (an owned ticket is not `unassigned`, a replied one not `awaiting_reply`)."""
    if anchor == "created":
        return state.created_at
    if anchor == "status_entered":
        return state.status_entered_at
    if anchor == "last_update":
        return state.last_update_at
    if anchor == "awaiting_reply":
        return _later_than(state.last_requester_message_at, state.last_agent_reply_at)
    if anchor == "awaiting_requester":
        return _later_than(state.last_agent_reply_at, state.last_requester_message_at)
    return state.unassigned_since if state.assignee_id is None else None


def _later_than(waiting_since: datetime | None, answered_at: datetime | None) -> datetime | None:
    """`waiting_since` while nothing answered it (an answer at or after it ends the wait)."""
    if waiting_since is None or (answered_at is not None and answered_at >= waiting_since):
        return None
    return waiting_since


def due_at(*, anchor_at: datetime, minutes: int, calendar: WorkingCalendar | None) -> datetime:
    """`minutes` after `anchor_at`: business minutes of `calendar`, wall minutes without one.
    Raises `business_time.NoWorkingTime` for a calendar with no working time for years."""
    if calendar is None:  # in UTC: aware arithmetic in a local zone would add wall-clock time
        return anchor_at.astimezone(UTC) + timedelta(minutes=minutes)
    return add_business_seconds(calendar, anchor_at, minutes * 60)


def rule_due_at(
    *,
    anchor_at: datetime,
    minutes: int,
    calendar: str | None,
    calendars: Mapping[str, WorkingCalendar],
) -> datetime | None:
    """When a rule counting from `anchor_at` falls due: in its calendar when automation knows
    it, else in wall minutes; None when the calendar has no working time ahead."""
    known = None if calendar is None else calendars.get(calendar)
    try:
        return due_at(anchor_at=anchor_at, minutes=minutes, calendar=known)
    except NoWorkingTime:
        return None


def elapsed_words(
    after: Elapsed, *, state: TicketState, anchor_at: datetime, calendar_known: bool
) -> list[str]:
    """Why a timer fired, for the ticket's timeline: what it counted from, how long, in what."""
    since = ANCHOR_WORDS[after.anchor].format(status=state.status)
    counted = f"{after.minutes} minutes"
    if after.calendar is not None and calendar_known:
        counted = f"{after.minutes} business minutes of calendar {after.calendar!r}"
    words = [f"{since} ({anchor_at.isoformat()}) for {counted}"]
    if after.calendar is not None and not calendar_known:
        words.append(f"calendar {after.calendar!r} is unknown to automation: counted wall minutes")
    return words
