"""SQL for satisfaction surveys: one per resolution cycle of a ticket."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_intake.domain.surveys import Survey, SurveyAnswer


async def insert_survey(
    *,
    conn: asyncpg.Connection,
    survey_id: UUID,
    ticket_id: UUID,
    cycle: int,
    invited_at: datetime,
    reminder_due_at: datetime | None,
    expires_at: datetime,
) -> Survey | None:
    """None when the cycle already has its survey."""
    row = await conn.fetchrow(
        "INSERT INTO surveys (survey_id, ticket_id, cycle, invited_at, reminder_due_at,"
        " expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticket_id, cycle) DO NOTHING"
        " RETURNING *",
        survey_id,
        ticket_id,
        cycle,
        invited_at,
        reminder_due_at,
        expires_at,
    )
    return None if row is None else Survey.model_validate(dict(row))


async def get_survey(
    *, conn: asyncpg.Connection, survey_id: UUID, for_update: bool = False
) -> Survey | None:
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT * FROM surveys WHERE survey_id = $1{lock}", survey_id)
    return None if row is None else Survey.model_validate(dict(row))


async def survey_of_cycle(
    *, conn: asyncpg.Connection, ticket_id: UUID, cycle: int
) -> Survey | None:
    row = await conn.fetchrow(
        "SELECT * FROM surveys WHERE ticket_id = $1 AND cycle = $2 FOR UPDATE", ticket_id, cycle
    )
    return None if row is None else Survey.model_validate(dict(row))


async def close_open_surveys(*, conn: asyncpg.Connection, ticket_id: UUID) -> int:
    """A reopened ticket's unanswered survey is over: the next resolution asks again."""
    status = await conn.execute(
        "UPDATE surveys SET status = 'closed', reminder_due_at = NULL"
        " WHERE ticket_id = $1 AND status = 'open'",
        ticket_id,
    )
    return int(status.split()[-1])


async def add_answer(
    *,
    conn: asyncpg.Connection,
    survey_id: UUID,
    added: SurveyAnswer,
    follow_up_ticket_id: UUID | None,
    now: datetime,
) -> Survey:
    """Set the parts `added` carries (the others are kept); the survey is answered."""
    row = await conn.fetchrow(
        "UPDATE surveys SET rating = coalesce($2, rating), resolved = coalesce($3, resolved),"
        " comment = coalesce($4, comment), answered_at = coalesce(answered_at, $5),"
        " follow_up_ticket_id = coalesce($6, follow_up_ticket_id), status = 'answered',"
        " reminder_due_at = NULL WHERE survey_id = $1 RETURNING *",
        survey_id,
        added.rating,
        added.resolved,
        added.comment,
        now,
        follow_up_ticket_id,
    )
    return Survey.model_validate(dict(row))


async def claim_due_reminders(
    *, conn: asyncpg.Connection, now: datetime, limit: int
) -> list[Survey]:
    """Open surveys whose one reminder is due, locked for this transaction; a replica holding
    one already is skipped, never waited for. Call inside a transaction."""
    rows = await conn.fetch(
        "SELECT * FROM surveys WHERE status = 'open' AND reminder_due_at <= $1"
        " AND expires_at > $1 ORDER BY reminder_due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [Survey.model_validate(dict(r)) for r in rows]


async def mark_reminded(*, conn: asyncpg.Connection, survey_id: UUID, now: datetime) -> None:
    await conn.execute(
        "UPDATE surveys SET reminded_at = $2, reminder_due_at = NULL WHERE survey_id = $1",
        survey_id,
        now,
    )


async def expire_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> list[Survey]:
    """Unanswered surveys past their expiry, marked expired (SKIP LOCKED claims)."""
    rows = await conn.fetch(
        "UPDATE surveys SET status = 'expired', reminder_due_at = NULL WHERE survey_id IN"
        " (SELECT survey_id FROM surveys WHERE status = 'open' AND expires_at <= $1"
        " ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING *",
        now,
        limit,
    )
    return [Survey.model_validate(dict(r)) for r in rows]


async def next_survey_due(*, conn: asyncpg.Connection) -> datetime | None:
    """The soonest reminder or expiry of an open survey."""
    due: datetime | None = await conn.fetchval(
        "SELECT least(min(reminder_due_at), min(expires_at)) FROM surveys WHERE status = 'open'"
    )
    return due
