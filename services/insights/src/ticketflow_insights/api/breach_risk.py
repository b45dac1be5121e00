"""Open tickets likely to miss an SLA target, likeliest first, with the reasons."""

from typing import Annotated

from fastapi import APIRouter, Query

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_insights.api.deps import PoolDep, SettingsDep, ViewerDep
from ticketflow_insights.commands.breach_risk import AtRiskClock, list_at_risk

router = APIRouter(tags=["breach risk"])


@router.get("/at-risk")
async def read_at_risk(
    pool: PoolDep,
    viewer: ViewerDep,
    settings: SettingsDep,
    team: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    min_probability: Annotated[
        float | None, Query(ge=0, le=1, description="Default: the threshold of sla.at_risk.")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[AtRiskClock]:
    """Likeliest first, then soonest due. Admins see every team, leads their teams (403 for
    another), agents the tickets they own; 404 for a team nobody has heard of."""
    async with pool.acquire() as conn:
        return await list_at_risk(
            conn=conn,
            viewer=viewer,
            team=team,
            min_probability=(
                settings.breach_risk_threshold if min_probability is None else min_probability
            ),
            cursor=cursor,
            limit=limit,
        )
