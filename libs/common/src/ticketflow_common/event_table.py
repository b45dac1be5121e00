"""The one way a service says which command handles which event: a table, run on its clock."""

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.inbox import Handler, SetHandler


class EventCommand(Protocol):
    """A command run for one event, inside the transaction that records it as processed."""

    def __call__(
        self, *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> Awaitable[None]: ...


class ManyEventsCommand(Protocol):
    """A command run for consecutive events (envelope, typed payload) of one batch at once."""

    def __call__(
        self, *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
    ) -> Awaitable[None]: ...


@dataclass(frozen=True)
class SetBasedCommand:
    """A command with a set-based form: consecutive events of a batch that it handles are one
    call of `together` (one statement where there was one per event), with the effect of
    `each` on every one of them in turn. What `together` does for one event alone runs in
    `inbox.in_its_span(envelope)`, so that what it sends on continues that event's trace."""

    each: EventCommand
    together: ManyEventsCommand

    def __call__(
        self, *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> Awaitable[None]:
        return self.each(conn=conn, envelope=envelope, event=event, now=now)


EventTable = Mapping[type[EventData], EventCommand]
"""Event payload model -> the command that handles it (a service's `messaging/` holds one)."""


def handlers_for(table: EventTable, *, clock: Clock) -> dict[str, Handler]:
    """The consumer's handlers by event type; each call reads `now` from `clock`. Event types
    of one command share one handler, so that a batch's run of them is one set-based call."""

    def bind(command: EventCommand) -> Handler:
        async def handle(conn: asyncpg.Connection, envelope: Envelope, event: Any) -> None:
            await command(conn=conn, envelope=envelope, event=event, now=clock())

        if not isinstance(command, SetBasedCommand):
            return handle
        together = command.together

        async def handle_many(
            conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]]
        ) -> None:
            await together(conn=conn, events=events, now=clock())

        return SetHandler(each=handle, together=handle_many)

    bound: dict[int, Handler] = {}
    for command in table.values():
        bound.setdefault(id(command), bind(command))
    return {model.event_type: bound[id(command)] for model, command in table.items()}
