"""The one way a service says which command handles which event: a table, run on its clock."""

from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.inbox import Handler


class EventCommand(Protocol):
    """A command run for one event, inside the transaction that records it as processed."""

    def __call__(
        self, *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> Awaitable[None]: ...


EventTable = Mapping[type[EventData], EventCommand]
"""Event payload model -> the command that handles it (a service's `messaging/` holds one)."""


def handlers_for(table: EventTable, *, clock: Clock) -> dict[str, Handler]:
    """The consumer's handlers by event type; each call reads `now` from `clock`."""

    def bind(command: EventCommand) -> Handler:
        async def handle(conn: asyncpg.Connection, envelope: Envelope, event: Any) -> None:
            await command(conn=conn, envelope=envelope, event=event, now=clock())

        return handle

    return {model.event_type: bind(command) for model, command in table.items()}
