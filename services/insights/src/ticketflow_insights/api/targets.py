"""Thin routes for team targets: leads and admins read them, only admins change them."""

from typing import Annotated

from fastapi import APIRouter, Path

from ticketflow_common.problems import ProblemError
from ticketflow_insights.api.deps import AuditActorDep, NowDep, PoolDep, ViewerDep
from ticketflow_insights.commands.targets import EffectiveTargets, change_targets, effective_targets
from ticketflow_insights.domain.target_changes import TargetsUpdate

router = APIRouter(tags=["targets"])

Team = Annotated[str, Path(min_length=1, max_length=100)]
ADMIN_ACTOR = "service-token"


@router.get("/targets/{team}")
async def read_targets(team: Team, viewer: ViewerDep, pool: PoolDep) -> EffectiveTargets:
    """The targets in force: the defaults, with the team's overrides."""
    if not viewer.may_see_team(team):
        raise ProblemError(403, "only the team's lead or an admin may see this team's targets")
    async with pool.acquire() as conn:
        return await effective_targets(conn=conn, team=team)


@router.put("/targets/{team}")
async def put_targets(
    team: Team,
    body: TargetsUpdate,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    audit_actor: AuditActorDep,
) -> EffectiveTargets:
    """Change the fields named in the body (null: back to the default): the team's lead or an
    admin."""
    if not viewer.may_see_team(team):
        raise ProblemError(403, "only the team's lead or an admin may change its targets")
    actor = ADMIN_ACTOR if viewer.agent_id is None else str(viewer.agent_id)
    async with pool.acquire() as conn:
        return await change_targets(
            conn=conn, team=team, update=body, changed_by=actor, actor=audit_actor, now=now
        )
