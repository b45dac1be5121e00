"""Value types several topics share."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

Priority = Literal["low", "normal", "high", "urgent"]
TicketStatus = Literal[
    "new", "pending_approval", "open", "in_progress", "waiting_on_customer", "resolved", "closed"
]
Channel = Literal["web", "app", "email", "chat", "phone", "api"]
ActorRole = Literal["requester", "agent", "approver", "admin", "system"]
AgentStatus = Literal["online", "away", "offline"]
TEAM_KEY_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
TEAM_KEY_MAX_LENGTH = 100
TeamKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TEAM_KEY_MAX_LENGTH, pattern=TEAM_KEY_PATTERN),
]
"""A team as routing names it (`network`, `service-desk`): lowercase ASCII, digits, `_.-`."""
SkillTag = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
]


class AutomationCause(BaseModel):
    """What made a change: a rule's firing or a macro an agent applied. Changes carry it, so a
    rule is not triggered by its own changes, and chains of rules stop at a depth."""

    kind: Literal["rule", "macro"]
    firing_id: UUID = Field(description="The firing or macro application.")
    rule_id: UUID | None = None
    macro_id: UUID | None = None
    depth: int = Field(default=1, ge=1, description="1: caused by a person's or system's event.")
