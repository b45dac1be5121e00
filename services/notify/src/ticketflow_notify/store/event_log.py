"""SQL for the event log the events API pages through (`commands/event_log.py` says why it
is read below the oldest running transaction)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.event_log import EventQuery, LogPosition


@dataclass(frozen=True)
class LoggedEvent:
    """One kept event: where it is in the log and the body its webhooks carry."""

    position: LogPosition
    envelope: dict[str, Any]


async def insert_event(
    *,
    conn: asyncpg.Connection,
    event_id: UUID,
    event_type: str,
    ticket_id: UUID | None,
    envelope: dict[str, Any],
    now: datetime,
) -> tuple[bool, int]:
    """Keep one event in the caller's transaction: whether it is new (False when kept before),
    and the subscriptions' version at this statement (migration 0016), read in the same round
    trip so fan-out can trust its cached subscriptions without a query of its own."""
    row = await conn.fetchrow(
        "WITH kept AS (INSERT INTO event_log (event_id, event_type, ticket_id, recorded_at,"
        " envelope) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING"
        " RETURNING true AS kept)"
        " SELECT (SELECT kept FROM kept) AS kept, version FROM subscriptions_version",
        event_id,
        event_type,
        ticket_id,
        now,
        envelope,
    )
    return bool(row["kept"]), int(row["version"])


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
