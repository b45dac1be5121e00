"""The counts and percentiles behind a scorecard, from the ticket, dwell and clock facts.

An agent's figures are over the tickets they resolved (resolution, FCR, reopen, CSAT, dwell),
the first responses they gave, and the clocks they owned; a team's over its tickets and clocks.
Each window is [start, until)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_insights.domain.scorecards import DwellFigure, ScorecardCounts


@dataclass(frozen=True)
class ScopeColumns:
    """Which fact columns pick a scope's rows (fixed names, never input)."""

    resolved: str
    responded: str
    clock: str


AGENT = ScopeColumns(resolved="resolved_by", responded="first_responder_id", clock="assignee_id")
TEAM = ScopeColumns(resolved="team", responded="team", clock="team")

# Resolution, FCR and reopen as the facts define them per ticket (`ticket_figures`, the view
# of domain/ticket_figures.py): resolved tickets only, a reopened one not until resolved again.
_RESOLVED = """
SELECT count(*) AS handled,
       count(*) FILTER (WHERE f.first_contact_resolution) AS first_contact_resolved,
       count(*) FILTER (WHERE f.reopened) AS reopened,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.resolution_seconds) AS resolution_p50_seconds,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.resolution_seconds) AS resolution_p90_seconds
  FROM ticket_figures f
 WHERE f.{column} = $1 AND f.resolved AND f.resolved_at >= $2 AND f.resolved_at < $3
"""

_RESPONDED = """
SELECT count(*) AS responded,
       count(*) FILTER (WHERE f.first_response_seconds <= $4) AS responded_within_target,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.first_response_seconds)
           AS first_response_p50_seconds,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY f.first_response_seconds)
           AS first_response_p90_seconds
  FROM tickets t JOIN ticket_figures f USING (ticket_id)
 WHERE t.{column} = $1 AND t.first_response_at >= $2 AND t.first_response_at < $3
   AND f.first_response_seconds IS NOT NULL
"""

_CLOCKS = """
SELECT count(*) FILTER (WHERE c.outcome = 'met') AS clocks_met,
       count(*) FILTER (WHERE c.outcome = 'breached') AS clocks_breached
  FROM sla_clocks c
 WHERE c.{column} = $1 AND c.outcome IN ('met', 'breached')
   AND coalesce(c.met_at, c.breached_at, c.changed_at) >= $2
   AND coalesce(c.met_at, c.breached_at, c.changed_at) < $3
"""

_RATINGS = """
SELECT count(*) AS ratings, count(*) FILTER (WHERE t.csat_rating >= 4) AS ratings_good
  FROM tickets t
 WHERE t.{column} = $1 AND t.csat_rating IS NOT NULL AND t.csat_at >= $2 AND t.csat_at < $3
"""

_DWELL = """
SELECT d.status, count(*) AS tickets,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY d.seconds) AS median_seconds,
       sum(d.seconds) AS total_seconds
  FROM ticket_figures f JOIN ticket_status_dwell d USING (ticket_id)
 WHERE f.{column} = $1 AND f.resolved AND f.resolved_at >= $2 AND f.resolved_at < $3
 GROUP BY d.status
"""


async def scorecard_counts(
    *,
    conn: asyncpg.Connection,
    scope: ScopeColumns,
    key: str | UUID,
    start: datetime,
    until: datetime,
    first_response_target_seconds: float,
) -> ScorecardCounts:
    """Every count of one scope's scorecard over [start, until)."""
    window = (key, start, until)
    resolved = await conn.fetchrow(_RESOLVED.format(column=scope.resolved), *window)
    responded = await conn.fetchrow(
        _RESPONDED.format(column=scope.responded), *window, first_response_target_seconds
    )
    clocks = await conn.fetchrow(_CLOCKS.format(column=scope.clock), *window)
    ratings = await conn.fetchrow(_RATINGS.format(column=scope.resolved), *window)
    dwell_rows = await conn.fetch(_DWELL.format(column=scope.resolved), *window)
    fields: dict[str, Any] = {}
    for row in (resolved, responded, clocks, ratings):
        fields.update(dict(row))
    dwell = {
        r["status"]: DwellFigure(
            tickets=r["tickets"],
            median_seconds=r["median_seconds"],
            total_seconds=r["total_seconds"],
        )
        for r in dwell_rows
    }
    return ScorecardCounts(**fields, dwell=dwell)


async def team_exists(*, conn: asyncpg.Connection, team: str) -> bool:
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM teams WHERE team = $1)", team))


async def agent_teams(*, conn: asyncpg.Connection, agent_id: UUID) -> frozenset[str] | None:
    """The teams of a known (not removed) agent; None for an unknown one."""
    teams = await conn.fetchval(
        "SELECT teams FROM agents WHERE agent_id = $1 AND NOT removed", agent_id
    )
    return None if teams is None else frozenset(teams)


async def team_agents(*, conn: asyncpg.Connection, team: str) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT agent_id FROM agents WHERE $1 = ANY(teams) AND NOT removed ORDER BY name, agent_id",
        team,
    )
    return [r["agent_id"] for r in rows]


async def active_teams(*, conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch("SELECT team FROM teams WHERE NOT archived ORDER BY team")
    return [r["team"] for r in rows]
