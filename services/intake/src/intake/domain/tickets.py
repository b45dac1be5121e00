"""What a ticket is and what a client may send to create one."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from ticketflow_common.events import Priority, SkillTag


class Requester(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=200)
    email: EmailStr | None = None


class NewTicket(BaseModel):
    """The body of `POST /tickets`; unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "subject": "VPN drops every 10 minutes",
                    "description": "Since this morning the VPN client disconnects.",
                    "requester": {"id": "u-1042", "name": "Ada", "email": "ada@example.com"},
                    "priority": "high",
                    "required_skills": ["network"],
                }
            ]
        },
    )

    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    requester: Requester
    priority: Priority = "normal"
    required_skills: list[SkillTag] = Field(default_factory=list, max_length=20)


class Owner(BaseModel):
    agent_id: UUID
    agent_name: str
    team: str
    assigned_at: datetime


class Ticket(BaseModel):
    """A ticket as clients see it, with its owner once routing has assigned one."""

    id: UUID
    subject: str
    description: str
    requester: Requester
    priority: Priority
    required_skills: list[str]
    status: str
    owner: Owner | None
    created_at: datetime
    updated_at: datetime
