"""What the breach-risk assessment reads (running clocks, agents, team histories) and the
assessments it keeps."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from ticketflow_common.sql_conditions import SqlConditions
from ticketflow_insights.domain.breach_risk_team import AgentOnRecord, TeamHistory

HISTORY_DAYS = 30
SAMPLES_PER_TEAM = 2000

RUNNING_CLOCKS = """
WITH waiting AS (
    SELECT ticket_id, row_number() OVER (
        PARTITION BY team
        ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2
                 WHEN 'low' THEN 3 ELSE 9 END, queued_at, ticket_id) - 1 AS ahead
    FROM tickets
    WHERE assignee_id IS NULL AND queued_at IS NOT NULL AND status NOT IN ('resolved', 'closed')
)
SELECT c.clock_id, c.ticket_id, c.metric, c.cycle, c.started_at, c.due_at, c.warned_at,
       c.target_seconds,
       coalesce(c.team, t.team) AS team,
       coalesce(c.priority, t.priority) AS priority,
       CASE WHEN t.ticket_id IS NULL THEN c.assignee_id ELSE t.assignee_id END AS assignee_id,
       CASE WHEN t.ticket_id IS NULL THEN
                CASE WHEN c.assignee_id IS NULL THEN NULL ELSE c.started_at END
            WHEN t.assignee_id IS NULL THEN NULL
            ELSE greatest(coalesce(t.assigned_at, c.started_at), c.started_at) END AS owned_since,
       coalesce(w.ahead, greatest(t.queue_position - 1, 0), 0) AS ahead,
       CASE WHEN t.first_response_at IS NULL THEN NULL
            ELSE greatest(t.first_response_at, c.started_at) END AS answered_at
FROM sla_clocks c
LEFT JOIN tickets t ON t.ticket_id = c.ticket_id
LEFT JOIN waiting w ON w.ticket_id = c.ticket_id
WHERE c.state = 'running' AND c.due_at IS NOT NULL AND c.started_at IS NOT NULL
  AND (t.status IS NULL OR t.status NOT IN ('resolved', 'closed'))
