"""SLA policies: conditions matched in position order, targets, calendar, warnings, escalation."""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from ticketflow_common.events import Priority
from ticketflow_common.events.common import Channel, TicketStatus
from ticketflow_common.events.sla import Metric
from ticketflow_common.input_model import InputModel
from ticketflow_sla.domain.calendars import ALWAYS_OPEN_NAME
from ticketflow_sla.domain.tickets import TicketProjection

METRICS: tuple[Metric, ...] = ("first_response", "next_response", "resolution")
MAX_TARGET_SECONDS = 365 * 24 * 3600
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


def _as_list(value: Any) -> Any:
    """A condition may name one value or several."""
    return [value] if isinstance(value, str) else value


Condition = Annotated[list[str] | None, BeforeValidator(_as_list)]


class WarningRule(InputModel):
    """Warn when a fraction of the target has passed, or N minutes (business time) before."""

    fraction: float | None = Field(default=None, gt=0, lt=1)
    minutes_before: float | None = Field(default=None, gt=0, le=MAX_TARGET_SECONDS / 60)

    @model_validator(mode="after")
    def _exactly_one(self) -> "WarningRule":
        if (self.fraction is None) == (self.minutes_before is None):
            raise ValueError("set exactly one of fraction and minutes_before")
        return self

    @property
    def label(self) -> str:
        if self.fraction is not None:
            return f"{self.fraction * 100:g}%"
        return f"{self.minutes_before:g}m-before"

    def business_seconds_into(self, target_seconds: float) -> float | None:
        """How much business time has passed when this warning fires; None if never."""
        if self.fraction is not None:
            return self.fraction * target_seconds
        assert self.minutes_before is not None
        point = target_seconds - self.minutes_before * 60
        return point if point > 0 else None


DEFAULT_WARNINGS = (WarningRule(fraction=0.5), WarningRule(fraction=0.75))


def _statuses(*names: TicketStatus) -> Any:
    return Field(default_factory=lambda: list(names), max_length=7)


class ClockRules(InputModel):
    """When a policy's clocks pause, are met, are cancelled or start over, by ticket status."""

    pause_on: list[TicketStatus] = _statuses("waiting_on_customer", "pending_approval")
    resolve_on: list[TicketStatus] = _statuses("resolved")
    cancel_on: list[TicketStatus] = _statuses("closed")
    reset_on: list[TicketStatus] = _statuses()

    @model_validator(mode="after")
    def _one_rule_per_status(self) -> "ClockRules":
        seen: dict[str, str] = {}
        for rule in ("pause_on", "resolve_on", "cancel_on", "reset_on"):
            for status in getattr(self, rule):
                if status in seen and seen[status] != rule:
                    raise ValueError(f"{status!r} is in both {seen[status]} and {rule}")
                seen[status] = rule
        return self

    def pauses(self, status: str) -> bool:
        return status in self.pause_on


DEFAULT_CLOCK_RULES = ClockRules()


class PolicyUpdate(InputModel):
    """A policy applies to tickets meeting all of its conditions (an absent one matches all)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "position": 10,
                    "priority": "urgent",
                    "first_response_seconds": 600,
                    "resolution_seconds": 57600,
                    "calendar": "business-hours",
                    "warnings": [{"fraction": 0.5}, {"minutes_before": 5}],
                    "escalation_policy": "default",
                }
            ]
        },
    )

    position: int = Field(ge=0, le=1_000_000)
    priority: Annotated[list[Priority] | None, BeforeValidator(_as_list)] = None
    category: Condition = None
    channel: Annotated[list[Channel] | None, BeforeValidator(_as_list)] = None
    team: Condition = None
    requester_tier: Condition = None
    first_response_seconds: float | None = Field(default=None, gt=0, le=MAX_TARGET_SECONDS)
    next_response_seconds: float | None = Field(default=None, gt=0, le=MAX_TARGET_SECONDS)
    resolution_seconds: float | None = Field(default=None, gt=0, le=MAX_TARGET_SECONDS)
    calendar: str = Field(
        default=ALWAYS_OPEN_NAME,
        pattern=NAME_PATTERN,
        max_length=100,
        description="Business time is counted in this calendar; 24x7 when not given.",
    )
    warnings: list[WarningRule] = Field(
        default_factory=lambda: list(DEFAULT_WARNINGS), max_length=10
    )
    escalation_policy: str | None = Field(default=None, pattern=NAME_PATTERN, max_length=100)
    clock_rules: ClockRules = Field(
        default_factory=ClockRules,
        description="Start, pause, stop (met), cancel and reset conditions, by ticket status.",
    )

    @model_validator(mode="after")
    def _some_target(self) -> "PolicyUpdate":
        if all(self.target(m) is None for m in METRICS):
            raise ValueError(
                "set at least one of first_response_seconds, next_response_seconds,"
                " resolution_seconds"
            )
        return self

    def target(self, metric: Metric) -> float | None:
        targets = {
            "first_response": self.first_response_seconds,
            "next_response": self.next_response_seconds,
            "resolution": self.resolution_seconds,
        }
        return targets[metric]

    def applies_to(self, ticket: TicketProjection) -> bool:
        checks: list[tuple[Sequence[str] | None, str | None]] = [
            (self.priority, ticket.priority),
            (self.category, ticket.category),
            (self.channel, ticket.channel),
            (self.team, ticket.effective_team),
            (self.requester_tier, ticket.requester_tier),
        ]
        return all(allowed is None or value in allowed for allowed, value in checks)


class Policy(PolicyUpdate):
    name: str
    updated_at: datetime


def rules_for(policy: Policy | None) -> ClockRules:
    return policy.clock_rules if policy is not None else DEFAULT_CLOCK_RULES


def match_policy(policies: Sequence[Policy], ticket: TicketProjection) -> Policy | None:
    """The first policy, in position order, whose conditions the ticket meets."""
    for policy in sorted(policies, key=lambda p: p.position):
        if policy.applies_to(ticket):
            return policy
    return None
