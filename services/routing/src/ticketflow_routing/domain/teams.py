"""Teams as the API shows and accepts them."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ticketflow_common.events import RoutingStrategy
from ticketflow_common.events.common import TEAM_KEY_PATTERN
from ticketflow_common.input_model import InputModel

TEAM_ID_PATTERN = TEAM_KEY_PATTERN
"""A team's id (`TeamKey`): the one every contract naming a team uses."""


class TeamChange(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"name": "Network", "lead_agent_id": None, "strategy": "skills_load"}]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    lead_agent_id: UUID | None = None
    strategy: RoutingStrategy = "skills_load"


@dataclass(frozen=True)
class TeamLead:
    """Who leads a team, as a decision's event names them."""

    agent_id: UUID | None
    email: str | None


class Team(BaseModel):
    id: str
    name: str
    lead_agent_id: UUID | None
    lead_email: str | None = None
    strategy: RoutingStrategy
    created_at: datetime
    version: int = 1
    archived_at: datetime | None = None
