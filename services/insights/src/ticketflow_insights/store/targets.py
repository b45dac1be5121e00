"""Per-team target overrides; a missing row or NULL column keeps the default."""

from typing import Any

import asyncpg

from ticketflow_insights.domain.targets import TARGET_FIELDS, TeamTargets


async def targets_for(*, conn: asyncpg.Connection, team: str) -> TeamTargets:
    row = await conn.fetchrow("SELECT * FROM team_targets WHERE team = $1", team)
    if row is None:
        return TeamTargets()
    overrides: dict[str, Any] = {f: row[f] for f in TARGET_FIELDS if row[f] is not None}
    return TeamTargets(**overrides)
