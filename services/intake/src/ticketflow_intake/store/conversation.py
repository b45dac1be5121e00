"""SQL for comments and feedback."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.common import ActorRole, Channel
from ticketflow_intake.domain.conversation import Comment, Feedback, NewComment, NewFeedback


async def insert_comment(
    *,
    conn: asyncpg.Connection,
    comment_id: UUID,
    ticket_id: UUID,
    author_id: str,
    author_role: ActorRole,
    new: NewComment,
    now: datetime,
    channel: Channel = "api",
    origin_message_id: str | None = None,
) -> Comment:
    row = await conn.fetchrow(
        "INSERT INTO comments (id, ticket_id, author_id, author_role, public, body, created_at,"
        " channel, origin_message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *",
        comment_id,
        ticket_id,
        author_id,
        author_role,
        new.public,
        new.body,
        now,
        channel,
        origin_message_id,
    )
    return Comment.model_validate(dict(row))


async def comment_of_message(*, conn: asyncpg.Connection, message_id: str) -> UUID | None:
    """The comment a mail with this Message-ID made, if one did."""
    found: UUID | None = await conn.fetchval(
        "SELECT id FROM comments WHERE origin_message_id = $1", message_id
    )
    return found


async def list_comments(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    include_internal: bool,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Comment]:
    """Up to `limit` comments after the keyset position, oldest first."""
    at, comment_id = after if after else (None, None)
    rows = await conn.fetch(
        "SELECT c.*, s.comment_id IS NOT NULL AS solution FROM comments c"
        " LEFT JOIN ticket_solutions s ON s.ticket_id = c.ticket_id AND s.comment_id = c.id"
        " WHERE c.ticket_id = $1 AND (c.public OR $2)"
        " AND ($3::timestamptz IS NULL OR (c.created_at, c.id) > ($3, $4::uuid))"
        " ORDER BY c.created_at, c.id LIMIT $5",
        ticket_id,
        include_internal,
        at,
        comment_id,
        limit,
    )
    return [Comment.model_validate(dict(r)) for r in rows]


async def count_public_agent_replies(*, conn: asyncpg.Connection, ticket_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM comments WHERE ticket_id = $1 AND public AND author_role = 'agent'",
        ticket_id,
    )
    return count


async def insert_feedback(
    *, conn: asyncpg.Connection, ticket_id: UUID, cycle: int, new: NewFeedback, now: datetime
) -> Feedback | None:
    """None when this resolution cycle of the ticket already has its one rating."""
    row = await conn.fetchrow(
        "INSERT INTO feedback (ticket_id, cycle, rating, comment, created_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id, cycle) DO NOTHING RETURNING *",
        ticket_id,
        cycle,
        new.rating,
        new.comment,
        now,
    )
    return Feedback.model_validate(dict(row)) if row else None


async def feedback_of_cycle(
    *, conn: asyncpg.Connection, ticket_id: UUID, cycle: int
) -> Feedback | None:
    row = await conn.fetchrow(
        "SELECT * FROM feedback WHERE ticket_id = $1 AND cycle = $2", ticket_id, cycle
    )
    return Feedback.model_validate(dict(row)) if row else None


async def add_feedback_comment(
    *, conn: asyncpg.Connection, ticket_id: UUID, cycle: int, comment: str
) -> None:
    """A survey's comment given after its rating joins the rating, if it had none."""
    await conn.execute(
        "UPDATE feedback SET comment = $3 WHERE ticket_id = $1 AND cycle = $2 AND comment IS NULL",
        ticket_id,
        cycle,
        comment,
    )
