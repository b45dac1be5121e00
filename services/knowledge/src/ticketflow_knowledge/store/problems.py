"""Problems, their linked tickets (with what the tickets projection knows of them) and the
known-error list, in SQL."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_knowledge.domain.problems import (
    LISTED,
    LinkedTicket,
    Problem,
    ProblemStatus,
)

COLUMNS = (
    "problem_id, title, description, status, category, language, root_cause, workaround,"
    " permanent_fix, public, created_by, created_at, updated_at, known_error_at, resolved_at,"
    " resolved_by, version"
)
WRITTEN = [name.strip() for name in COLUMNS.split(",")]


def _problem(row: asyncpg.Record) -> Problem:
    return Problem.model_validate(dict(row))


async def insert_problem(*, conn: asyncpg.Connection, problem: Problem) -> None:
    values = problem.model_dump()
    placeholders = ", ".join(f"${i}" for i in range(1, len(WRITTEN) + 1))
    await conn.execute(
        f"INSERT INTO problems ({COLUMNS}) VALUES ({placeholders})",
        *(values[name] for name in WRITTEN),
    )


async def save_problem(*, conn: asyncpg.Connection, problem: Problem) -> None:
    """Write every changeable column of a problem read (and locked) before."""
    changeable = [name for name in WRITTEN if name not in ("problem_id", "created_by")]
    values = problem.model_dump()
    assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(changeable, start=2))
    await conn.execute(
        f"UPDATE problems SET {assignments} WHERE problem_id = $1",
        problem.problem_id,
        *(values[name] for name in changeable),
    )


async def get_problem(
    *, conn: asyncpg.Connection, problem_id: UUID, lock: bool = False
) -> Problem | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM problems WHERE problem_id = $1" + (" FOR UPDATE" if lock else ""),
        problem_id,
    )
    return None if row is None else _problem(row)


async def list_problems(
    *,
    conn: asyncpg.Connection,
    status: ProblemStatus | None,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[Problem]:
    """Newest first then by id, after a (created_at, problem_id) position."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM problems WHERE ($1::text IS NULL OR status = $1)"
        " AND ($3::timestamptz IS NULL"
        " OR created_at < $3 OR (created_at = $3 AND problem_id > $4::uuid))"
        " ORDER BY created_at DESC, problem_id LIMIT $2",
        status,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [_problem(r) for r in rows]


LISTED_AT = "coalesce(known_error_at, resolved_at, created_at)"
"""When a problem joined the known-error list: declared a known error, or resolved when the fix
came first (`listed_at` of the domain)."""


async def list_known_errors(
    *,
    conn: asyncpg.Connection,
    category: str | None,
    public_only: bool,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[Problem]:
    """Known errors and resolved problems, the latest to join the list first then by id, after
    a (listed_at, problem_id) position."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM problems WHERE status = ANY($1::text[])"
        " AND ($2::text IS NULL OR category = $2) AND (public OR NOT $3)"
        f" AND ($5::timestamptz IS NULL OR {LISTED_AT} < $5"
        f" OR ({LISTED_AT} = $5 AND problem_id > $6::uuid))"
        f" ORDER BY {LISTED_AT} DESC, problem_id LIMIT $4",
        list(LISTED),
        category,
        public_only,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [_problem(r) for r in rows]


async def known_errors_among(
    *,
    conn: asyncpg.Connection,
    problem_ids: Sequence[UUID],
    category: str | None,
    public_only: bool,
) -> dict[UUID, Problem]:
    """The listed problems among `problem_ids` that pass the filters, by id."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM problems WHERE problem_id = ANY($1::uuid[])"
        " AND status = ANY($2::text[]) AND ($3::text IS NULL OR category = $3)"
        " AND (public OR NOT $4)",
        list(problem_ids),
        list(LISTED),
        category,
        public_only,
    )
    return {r["problem_id"]: _problem(r) for r in rows}


async def insert_link(
    *, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID, linked_by: str, now: datetime
) -> bool:
    """Link a ticket; False when it was linked already (the first link is kept)."""
    inserted = await conn.fetchval(
        "INSERT INTO problem_tickets (problem_id, ticket_id, linked_by, linked_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (problem_id, ticket_id) DO NOTHING"
        " RETURNING true",
        problem_id,
        ticket_id,
        linked_by,
        now,
    )
    return bool(inserted)


async def delete_link(*, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID) -> bool:
    """Unlink; False when the ticket was not linked."""
    deleted = await conn.fetchval(
        "DELETE FROM problem_tickets WHERE problem_id = $1 AND ticket_id = $2 RETURNING true",
        problem_id,
        ticket_id,
    )
    return bool(deleted)


async def get_link(
    *, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID
) -> LinkedTicket | None:
    links = await list_links(conn=conn, problem_id=problem_id, ticket_id=ticket_id)
    return links[0] if links else None


async def list_links(
    *, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID | None = None
) -> list[LinkedTicket]:
    """Linked tickets, the first linked first, with subject and status when known."""
    rows = await conn.fetch(
        "SELECT l.ticket_id, l.linked_by, l.linked_at, t.subject, t.status"
        " FROM problem_tickets l LEFT JOIN tickets t ON t.ticket_id = l.ticket_id"
        " WHERE l.problem_id = $1 AND ($2::uuid IS NULL OR l.ticket_id = $2)"
        " ORDER BY l.linked_at, l.ticket_id",
        problem_id,
        ticket_id,
    )
    return [LinkedTicket.model_validate(dict(r)) for r in rows]


async def linked_ticket_ids(*, conn: asyncpg.Connection, problem_id: UUID) -> list[UUID]:
    rows = await conn.fetch(
        "SELECT ticket_id FROM problem_tickets WHERE problem_id = $1 ORDER BY linked_at, ticket_id",
        problem_id,
    )
    return [r["ticket_id"] for r in rows]
