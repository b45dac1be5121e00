"""SQL for the event log the events API pages through (`commands/event_log.py` says why it
is read below the oldest running transaction)."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.event_log import EventQuery, LogPosition
from ticketflow_notify.domain.tickets import TicketProjection
from ticketflow_notify.store.tickets import ProjectionChange, projection_of


@dataclass(frozen=True)
class LoggedEvent:
    """One kept event: where it is in the log and the body its webhooks carry."""

    position: LogPosition
    envelope: dict[str, Any]


@dataclass(frozen=True)
class KeptEvent:
    """What keeping an event told: whether it was new, the subscriptions' version at that
    statement (migration 0016) and, when it carried a projection change, the ticket after."""

    new: bool
    subscriptions_version: int
    ticket: TicketProjection | None = None


@dataclass(frozen=True)
class LogEntry:
    """One event to keep: its id, type, ticket and the body its webhooks carry."""

    event_id: UUID
    event_type: str
    ticket_id: UUID | None
    envelope: dict[str, Any]


_EVENT_ARGS = 5


def _shifted(sql: str, by: int) -> str:
    """`sql` with its parameters renumbered after the event log insert's own."""
    return re.sub(r"\$(\d+)", lambda m: f"${int(m[1]) + by}", sql)


async def insert_event(
    *,
    conn: asyncpg.Connection,
    entry: LogEntry,
    now: datetime,
    change: ProjectionChange | None = None,
) -> KeptEvent:
    """Keep one event in the caller's transaction (a redelivered one is kept once), reading the
    subscriptions' version and applying the event's ticket projection change in the same
    statement: one round trip where three were, so fan-out need not read either again."""
    sql = (
        "WITH kept AS (INSERT INTO event_log (event_id, event_type, ticket_id, recorded_at,"
        " envelope) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING"
        " RETURNING true AS kept)"
    )
    args: list[object] = [entry.event_id, entry.event_type, entry.ticket_id, now, entry.envelope]
    if change is None:
        sql += " SELECT (SELECT kept FROM kept) AS kept, version FROM subscriptions_version"
    else:
        sql += (
            f", projected AS ({_shifted(change.sql, _EVENT_ARGS)})"
            " SELECT (SELECT kept FROM kept) AS kept, v.version, p.*"
            " FROM subscriptions_version v LEFT JOIN projected p ON true"
        )
        args += change.args
    row = await conn.fetchrow(sql, *args)
    ticket = None
    if change is not None and row["ticket_id"] is not None:
        ticket = projection_of(row)
    return KeptEvent(bool(row["kept"]), int(row["version"]), ticket)


async def insert_events(
    *, conn: asyncpg.Connection, entries: Sequence[LogEntry], now: datetime
) -> int:
    """Keep a run of events in the caller's transaction in one statement, in their order (each
    redelivered one kept once); the subscriptions' version, read in the same statement."""
    version: int = await conn.fetchval(
        "WITH kept AS (INSERT INTO event_log (event_id, event_type, ticket_id, recorded_at,"
        " envelope) SELECT e.event_id, e.event_type, e.ticket_id, $5, e.envelope"
        " FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[])"
        " WITH ORDINALITY AS e(event_id, event_type, ticket_id, envelope, n)"
        " ORDER BY e.n ON CONFLICT (event_id) DO NOTHING)"
        " SELECT version FROM subscriptions_version",
        [e.event_id for e in entries],
        [e.event_type for e in entries],
        [e.ticket_id for e in entries],
        [e.envelope for e in entries],
        now,
    )
    return version


async def read_events(*, conn: asyncpg.Connection, query: EventQuery) -> list[LoggedEvent]:
    """Up to `query.limit` events after `query.after` in log order, only from transactions
    older than every one still running (their rows can no longer appear behind the page).
    Only the filters asked for are in the SQL, so a ticket's page uses its own index."""
    after = query.after or LogPosition(tx=0, seq=0)
    args: list[object] = [str(after.tx), after.seq, query.limit]
    where = [
        "(tx, seq) > ($1::text::xid8, $2)",
        "tx < pg_snapshot_xmin(pg_current_snapshot())",
    ]
    if query.ticket_id is not None:
        args.append(query.ticket_id)
        where.append(f"ticket_id = ${len(args)}")
    if query.types.exact or query.types.kinds:
        args += [sorted(query.types.exact), sorted(query.types.kinds)]
        where.append(
            f"(event_type = ANY (${len(args) - 1}::text[])"
            f" OR split_part(event_type, '.', 1) = ANY (${len(args)}::text[]))"
        )
    rows = await conn.fetch(
        "SELECT tx::text::bigint AS tx, seq, envelope FROM event_log"
        f" WHERE {' AND '.join(where)} ORDER BY tx, seq LIMIT $3",
        *args,
    )
    return [LoggedEvent(LogPosition(tx=r["tx"], seq=r["seq"]), r["envelope"]) for r in rows]


async def prune_events(*, conn: asyncpg.Connection, before: datetime, limit: int) -> int:
    """Forget up to `limit` events recorded before `before`, oldest first; how many went.
    Replicas pruning together skip each other's rows instead of waiting on them."""
    status: str = await conn.execute(
        "DELETE FROM event_log WHERE event_id IN ("
        " SELECT event_id FROM event_log WHERE recorded_at < $1"
        " ORDER BY recorded_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
        before,
        limit,
    )
    return int(status.rsplit(" ", 1)[-1])
