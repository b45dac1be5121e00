"""Open tickets likely to miss an SLA target, likeliest first, with the reasons."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ticketflow_insights.api.deps import PoolDep, SettingsDep, ViewerDep
from ticketflow_insights.commands.breach_risk import list_at_risk

router = APIRouter(tags=["breach risk"])


class AtRiskClock(BaseModel):
    """The latest assessment of one running SLA clock."""

    ticket_id: UUID
    clock_id: UUID
    metric: str
    cycle: int
    team: str | None
    priority: str | None
    assignee_id: UUID | None
    probability: float
    reasons: list[str]
    due_at: datetime
    warned_at: datetime | None
    crossed_at: datetime | None
    assessed_at: datetime


@router.get("/at-risk")
async def read_at_risk(
    pool: PoolDep,
    viewer: ViewerDep,
    settings: SettingsDep,
    team: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    min_probability: Annotated[
        float | None, Query(ge=0, le=1, description="Default: the threshold of sla.at_risk.")
    ] = None,
) -> list[AtRiskClock]:
    """Admins see every team, leads their teams (403 for another), agents the tickets they
    own; 404 for a team nobody has heard of."""
    async with pool.acquire() as conn:
        rows = await list_at_risk(
            conn=conn,
            viewer=viewer,
            team=team,
            min_probability=(
                settings.breach_risk_threshold if min_probability is None else min_probability
            ),
        )
    return [AtRiskClock.model_validate(dict(r)) for r in rows]
