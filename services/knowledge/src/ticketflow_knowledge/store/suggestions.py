"""Suggestions and their one answer each, and the ticket projection's requester of a ticket."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.suggestions import Answer, Suggestion

_COLUMNS = (
    "s.suggestion_id, s.ticket_id, s.requester_id, s.language, s.query, s.items, s.created_at,"
    " a.kind AS answer_kind, a.item_id AS answer_item_id, a.solved, a.answered_by, a.answered_at"
)


def _suggestion(row: asyncpg.Record) -> Suggestion:
    answer = None
    if row["answer_kind"] is not None:
        answer = Answer(
            kind=row["answer_kind"],
            item_id=row["answer_item_id"],
            solved=row["solved"],
            answered_by=row["answered_by"],
            answered_at=row["answered_at"],
        )
    return Suggestion(
        suggestion_id=row["suggestion_id"],
        ticket_id=row["ticket_id"],
        requester_id=row["requester_id"],
        language=row["language"],
        query=row["query"],
        items=[SuggestedItem.model_validate(i) for i in row["items"]],
        created_at=row["created_at"],
        answer=answer,
    )


async def insert_suggestion(*, conn: asyncpg.Connection, suggestion: Suggestion) -> bool:
    """False when the ticket already has its one suggestion (nothing is written then)."""
    inserted: bool | None = await conn.fetchval(
        "INSERT INTO suggestions (suggestion_id, ticket_id, requester_id, language, query, items,"
        " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (ticket_id) WHERE ticket_id IS NOT NULL DO NOTHING RETURNING true",
        suggestion.suggestion_id,
        suggestion.ticket_id,
        suggestion.requester_id,
        suggestion.language,
        suggestion.query,
        [i.model_dump(mode="json") for i in suggestion.items],
        suggestion.created_at,
    )
    return bool(inserted)


async def find_suggestion(
    *, conn: asyncpg.Connection, suggestion_id: UUID, lock: bool = False
) -> Suggestion | None:
    """The suggestion with its answer; `lock`: held until the transaction ends (one answer)."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM suggestions s"
        " LEFT JOIN suggestion_answers a USING (suggestion_id) WHERE s.suggestion_id = $1"
        + (" FOR UPDATE OF s" if lock else ""),
        suggestion_id,
    )
    return None if row is None else _suggestion(row)


async def suggestion_for_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> UUID | None:
    found: UUID | None = await conn.fetchval(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", ticket_id
    )
    return found


async def insert_answer(*, conn: asyncpg.Connection, suggestion_id: UUID, answer: Answer) -> None:
    await conn.execute(
        "INSERT INTO suggestion_answers (suggestion_id, kind, item_id, solved, answered_by,"
        " answered_at) VALUES ($1, $2, $3, $4, $5, $6)",
        suggestion_id,
        answer.kind,
        answer.item_id,
        answer.solved,
        answer.answered_by,
        answer.answered_at,
    )


async def ticket_requester(*, conn: asyncpg.Connection, ticket_id: UUID) -> str | None:
    """Who asked for the ticket, as intake's events told knowledge; None for an unknown one."""
    found: str | None = await conn.fetchval(
        "SELECT requester_id FROM tickets WHERE ticket_id = $1", ticket_id
    )
    return found


async def deflection_counts(
    *, conn: asyncpg.Connection, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Per item kind ('' = any kind): tickets suggested for (something found), answered and
    solved, for the ticket suggestions made in [start, end)."""
    rows = await conn.fetch(
        "WITH made AS (SELECT s.suggestion_id, s.items, a.kind AS answered_kind, a.solved"
        " FROM suggestions s LEFT JOIN suggestion_answers a USING (suggestion_id)"
        " WHERE s.ticket_id IS NOT NULL AND s.created_at >= $1 AND s.created_at < $2),"
        " kinds AS (SELECT DISTINCT m.suggestion_id, i->>'kind' AS kind FROM made m,"
        " jsonb_array_elements(m.items) i)"
        " SELECT '' AS kind, count(*) AS considered,"
        " count(*) FILTER (WHERE jsonb_array_length(items) > 0) AS suggested,"
        " count(answered_kind) AS answered, count(*) FILTER (WHERE solved) AS solved FROM made"
        " UNION ALL"
        " SELECT k.kind, count(*), count(*),"
        " count(*) FILTER (WHERE m.answered_kind = k.kind),"
        " count(*) FILTER (WHERE m.answered_kind = k.kind AND m.solved)"
        " FROM kinds k JOIN made m USING (suggestion_id) GROUP BY k.kind",
        start,
        end,
    )
    return [dict(r) for r in rows]
