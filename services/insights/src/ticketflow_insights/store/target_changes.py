"""Writing a team's target overrides, and the record of each change."""

from datetime import datetime

import asyncpg

from ticketflow_insights.domain.targets import TARGET_FIELDS

_COLUMNS = ", ".join(TARGET_FIELDS)
_PLACEHOLDERS = ", ".join(f"${i}" for i in range(2, len(TARGET_FIELDS) + 2))
_UPDATES = ", ".join(f"{name} = EXCLUDED.{name}" for name in TARGET_FIELDS)
_AFTER = len(TARGET_FIELDS) + 2

UPSERT_TARGETS = f"""
INSERT INTO team_targets (team, {_COLUMNS}, updated_at, updated_by)
VALUES ($1, {_PLACEHOLDERS}, ${_AFTER}, ${_AFTER + 1})
ON CONFLICT (team) DO UPDATE
   SET {_UPDATES}, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
"""


async def updated(*, conn: asyncpg.Connection, team: str) -> asyncpg.Record | None:
    """When and by whom the team's targets last changed; None while they are the defaults."""
    return await conn.fetchrow(
        "SELECT updated_at, updated_by FROM team_targets WHERE team = $1", team
    )


async def stored_overrides(
    *, conn: asyncpg.Connection, team: str, lock: bool = False
) -> dict[str, float | None]:
    """The team's overrides (None where it keeps the default); all None without a row."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM team_targets WHERE team = $1" + (" FOR UPDATE" if lock else ""),
        team,
    )
    return {name: None if row is None else row[name] for name in TARGET_FIELDS}


async def save_overrides(
    *,
    conn: asyncpg.Connection,
    team: str,
    overrides: dict[str, float | None],
    changes: dict[str, float | None],
    changed_by: str,
    now: datetime,
) -> None:
    values = [overrides[name] for name in TARGET_FIELDS]
    await conn.execute(UPSERT_TARGETS, team, *values, now, changed_by)
    await conn.execute(
        "INSERT INTO team_target_changes (team, changes, changed_by, changed_at)"
        " VALUES ($1, $2, $3, $4)",
        team,
        changes,
        changed_by,
        now,
    )


async def target_changes(
    *, conn: asyncpg.Connection, team: str, limit: int
) -> list[asyncpg.Record]:
    """The latest changes first."""
    rows = await conn.fetch(
        "SELECT changes, changed_by, changed_at FROM team_target_changes WHERE team = $1"
        " ORDER BY change_id DESC LIMIT $2",
        team,
        limit,
    )
    return list(rows)
