"""Principals: who may act, what they may be created or changed to, and how they are shown."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from ticketflow_common.events.common import TeamKey
from ticketflow_common.events.identity import IdentityRole, PrincipalKind
from ticketflow_common.input_model import InputModel

DisplayName = Annotated[str, Field(min_length=1, max_length=200)]
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]
Teams = Annotated[list[TeamKey], Field(max_length=100)]
"""Routing's team ids (`network`, `service-desk`)."""


def _trimmed(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            raise ValueError("must not be blank")
        return stripped
    return value


class NewPrincipal(InputModel):
    kind: PrincipalKind
    display_name: DisplayName
    email: Email | None = None
    role: IdentityRole
    agent_id: UUID | None = Field(default=None, description="Routing's agent this person works as.")
    teams: Teams = Field(default_factory=list)

    _trim = field_validator("display_name", mode="before")(_trimmed)


class PrincipalPatch(InputModel):
    """Only the fields sent change; `agent_id` and `email` may be set to null."""

    display_name: DisplayName | None = None
    email: Email | None = None
    role: IdentityRole | None = None
    agent_id: UUID | None = None
    teams: Teams | None = None

    _trim = field_validator("display_name", mode="before")(_trimmed)

    def changes(self) -> dict[str, Any]:
        """The fields sent; raises `NullField` for one that may not be null."""
        sent = self.model_dump(exclude_unset=True)
        for name in ("display_name", "role", "teams"):
            if name in sent and sent[name] is None:
                raise NullField(name)
        return sent


class NullField(ValueError):
    def __init__(self, field: str) -> None:
        super().__init__(f"{field} may not be null")
        self.field = field


class PrincipalView(BaseModel):
    principal_id: UUID
    kind: PrincipalKind
    display_name: str
    email: str | None
    role: IdentityRole
    agent_id: UUID | None
    teams: list[TeamKey]
    disabled: bool
    disabled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class PrincipalFilter(BaseModel):
    role: IdentityRole | None = None
    kind: PrincipalKind | None = None
    team: TeamKey | None = None
    email: str | None = None
    disabled: bool | None = None
    limit: int = 100
