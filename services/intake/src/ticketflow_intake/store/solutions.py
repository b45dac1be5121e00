"""SQL for the reply marked as each ticket's solution."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_intake.domain.conversation import Comment


async def get_comment(
    *, conn: asyncpg.Connection, ticket_id: UUID, comment_id: UUID
) -> Comment | None:
    """One comment of one ticket, with whether it is the marked solution."""
    row = await conn.fetchrow(
        "SELECT c.*, s.comment_id IS NOT NULL AS solution FROM comments c"
        " LEFT JOIN ticket_solutions s ON s.ticket_id = c.ticket_id AND s.comment_id = c.id"
        " WHERE c.ticket_id = $1 AND c.id = $2",
        ticket_id,
        comment_id,
    )
    return Comment.model_validate(dict(row)) if row else None


async def mark_solution(
    *, conn: asyncpg.Connection, ticket_id: UUID, comment_id: UUID, marked_by: str, now: datetime
) -> None:
    """Make `comment_id` the ticket's one solution, replacing an earlier one."""
    await conn.execute(
        "INSERT INTO ticket_solutions (ticket_id, comment_id, marked_by, marked_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (ticket_id) DO UPDATE SET"
        " comment_id = EXCLUDED.comment_id, marked_by = EXCLUDED.marked_by,"
        " marked_at = EXCLUDED.marked_at",
        ticket_id,
        comment_id,
        marked_by,
        now,
    )
