"""What a ticket is, and what clients may send to create or change one."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from ticketflow_common.events.common import Channel, Priority, SkillTag, TicketStatus
from ticketflow_common.input_model import FiniteFloat, InputModel, SafeInt
from ticketflow_intake.domain.priority import Level
from ticketflow_intake.domain.requesters import Email

Tag = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[\w.-]+$")]
Watcher = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
FieldName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]
FieldValue = (
    Annotated[str, StringConstraints(max_length=1000)] | SafeInt | FiniteFloat | bool | None
)
CategoryKey = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
CustomFields = Annotated[dict[FieldName, FieldValue], Field(max_length=30)]

EXAMPLE_TICKET: dict[str, Any] = {
    "subject": "VPN drops every 10 minutes",
    "description": "Since this morning the VPN client disconnects every 10 minutes.",
    "requester": {"id": "u-1042", "name": "Ada Lovelace", "email": "ada@example.com"},
    "channel": "web",
    "category": "network",
    "impact": "medium",
    "urgency": "high",
    "tags": ["vpn", "remote"],
    "custom_fields": {"asset_id": "LT-2231"},
    "language": "en",
    "watchers": ["team:network"],
    "external_ref": "JIRA-5531",
}
EXAMPLE_BY_EMAIL: dict[str, Any] = {
    "subject": "Laptop will not charge",
    "requester": {"email": "grace@example.com", "name": "Grace Hopper"},
    "channel": "web",
}
"""A requester known by address only: intake finds (or makes) the id that address has."""


class Requester(InputModel):
    id: str = Field(min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=200)
    email: EmailStr | None = None
    tier: str = Field(default="standard", min_length=1, max_length=50, pattern=r"^[a-z0-9_-]+$")


class RequesterRef(InputModel):
    """Who files: an id, an email, or both. An email alone gets the id that address is linked
    to (a new `req-...` id the first time); an id and an email link them, the first link wins."""

    id: str | None = Field(default=None, min_length=1, max_length=128)
    name: str | None = Field(default=None, max_length=200)
    email: Email | None = Field(
        default=None, description="Trimmed and lower-cased; one address names one requester."
    )
    tier: str = Field(default="standard", min_length=1, max_length=50, pattern=r"^[a-z0-9_-]+$")

    @model_validator(mode="after")
    def _identified(self) -> "RequesterRef":
        if self.id is None and self.email is None:
            raise ValueError("give requester.id or requester.email (or both)")
        return self

    def with_id(self, requester_id: str) -> "RequesterRef":
        """This reference under the id it resolved to: what the ticket stores."""
        return self.model_copy(update={"id": requester_id})


class NewTicket(InputModel):
    """The body of `POST /tickets`; unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_TICKET, EXAMPLE_BY_EMAIL]})

    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    requester: RequesterRef
    channel: Channel = "api"
    category: CategoryKey | None = None
    priority: Priority | None = Field(
        default=None, description="Given, else derived from impact x urgency, else the category's."
    )
    impact: Level | None = None
    urgency: Level | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    custom_fields: CustomFields = Field(default_factory=dict)
    amount: Amount | None = None
    language: Language = "en"
    watchers: list[Watcher] = Field(default_factory=list, max_length=50)
    external_ref: str | None = Field(default=None, max_length=200)
    required_skills: list[SkillTag] | None = Field(
        default=None, max_length=20, description="Defaults to the category's required skills."
    )

    @model_validator(mode="after")
    def _impact_and_urgency_together(self) -> "NewTicket":
        if (self.impact is None) != (self.urgency is None):
            raise ValueError("impact and urgency must be given together")
        return self


class TicketPatch(InputModel):
    """The body of `PATCH /tickets/{id}`: only the fields present change."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"priority": "high", "tags": ["vpn"]}]}
    )

    subject: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    priority: Priority | None = None
    category: CategoryKey | None = None
    tags: list[Tag] | None = Field(default=None, max_length=20)
    custom_fields: CustomFields | None = None
    language: Language | None = None
    watchers: list[Watcher] | None = Field(default=None, max_length=50)
    external_ref: str | None = Field(default=None, max_length=200)
    required_skills: list[SkillTag] | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _something_to_change(self) -> "TicketPatch":
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


class Owner(BaseModel):
    agent_id: UUID
    agent_name: str
    team: str
    assigned_at: datetime


class Ticket(BaseModel):
    """A ticket as clients see it; `version` is also its ETag."""

    id: UUID
    subject: str
    description: str
    requester: Requester
    channel: Channel
    category: str | None
    priority: Priority
    impact: Level | None
    urgency: Level | None
    tags: list[str]
    custom_fields: dict[str, FieldValue]
    amount: Decimal | None
    language: str
    watchers: list[str]
    external_ref: str | None
    required_skills: list[str]
    team: str | None
    status: TicketStatus
    allowed_transitions: list[TicketStatus]
    owner: Owner | None
    escalation_level: int
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reopen_count: int
    sla_breached: bool
    version: int
    created_at: datetime
    updated_at: datetime
    origin_message_id: str | None = Field(
        default=None, description="The Message-ID of the mail the ticket was made from."
    )


class StatusChange(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "in_progress"}]})

    status: TicketStatus
    reason: str | None = Field(default=None, max_length=500)


class ApprovalDecision(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"decision": "approve", "reason": "within budget"}]},
    )

    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=500)


class Reopen(InputModel):
    reason: str = Field(min_length=1, max_length=500)


class Transfer(InputModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"team": "network", "reason": "needs a network engineer"}]},
    )

    team: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


class Escalation(InputModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "customer is blocked"}]})

    reason: str = Field(min_length=1, max_length=500)
