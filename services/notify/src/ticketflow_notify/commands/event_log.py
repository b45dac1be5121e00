"""The events API's log: every event notify hears of, kept once as its webhooks carry it, paged
oldest first by a cursor that never skips nor repeats one, forgotten after the retention.

Why the cursor is safe under concurrent writers: a sequence number is drawn when a row is
inserted, not when it commits, so two consumers' transactions can commit out of order (seq 8
visible before seq 7). A reader that handed out 8 and then saw 7 commit would skip it. Each row
therefore also records its writing transaction's id (`pg_current_xact_id()`), the log is read
in (transaction id, seq) order, and only rows of transactions older than the reader's snapshot
`xmin` are handed out: every such transaction has finished, and any transaction that commits
later has an id at least that `xmin`, so it sorts after every cursor already handed out. This
is exact (no settle window to guess, no clock involved); the price is that an event appears
only once every transaction that started before it has ended, so a long-open transaction on
the database delays the feed (never loses from it)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.event_table import EventCommand, SetBasedCommand
from ticketflow_common.inbox import in_its_span
from ticketflow_common.pagination import decode_cursor, encode_cursor
from ticketflow_common.problems import invalid_field
from ticketflow_notify.commands.recorded_event import RecordedEvent, recorded
from ticketflow_notify.domain.deliveries import ToldEvent
from ticketflow_notify.domain.event_log import EventQuery, LogPosition
from ticketflow_notify.domain.tickets import ticket_id_of
from ticketflow_notify.store.event_log import (
    LogEntry,
    insert_event,
    insert_events,
    prune_events,
    read_events,
)
from ticketflow_notify.store.tickets import apply_projection_change, projection_change

CURSOR_KIND = "events"


async def record_event(
    *, conn: asyncpg.Connection, envelope: Envelope, event: EventData, now: datetime
) -> bool:
    """Keep the event as its webhook body (`ToldEvent`'s envelope, the bytes deliveries send),
    in the consumer's transaction; a redelivered event is kept once."""
    kept = await insert_event(conn=conn, entry=log_entry(envelope, event), now=now)
    return kept.new


def recording(command: EventCommand) -> SetBasedCommand:
    """`command` that first keeps its event in the log, in the same transaction and the same
    statement as the event's ticket projection change and the subscriptions' version read,
    and runs knowing both (see `recorded_event`). A batch's run of events is kept in one
    statement, then each event's projection change applied and its command run in turn."""

    async def record_then_run(
        *, conn: asyncpg.Connection, envelope: Envelope, event: Any, now: datetime
    ) -> None:
        change = projection_change(event)
        kept = await insert_event(
            conn=conn, entry=log_entry(envelope, event), now=now, change=change
        )
        done = RecordedEvent(
            event_id=envelope.id,
            subscriptions_version=kept.subscriptions_version,
            projected=change is not None,
            ticket=kept.ticket,
        )
        with recorded(done):
            await command(conn=conn, envelope=envelope, event=event, now=now)

    async def record_all_then_run(
        *, conn: asyncpg.Connection, events: Sequence[tuple[Envelope, Any]], now: datetime
    ) -> None:
        entries = [log_entry(envelope, event) for envelope, event in events]
        version = await insert_events(conn=conn, entries=entries, now=now)
        for envelope, event in events:
            with in_its_span(envelope):
                change = projection_change(event)
                ticket = None
                if change is not None:
                    ticket = await apply_projection_change(conn=conn, change=change)
                done = RecordedEvent(
                    event_id=envelope.id,
                    subscriptions_version=version,
                    projected=change is not None,
                    ticket=ticket,
                )
                with recorded(done):
                    await command(conn=conn, envelope=envelope, event=event, now=now)

    return SetBasedCommand(each=record_then_run, together=record_all_then_run)


def log_entry(envelope: Envelope, event: EventData) -> LogEntry:
    """What the log keeps of an event: the body its webhooks carry (`ToldEvent`'s envelope)."""
    return LogEntry(
        event_id=envelope.id,
        event_type=envelope.type,
        ticket_id=ticket_id_of(event),
        envelope=ToldEvent.of(envelope).envelope,
    )


def position_of(cursor: str | None) -> LogPosition | None:
    """The log position a cursor of this API holds; 422 naming `query:cursor` otherwise."""
    position = decode_cursor(cursor, kind=CURSOR_KIND)
    if position is None:
        return None
    tx, seq = position.get("tx"), position.get("seq")
    if set(position) != {"tx", "seq"} or not all(
        type(v) is int and 0 <= v < 2**63 for v in (tx, seq)
    ):
        raise invalid_field("query:cursor", "is not a cursor this list handed out")
    return LogPosition(tx=int(position["tx"]), seq=int(position["seq"]))


def cursor_of(position: LogPosition) -> str:
    return encode_cursor(CURSOR_KIND, {"tx": position.tx, "seq": position.seq})


async def list_events(
    *, conn: asyncpg.Connection, query: EventQuery
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of kept events after the query's position and where to resume: the last event's
    position, else the position asked from (a caught-up poller keeps its cursor)."""
    found = await read_events(conn=conn, query=query)
    last = found[-1].position if found else query.after
    return [e.envelope for e in found], cursor_of(last) if last is not None else None


async def prune_event_log(
    *, conn: asyncpg.Connection, now: datetime, retention: timedelta, limit: int
) -> int:
    """Forget up to `limit` events recorded longer ago than `retention`; how many went."""
    return await prune_events(conn=conn, before=now - retention, limit=limit)
