"""Stored reports (one per kind, team and period) and who reads them: teams and their leads."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_insights.domain.reports import ReportDocument

_COLUMNS = "report_id, kind, team, period_start, period_end, title, published_at"
_INSERT = (
    "INSERT INTO reports (report_id, kind, team, period_start, period_end, title, body,"
    " published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " ON CONFLICT ON CONSTRAINT reports_once"
)


@dataclass(frozen=True)
class ReportTeam:
    """A team a report is written for, and where its lead reads e-mail."""

    team: str
    name: str
    lead_email: str | None


def _row(document: ReportDocument) -> tuple[Any, ...]:
    return (
        document.report_id,
        document.kind,
        document.team,
        document.period_start,
        document.period_end,
        document.title,
        document.model_dump(mode="json"),
        document.published_at,
    )


async def insert_report(*, conn: asyncpg.Connection, document: ReportDocument) -> bool:
    """Store the report unless its kind, team and period already has one; True if stored."""
    stored = await conn.fetchval(
        f"{_INSERT} DO NOTHING RETURNING report_id",
        *_row(document),
    )
    return stored is not None


async def replace_report(*, conn: asyncpg.Connection, document: ReportDocument) -> None:
    """Store the report, replacing the one of its kind, team and period (same id expected)."""
    await conn.execute(
        f"{_INSERT} DO UPDATE SET period_end = excluded.period_end,"
        " title = excluded.title, body = excluded.body, published_at = excluded.published_at",
        *_row(document),
    )


async def report_id_of(
    *, conn: asyncpg.Connection, kind: str, team: str | None, period_start: datetime
) -> UUID | None:
    found: UUID | None = await conn.fetchval(
        "SELECT report_id FROM reports"
        " WHERE kind = $1 AND team IS NOT DISTINCT FROM $2 AND period_start = $3",
        kind,
        team,
        period_start,
    )
    return found


async def reported_scopes(
    *, conn: asyncpg.Connection, kind: str, period_start: datetime
) -> set[str | None]:
    """The teams (None: the organisation) whose report of this kind and period is stored."""
    rows = await conn.fetch(
        "SELECT team FROM reports WHERE kind = $1 AND period_start = $2", kind, period_start
    )
    return {r["team"] for r in rows}


async def report_body(*, conn: asyncpg.Connection, report_id: UUID) -> dict[str, Any] | None:
    body: dict[str, Any] | None = await conn.fetchval(
        "SELECT body FROM reports WHERE report_id = $1", report_id
    )
    return body


async def report_list(
    *,
    conn: asyncpg.Connection,
    kind: str | None,
    team: str | None,
    organisation: bool,
    visible_teams: list[str] | None,
    limit: int,
    after: tuple[datetime, str, str, UUID] | None = None,
) -> list[dict[str, Any]]:
    """Newest period first, then kind, team (the organisation's first) and id, after such a
    keyset position. `team` picks one team, `organisation` the organisation's only;
    `visible_teams` (None: all) limits team reports to those, the organisation's always shown."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM reports"
        " WHERE ($1::text IS NULL OR kind = $1)"
        "   AND ($2::text IS NULL OR team = $2)"
        "   AND (NOT $3 OR team IS NULL)"
        "   AND ($4::text[] IS NULL OR team IS NULL OR team = ANY($4))"
        "   AND ($6::timestamptz IS NULL OR period_start < $6 OR (period_start = $6"
        "   AND (kind, coalesce(team, ''), report_id) > ($7::text, $8::text, $9::uuid)))"
        " ORDER BY period_start DESC, kind, coalesce(team, ''), report_id LIMIT $5",
        kind,
        team,
        organisation,
        visible_teams,
        limit,
        *(after or (None, None, None, None)),
    )
    return [dict(r) for r in rows]


async def report_teams(*, conn: asyncpg.Connection) -> list[ReportTeam]:
    """Every team not archived, with its lead's e-mail address when known."""
    rows = await conn.fetch(
        "SELECT t.team, t.name, a.email FROM teams t"
        " LEFT JOIN agents a ON a.agent_id = t.lead_agent_id AND NOT a.removed"
        " WHERE NOT t.archived ORDER BY t.team"
    )
    return [ReportTeam(team=r["team"], name=r["name"], lead_email=r["email"]) for r in rows]


async def team_named(*, conn: asyncpg.Connection, team: str) -> ReportTeam | None:
    row = await conn.fetchrow(
        "SELECT t.team, t.name, a.email FROM teams t"
        " LEFT JOIN agents a ON a.agent_id = t.lead_agent_id AND NOT a.removed"
        " WHERE t.team = $1",
        team,
    )
    return None if row is None else ReportTeam(row["team"], row["name"], row["email"])
