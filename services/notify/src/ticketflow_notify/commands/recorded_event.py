"""What keeping an event already did in its one statement, for the command that runs next in
the same task and transaction: the subscriptions' version it read and the ticket projection
change it applied, so fan-out reads neither again (`event_log.recording` sets it)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID

from ticketflow_notify.domain.tickets import TicketProjection


@dataclass(frozen=True)
class RecordedEvent:
    """`projected`: the event's projection change was applied, leaving `ticket` (None when it
    changed nothing)."""

    event_id: UUID
    subscriptions_version: int
    projected: bool = False
    ticket: TicketProjection | None = None


_RECORDED: ContextVar[RecordedEvent | None] = ContextVar("notify_recorded_event", default=None)


@contextmanager
def recorded(event: RecordedEvent) -> Iterator[None]:
    """Make `event` what this task's command finds while it runs."""
    token = _RECORDED.set(event)
    try:
        yield
    finally:
        _RECORDED.reset(token)


def recorded_event(event_id: UUID) -> RecordedEvent | None:
    """What keeping this event did, when this task is running its command."""
    found = _RECORDED.get()
    return found if found is not None and found.event_id == event_id else None


def subscriptions_version_seen() -> int | None:
    """The subscriptions' version this task's transaction read, if it read one."""
    found = _RECORDED.get()
    return None if found is None else found.subscriptions_version
