"""SQL for the service catalogue."""

import asyncpg

from intake.domain.catalogue import Category, CategorySpec


async def upsert_category(*, conn: asyncpg.Connection, key: str, spec: CategorySpec) -> Category:
    row = await conn.fetchrow(
        "INSERT INTO categories (key, name, default_priority, required_skills, team,"
        " approval_threshold) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (key) DO UPDATE SET name = $2, default_priority = $3,"
        " required_skills = $4, team = $5, approval_threshold = $6, updated_at = now()"
        " RETURNING *",
        key,
        spec.name,
        spec.default_priority,
        spec.required_skills,
        spec.team,
        spec.approval_threshold,
    )
    return Category.model_validate(dict(row))


async def get_category(*, conn: asyncpg.Connection, key: str) -> Category | None:
    row = await conn.fetchrow("SELECT * FROM categories WHERE key = $1", key)
    return Category.model_validate(dict(row)) if row else None


async def list_categories(*, conn: asyncpg.Connection) -> list[Category]:
    rows = await conn.fetch("SELECT * FROM categories ORDER BY key")
    return [Category.model_validate(dict(r)) for r in rows]
