"""Reading a team's effective targets and changing its overrides (admins only, recorded)."""

from datetime import datetime

import asyncpg
from pydantic import AwareDatetime, BaseModel, ValidationError

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.problems import invalid_field, not_found
from ticketflow_insights.commands.audit import audit
from ticketflow_insights.domain.target_changes import TargetsUpdate, field_of, overrides_after
from ticketflow_insights.domain.targets import TeamTargets
from ticketflow_insights.store.scorecards import team_exists
from ticketflow_insights.store.target_changes import (
    save_overrides,
    stored_overrides,
    target_changes,
    updated,
)

RECENT_CHANGES = 20
AUDITED = {"team", "targets", "overridden"}
"""The targets as the audit log keeps them (their recent changes are the log itself)."""


class TargetChange(BaseModel):
    changes: dict[str, float | None]
    changed_by: str
    changed_at: AwareDatetime


class EffectiveTargets(BaseModel):
    """The targets in force (defaults where not overridden), which fields are overridden,
    and the latest changes."""

    team: str
    targets: TeamTargets
    overridden: list[str]
    updated_at: AwareDatetime | None = None
    updated_by: str | None = None
    changes: list[TargetChange]


async def effective_targets(*, conn: asyncpg.Connection, team: str) -> EffectiveTargets:
    """404 for a team the facts do not know."""
    if not await team_exists(conn=conn, team=team):
        raise not_found(f"team {team!r} not found")
    overrides = await stored_overrides(conn=conn, team=team)
    stamp = await updated(conn=conn, team=team)
    present = {name: value for name, value in overrides.items() if value is not None}
    return EffectiveTargets(
        team=team,
        targets=TeamTargets(**present),
        overridden=sorted(present),
        updated_at=None if stamp is None else stamp["updated_at"],
        updated_by=None if stamp is None else stamp["updated_by"],
        changes=[
            TargetChange(
                changes=r["changes"], changed_by=r["changed_by"], changed_at=r["changed_at"]
            )
            for r in await target_changes(conn=conn, team=team, limit=RECENT_CHANGES)
        ],
    )


async def change_targets(
    *,
    conn: asyncpg.Connection,
    team: str,
    update: TargetsUpdate,
    changed_by: str,
    actor: AuditActor,
    now: datetime,
) -> EffectiveTargets:
    """Apply the named fields (null: back to the default); 422 naming a field whose value
    the targets cannot take together; 404 for an unknown team."""
    changes = update.changes()
    if not changes:
        raise invalid_field("body", "name at least one target to change")
    async with conn.transaction():
        if not await team_exists(conn=conn, team=team):
            raise not_found(f"team {team!r} not found")
        current = await stored_overrides(conn=conn, team=team, lock=True)
        before = await effective_targets(conn=conn, team=team)
        try:
            overrides = overrides_after(current, changes)
        except ValidationError as error:
            raise invalid_field(
                field_of(error), "not valid with the team's other targets"
            ) from None
        await save_overrides(
            conn=conn,
            team=team,
            overrides=overrides,
            changes=changes,
            changed_by=changed_by,
            now=now,
        )
        after = await effective_targets(conn=conn, team=team)
        await audit(
            conn=conn,
            actor=actor,
            entity="insights.targets",
            entity_id=team,
            action="updated",
            before=before.model_dump(mode="json", include=AUDITED),
            after=after.model_dump(mode="json", include=AUDITED),
            now=now,
        )
    return after
