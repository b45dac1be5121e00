"""Agents as the API shows and accepts them."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from ticketflow_common.events import SkillTag

AgentStatus = Literal["online", "away", "offline"]


class NewAgent(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Grace", "team": "it-support", "skills": ["network"], "capacity": 5}
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    team: str = Field(min_length=1, max_length=100)
    skills: list[SkillTag] = Field(default_factory=list, max_length=50)
    capacity: int = Field(ge=0, le=1000)
    status: AgentStatus = "online"


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AgentStatus


class Agent(BaseModel):
    id: UUID
    name: str
    team: str
    skills: list[str]
    capacity: int
    load: int
    status: AgentStatus
    last_assigned_at: datetime | None
    created_at: datetime
