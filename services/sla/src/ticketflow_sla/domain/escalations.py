"""Escalation policies: ordered levels, each firing at a delay from the breach, with repeats."""

from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from ticketflow_common.events import EscalationTarget
from ticketflow_common.input_model import InputModel
from ticketflow_sla.domain.tickets import TicketProjection

MAX_DELAY_SECONDS = 30 * 24 * 3600


class TargetSpec(InputModel):
    """Whom a level alerts: the ticket's owner, its team lead, or a named person or group."""

    kind: Literal["owner", "team_lead", "person", "group"]
    id: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)

    @model_validator(mode="after")
    def _named_when_needed(self) -> "TargetSpec":
        if self.kind in ("person", "group") and not (self.id or self.email):
            raise ValueError(f"a {self.kind} target needs an id or an email")
        return self


class EscalationLevel(InputModel):
    """Fires `delay_seconds` after the breach (negative: before it), then `repeat` more times
    every `repeat_every_seconds` while the clock is neither met nor cancelled."""

    delay_seconds: float = Field(ge=-MAX_DELAY_SECONDS, le=MAX_DELAY_SECONDS)
    targets: list[TargetSpec] = Field(min_length=1, max_length=20)
    repeat: int = Field(default=0, ge=0, le=20)
    repeat_every_seconds: float | None = Field(default=None, gt=0, le=MAX_DELAY_SECONDS)

    @model_validator(mode="after")
    def _interval_for_repeats(self) -> "EscalationLevel":
        if self.repeat and self.repeat_every_seconds is None:
            raise ValueError("repeat_every_seconds is required when repeat > 0")
        return self


class EscalationPolicyUpdate(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "levels": [
                        {"delay_seconds": 900, "targets": [{"kind": "owner"}]},
                        {
                            "delay_seconds": 3600,
                            "targets": [{"kind": "team_lead"}],
                            "repeat": 2,
                            "repeat_every_seconds": 3600,
                        },
                    ]
                }
            ]
        },
    )

    levels: list[EscalationLevel] = Field(min_length=1, max_length=10)
    team: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="The team it is for: its lead may change it. None: only admins may.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "EscalationPolicyUpdate":
        delays = [level.delay_seconds for level in self.levels]
        if delays != sorted(delays):
            raise ValueError("levels must be ordered by delay_seconds")
        return self


class EscalationPolicy(EscalationPolicyUpdate):
    name: str
    updated_at: datetime


def escalation_due(level: EscalationLevel, *, deadline: datetime, repeat: int) -> datetime:
    """When the `repeat`-th firing of a level is due (0 is the first)."""
    every = level.repeat_every_seconds or 0.0
    return deadline + timedelta(seconds=level.delay_seconds + repeat * every)


def _known(
    kind: Literal["owner", "team_lead"], person_id: UUID | None, email: str | None
) -> EscalationTarget:
    return EscalationTarget(kind=kind, id=str(person_id) if person_id else None, email=email)


def resolve_targets(level: EscalationLevel, ticket: TicketProjection) -> list[EscalationTarget]:
    """Concrete targets from the ticket's current owner and team lead; unknown ones stay empty,
    which tells the recipient that nobody owns the ticket."""
    resolved: list[EscalationTarget] = []
    for spec in level.targets:
        if spec.kind == "owner":
            resolved.append(_known("owner", ticket.assignee_id, ticket.assignee_email))
        elif spec.kind == "team_lead":
            resolved.append(_known("team_lead", ticket.team_lead_id, ticket.team_lead_email))
        else:
            resolved.append(EscalationTarget(kind=spec.kind, id=spec.id, email=spec.email))
    return resolved