ORDER BY c.due_at
"""


@dataclass(frozen=True)
class Contacts:
    agent_emails: dict[UUID, str]
    lead_emails: dict[str, str]


async def take_run_lock(*, conn: asyncpg.Connection) -> bool:
    """One replica assesses at a time (this schema's lock, held until the transaction ends)."""
    taken: bool = await conn.fetchval(
        "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.breach_risk'))"
    )
    return taken


async def running_clocks(*, conn: asyncpg.Connection) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(RUNNING_CLOCKS)
    return rows


async def agents_on_record(*, conn: asyncpg.Connection) -> list[AgentOnRecord]:
    rows = await conn.fetch(
        "SELECT teams, status, capacity, time_zone, shifts FROM agents WHERE NOT removed"
    )
    return [
        AgentOnRecord(
            teams=tuple(r["teams"]),
            status=r["status"],
            capacity=r["capacity"],
            time_zone=r["time_zone"],
            shifts=None if r["shifts"] is None else tuple(_json(r["shifts"])),
        )
        for r in rows
    ]


async def team_histories(*, conn: asyncpg.Connection, now: datetime) -> dict[str, TeamHistory]:
    """Each team's replies, handling and resolution times of the last days, newest first."""
    since = now - timedelta(days=HISTORY_DAYS)
    rows = await conn.fetch(
        "SELECT team, kind, array_agg(seconds) AS seconds FROM ("
        "  SELECT team, kind, seconds, row_number() OVER ("
        "    PARTITION BY team, kind ORDER BY at DESC) AS n FROM ("
        "      SELECT team, 'reply' AS kind, first_response_at AS at, extract(epoch FROM"
        "        first_response_at - first_assigned_at)::float8 AS seconds FROM tickets"
        "      WHERE first_response_at >= $1 AND first_assigned_at IS NOT NULL"
        "        AND first_response_at >= first_assigned_at"
        "      UNION ALL SELECT team, 'handling', resolved_at, handling_seconds FROM tickets"
        "      WHERE resolved_at >= $1 AND handling_seconds > 0"
        "      UNION ALL SELECT team, 'resolution', resolved_at,"
        "        extract(epoch FROM resolved_at - created_at)::float8 FROM tickets"
        "      WHERE resolved_at >= $1 AND created_at IS NOT NULL AND resolved_at >= created_at"
        "      UNION ALL SELECT team, 'work', resolved_at,"
        "        extract(epoch FROM resolved_at - first_response_at)::float8 FROM tickets"
        "      WHERE resolved_at >= $1 AND first_response_at IS NOT NULL"
        "        AND resolved_at >= first_response_at"
        "      UNION ALL SELECT team, 'open', created_at,"
        "        extract(epoch FROM $2 - created_at)::float8 FROM tickets"
        "      WHERE status NOT IN ('resolved', 'closed') AND created_at >= $1"
        "        AND created_at <= $2"
        "  ) facts WHERE team IS NOT NULL"
        ") ranked WHERE n <= $3 GROUP BY team, kind",
        since,
        now,
        SAMPLES_PER_TEAM,
    )
    found: dict[str, dict[str, tuple[float, ...]]] = {}
    for r in rows:
        found.setdefault(r["team"], {})[r["kind"]] = tuple(r["seconds"])
    return {
        team: TeamHistory(
            replies=kinds.get("reply", ()),
            handling=kinds.get("handling", ()),
            resolutions=kinds.get("resolution", ()),
            work=kinds.get("work", ()),
            open_ages=kinds.get("open", ()),
        )
        for team, kinds in found.items()
    }


async def contacts(*, conn: asyncpg.Connection) -> Contacts:
    agents = await conn.fetch("SELECT agent_id, email FROM agents WHERE email IS NOT NULL")
    leads = await conn.fetch(
        "SELECT t.team, a.email FROM teams t JOIN agents a ON a.agent_id = t.lead_agent_id"
        " WHERE a.email IS NOT NULL"
    )
    return Contacts(
        agent_emails={r["agent_id"]: r["email"] for r in agents},
        lead_emails={r["team"]: r["email"] for r in leads},
    )


async def save_assessments(
    *,
    conn: asyncpg.Connection,
    rows: Sequence[tuple[UUID, int, UUID, str, str | None, float, list[str], datetime, datetime]],
) -> None:
    """(clock_id, cycle, ticket_id, metric, team, probability, reasons, due_at, assessed_at)."""
    await conn.executemany(
        "INSERT INTO risk_assessments (clock_id, cycle, ticket_id, metric, team, probability,"
        " reasons, due_at, assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (clock_id, cycle) DO UPDATE SET ticket_id = EXCLUDED.ticket_id,"
        " metric = EXCLUDED.metric, team = EXCLUDED.team, probability = EXCLUDED.probability,"
        " reasons = EXCLUDED.reasons, due_at = EXCLUDED.due_at,"
        " assessed_at = EXCLUDED.assessed_at",
        rows,
    )


async def mark_crossed(
    *, conn: asyncpg.Connection, clock_id: UUID, cycle: int, now: datetime
) -> bool:
    """True for the one caller that records the crossing of this clock cycle."""
    marked = await conn.fetchval(
        "UPDATE risk_assessments SET crossed_at = $3"
        " WHERE clock_id = $1 AND cycle = $2 AND crossed_at IS NULL RETURNING true",
        clock_id,
        cycle,
        now,
    )
    return bool(marked)


async def forget_finished(*, conn: asyncpg.Connection) -> None:
    """Assessments of clocks no longer running go, unless they crossed (kept for replay)."""
    await conn.execute(
        "DELETE FROM risk_assessments r WHERE r.crossed_at IS NULL AND NOT EXISTS ("
        " SELECT 1 FROM sla_clocks c WHERE c.clock_id = r.clock_id AND c.cycle = r.cycle"
        " AND c.state = 'running')"
    )


async def at_risk_counts(*, conn: asyncpg.Connection, threshold: float) -> dict[str, int]:
    """Open tickets per team ('' for none) with a running clock at or above `threshold`."""
    rows = await conn.fetch(
        "SELECT coalesce(r.team, '') AS team,"
        " count(DISTINCT r.ticket_id) FILTER (WHERE r.probability >= $1) AS n"
        " FROM risk_assessments r JOIN sla_clocks c"
        " ON c.clock_id = r.clock_id AND c.cycle = r.cycle AND c.state = 'running'"
        " GROUP BY 1",
        threshold,
    )
    return {r["team"]: r["n"] for r in rows}


RiskPosition = tuple[float, datetime, UUID]
"""An assessment's place in the at-risk list: (probability, due_at, clock_id)."""


async def at_risk(
    *,
    conn: asyncpg.Connection,
    min_probability: float,
    team: str | None,
    teams: Sequence[str] | None,
    owner: UUID | None,
    limit: int,
    after: RiskPosition | None = None,
) -> list[asyncpg.Record]:
    """Running clocks' latest assessments at or above `min_probability`, likeliest first, then
    soonest due (as assessed), then by clock, after a position; `teams` None: every team; else
    those teams' tickets or (with `owner`) the owner's. Only the filters asked for are in the
    statement, so it reads an index in the list's order and stops at `limit`."""
    where = SqlConditions(min_probability, limit)
    where.add("r.probability >= $1")
    if team is not None:
        where.add("r.team = {}", team)
    if teams is not None:
        owned = (
            "(r.ticket_id IN (SELECT ticket_id FROM tickets WHERE assignee_id = {0}::uuid"
            " UNION ALL SELECT ticket_id FROM sla_clocks WHERE assignee_id = {0}::uuid)"
            " AND coalesce(t.assignee_id, c.assignee_id) = {0}::uuid)"
        )
        if teams:
            where.add(f"(r.team = ANY({{1}}::text[]) OR {owned})", owner, list(teams))
        else:
            where.add(owned, owner)
    if after is not None:
        where.add(
            "(r.probability < {0}::float8 OR (r.probability = {0}::float8"
            " AND (r.due_at, r.clock_id) > ({1}::timestamptz, {2}::uuid)))",
            *after,
        )
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT r.clock_id, r.ticket_id, r.metric, r.cycle, r.team, r.probability, r.reasons,"
        " r.assessed_at, r.crossed_at, r.due_at, c.warned_at, c.priority,"
        " coalesce(t.assignee_id, c.assignee_id) AS assignee_id"
        " FROM risk_assessments r"
        " JOIN sla_clocks c ON c.clock_id = r.clock_id AND c.cycle = r.cycle"
        " AND c.state = 'running'"
        " LEFT JOIN tickets t ON t.ticket_id = r.ticket_id"
        f" WHERE {where.sql()}"
        " ORDER BY r.probability DESC, r.due_at, r.clock_id LIMIT $2",
        *where.params,
    )
    return rows


async def team_known(*, conn: asyncpg.Connection, team: str) -> bool:
    known: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM teams WHERE team = $1)"
        " OR EXISTS (SELECT 1 FROM sla_clocks WHERE team = $1)",
        team,
    )
    return known


def _json(value: object) -> list[dict[str, object]]:
    loaded = json.loads(value) if isinstance(value, str) else value
    return list(loaded) if isinstance(loaded, list) else []
