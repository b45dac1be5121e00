"""SQL for the service catalogue; archived categories stay for the tickets that name them."""

from datetime import datetime

import asyncpg

from ticketflow_common.in_use import Usage, count_uses
from ticketflow_intake.domain.catalogue import Category, CategorySpec


def _category(row: asyncpg.Record) -> Category:
    return Category.model_validate({k: v for k, v in dict(row).items() if k != "archived_at"})


async def upsert_category(*, conn: asyncpg.Connection, key: str, spec: CategorySpec) -> Category:
    """Create or change the category; an archived one comes back."""
    row = await conn.fetchrow(
        "INSERT INTO categories (key, name, default_priority, required_skills, team,"
        " approval_threshold, approvers, approval_escalation, approval_reminder_minutes,"
        " approval_escalation_minutes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        " ON CONFLICT (key) DO UPDATE SET name = $2, default_priority = $3,"
        " required_skills = $4, team = $5, approval_threshold = $6, approvers = $7,"
        " approval_escalation = $8, approval_reminder_minutes = $9,"
        " approval_escalation_minutes = $10, updated_at = now(),"
        " archived_at = NULL RETURNING *",
        key,
        spec.name,
        spec.default_priority,
        spec.required_skills,
        spec.team,
        spec.approval_threshold,
        [c.model_dump(mode="json") for c in spec.approvers],
        [c.model_dump(mode="json") for c in spec.approval_escalation],
        spec.approval_reminder_minutes,
        spec.approval_escalation_minutes,
    )
    return _category(row)


async def get_category(*, conn: asyncpg.Connection, key: str) -> Category | None:
    """The live category, share-locked so that it cannot be archived under a new ticket."""
    row = await conn.fetchrow(
        "SELECT * FROM categories WHERE key = $1 AND archived_at IS NULL FOR SHARE", key
    )
    return _category(row) if row else None


async def get_any_category(*, conn: asyncpg.Connection, key: str) -> Category | None:
    """The category, archived or not, unlocked: whom its tickets' approvals go to."""
    row = await conn.fetchrow("SELECT * FROM categories WHERE key = $1", key)
    return _category(row) if row else None


async def lock_live_category(*, conn: asyncpg.Connection, key: str) -> Category | None:
    """The live category, locked for the change about to replace it."""
    row = await conn.fetchrow(
        "SELECT * FROM categories WHERE key = $1 AND archived_at IS NULL FOR UPDATE", key
    )
    return _category(row) if row else None


async def list_categories(
    *, conn: asyncpg.Connection, limit: int, after: str | None = None
) -> list[Category]:
    """The live catalogue by key, after a key."""
    rows = await conn.fetch(
        "SELECT * FROM categories WHERE archived_at IS NULL AND ($1::text IS NULL OR key > $1)"
        " ORDER BY key LIMIT $2",
        after,
        limit,
    )
    return [_category(r) for r in rows]


async def category_usages(
    *, conn: asyncpg.Connection, key: str, done_statuses: list[str]
) -> list[Usage]:
    return [
        await count_uses(
            conn,
            "open_ticket",
            "SELECT id FROM tickets WHERE category = $1 AND status <> ALL($2::text[])"
            " ORDER BY created_at, id",
            key,
            done_statuses,
        )
    ]


async def archive_category(*, conn: asyncpg.Connection, key: str, now: datetime) -> None:
    await conn.execute("UPDATE categories SET archived_at = $2 WHERE key = $1", key, now)
