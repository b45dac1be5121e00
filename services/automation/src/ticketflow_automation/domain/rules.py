"""What a rule is: when it fires (an event, or a time since an anchor), on which conditions,
what it does and how often it may. Definitions are validated on the way in; every refusal
names its field (`when.all[1].value`, `actions[0].priority`).

The meaning of the conditions (fields, operators, why-strings) is `domain/conditions.py`'s;
of the anchors and business time, `domain/time_rules.py`'s."""

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from ticketflow_common.events.automation import Action
from ticketflow_common.input_model import InputModel

RuleName = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
EventPattern = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=100, pattern=r"^([a-z_]+(\.[a-z_]+)?|[a-z_]+\.\*|\*)$"
    ),
]
"""An event type (`ticket.created`), every type of one kind (`sla.*`) or every event (`*`)."""
FieldPath = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=100, pattern=r"^(ticket|event)\.[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$"
    ),
]
"""`ticket.<fact>` (the ticket after the event: status, priority, tags, custom_fields.<name>...)
or `event.<field>` (the event's own data, `event.type` its type)."""
Operator = Literal[
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "not_contains",
    "contains_text",
    "starts_with",
    "gt",
    "gte",
    "lt",
    "lte",
    "exists",
    "not_exists",
    "changed",
]
Scalar = Annotated[str, StringConstraints(max_length=1000)] | int | float | bool | None
Anchor = Literal[
    "created", "status_entered", "last_update", "awaiting_reply", "awaiting_requester", "unassigned"
]
"""What a time-based rule counts from: the ticket's creation; entering its current status; its
last change; the requester's last message with no agent reply since (`awaiting_reply`); the
agent's last public reply with no requester answer since (`awaiting_requester`); losing (or
never having) an owner (`unassigned`)."""


class Comparison(InputModel):
    field: FieldPath
    op: Operator = "eq"
    value: Scalar | Annotated[list[Scalar], Field(max_length=100)] = None


class AllOf(InputModel):
    all: list["Condition"] = Field(min_length=1, max_length=50)


class AnyOf(InputModel):
    any: list["Condition"] = Field(min_length=1, max_length=50)


class NoneOf(InputModel):
    not_: "Condition" = Field(alias="not")


def _condition_kind(value: Any) -> str | None:
    """Which shape a condition has, by its one key (clear errors instead of a union's four)."""
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "field"
    if isinstance(value, AllOf):
        return "all"
    if isinstance(value, AnyOf):
        return "any"
    if isinstance(value, NoneOf):
        return "not"
    if isinstance(value, Comparison):
        return "field"
    return None


Condition = Annotated[
    Annotated[Comparison, Tag("field")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NoneOf, Tag("not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="a condition is {field, op, value}, {all: [...]}, {any: [...]}"
        " or {not: ...}",
    ),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NoneOf.model_rebuild()


class Elapsed(InputModel):
    """Fire when `minutes` have passed since `anchor` (business minutes of the named SLA
    calendar when `calendar` is given) and the rule's conditions still hold."""

    anchor: Anchor
    minutes: int = Field(ge=1, le=366 * 24 * 60)
    calendar: str | None = Field(
        default=None, min_length=1, max_length=100, description="An SLA calendar's name."
    )


class FiringLimit(InputModel):
    """At most `firings` per ticket in any `per_minutes` (a loop stops and shows)."""

    firings: int = Field(default=3, ge=1, le=100)
    per_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)


class RuleDefinition(InputModel):
    """A rule as people write it (JSON or YAML): `on` events, or `after` a time; `when` its
    conditions; `actions` in order."""

    name: RuleName
    description: str = Field(default="", max_length=2000)
    enabled: bool = True
    position: int = Field(default=100, ge=0, le=1_000_000, description="Lower runs first.")
    on: list[EventPattern] | None = Field(default=None, min_length=1, max_length=50)
    after: Elapsed | None = None
    when: Condition | None = None
    actions: list[Action] = Field(min_length=1, max_length=20)
    limit: FiringLimit = Field(default_factory=FiringLimit)

    @model_validator(mode="after")
    def _one_trigger(self) -> "RuleDefinition":
        if (self.on is None) == (self.after is None):
            raise ValueError("give either `on` (event types) or `after` (a time), not both")
        return self

    @property
    def kind(self) -> Literal["event", "time"]:
        return "event" if self.on is not None else "time"


class Rule(InputModel):
    """A stored rule: its definition, identity and version (the ETag)."""

    rule_id: UUID
    version: int
    definition: RuleDefinition
