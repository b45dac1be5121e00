"""What a macro is: a named bundle of actions an agent applies to a ticket in one call, offered
to some teams (or all); and what a preview and an application of one answer."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints, field_validator

from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action
from ticketflow_common.events.common import TeamKey
from ticketflow_common.identity import Principal
from ticketflow_common.input_model import InputModel

MacroName = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=200)]
ALL_MACROS_ROLES = frozenset({"admin", "lead"})
"""Roles that see every macro (they write them); agents see those offered to their teams."""


class MacroDefinition(InputModel):
    """A macro as a lead writes it; `actions` templates (`{{ ticket.subject }}`) are rendered
    against the ticket when it is previewed or applied."""

    name: MacroName
    description: str = Field(default="", max_length=2000)
    actions: list[Action] = Field(min_length=1, max_length=20)
    teams: list[TeamKey] = Field(
        default_factory=list, max_length=100, description="Offered to these teams; empty: all."
    )

    @field_validator("teams")
    @classmethod
    def _once_each(cls, teams: list[str]) -> list[str]:
        return list(dict.fromkeys(teams))

    def offered_to(self, principal: Principal) -> bool:
        """Leads and admins see every macro; an agent those of their teams or of everyone."""
        if principal.role in ALL_MACROS_ROLES:
            return True
        return not self.teams or bool(set(self.teams) & {str(t) for t in principal.teams})


class Macro(BaseModel):
    """A stored macro: its definition, identity and version (the ETag)."""

    macro_id: UUID
    version: int
    definition: MacroDefinition
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class MacroPreview(BaseModel):
    """What applying the macro would do now; nothing is written."""

    ticket_id: UUID
    macro_id: UUID
    macro_version: int
    before: TicketState
    after: TicketState
    changes: list[str] = Field(description="One line per change, as people read it.")
    actions: list[Action] = Field(description="The actions as applying asks for them: rendered.")


class MacroApplication(BaseModel):
    """One application of a macro: announced as `macro.applied` for the owning services."""

    application_id: UUID
    macro_id: UUID
    macro_version: int
    ticket_id: UUID
    actor_id: str
    idempotency_key: str | None
    actions: list[Action]
    applied_at: datetime
