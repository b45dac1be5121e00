"""`automation.events.v1`: what automation decided to do to a ticket, and why. Key: ticket id.

Automation owns rules and macros, not tickets: a firing is a request that the services owning
the data carry out, each the actions of its own (intake: fields, status, notes, replies, team,
escalation; routing: assign and unassign; notify: notify and call_webhook). Each applies a
firing once (its inbox records the event id with the effect) and an action that finds the
ticket already as asked changes nothing; the changes they emit carry `caused_by`, so a rule's
own changes never trigger it again."""

from datetime import datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import AutomationCause, Priority, TeamKey, TicketStatus
from ticketflow_common.input_model import InputModel

Tag = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[\w.-]+$")]
FieldName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]
FieldValue = Annotated[str, StringConstraints(max_length=1000)] | int | float | bool | None
CategoryKey = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]
NotifyTarget = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=320,
        pattern=r"^(owner|team_lead|requester|watchers|team:[a-z0-9][a-z0-9_.-]*|[^@\s]+@[^@\s]+)$",
    ),
]
"""Who a `notify` action tells: the ticket's owner, its team's lead, its requester, its
watchers, every agent of a team (`team:network`) or one address."""


class ActionModel(InputModel):
    """One thing a rule or macro does; rules are refused naming any field not listed here, or
    text Postgres cannot store (an action is kept in a rule before it is ever sent)."""

    model_config = ConfigDict(frozen=True)  # strictness comes from InputModel


class SetPriority(ActionModel):
    type: Literal["set_priority"] = "set_priority"
    priority: Priority


class SetCategory(ActionModel):
    type: Literal["set_category"] = "set_category"
    category: CategoryKey


class SetTeam(ActionModel):
    """Transfer the ticket to another team (routing then finds an owner there)."""

    type: Literal["set_team"] = "set_team"
    team: TeamKey


class AddTags(ActionModel):
    type: Literal["add_tags"] = "add_tags"
    tags: list[Tag] = Field(min_length=1, max_length=20)


class RemoveTags(ActionModel):
    type: Literal["remove_tags"] = "remove_tags"
    tags: list[Tag] = Field(min_length=1, max_length=20)


class SetCustomFields(ActionModel):
    """Set (or, with null, clear) custom fields; the others keep their values."""

    type: Literal["set_custom_fields"] = "set_custom_fields"
    fields: dict[FieldName, FieldValue] = Field(min_length=1, max_length=30)


class SetStatus(ActionModel):
    """Move the ticket as its lifecycle allows (a refused move is noted, not forced)."""

    type: Literal["set_status"] = "set_status"
    status: TicketStatus
    reason: Reason | None = None


class AddNote(ActionModel):
    """An internal note; in a rule or macro `body` is a template (`{{ ticket.subject }}`), in
    an event it is the rendered text."""

    type: Literal["add_note"] = "add_note"
    body: Text


class AddReply(ActionModel):
    """A public reply to the requester (mailed like an agent's); `body` as for `add_note`."""

    type: Literal["add_reply"] = "add_reply"
    body: Text


class Escalate(ActionModel):
    type: Literal["escalate"] = "escalate"
    reason: Reason


class Assign(ActionModel):
    """Give the ticket to `agent_id` (capacity still holds), or, without one, to the best
    other eligible agent."""

    type: Literal["assign"] = "assign"
    agent_id: UUID | None = None


class Unassign(ActionModel):
    """Take the ticket off its owner: it waits in its team's queue."""

    type: Literal["unassign"] = "unassign"


class Notify(ActionModel):
    """Tell someone (`target`) about the ticket; `message` as for `add_note`."""

    type: Literal["notify"] = "notify"
    target: NotifyTarget
    message: Text
    subject: Annotated[str, StringConstraints(min_length=1, max_length=300)] | None = None


class CallWebhook(ActionModel):
    """Send the firing to one of notify's webhook endpoints (signed, retried like any)."""

    type: Literal["call_webhook"] = "call_webhook"
    endpoint_id: UUID


Action = Annotated[
    SetPriority
    | SetCategory
    | SetTeam
    | AddTags
    | RemoveTags
    | SetCustomFields
    | SetStatus
    | AddNote
    | AddReply
    | Escalate
    | Assign
    | Unassign
    | Notify
    | CallWebhook,
    Field(discriminator="type"),
]
ActionType = Literal[
    "set_priority",
    "set_category",
    "set_team",
    "add_tags",
    "remove_tags",
    "set_custom_fields",
    "set_status",
    "add_note",
    "add_reply",
    "escalate",
    "assign",
    "unassign",
    "notify",
    "call_webhook",
]
INTAKE_ACTIONS: frozenset[str] = frozenset(
    {
        "set_priority",
        "set_category",
        "set_team",
        "add_tags",
        "remove_tags",
        "set_custom_fields",
        "set_status",
        "add_note",
        "add_reply",
        "escalate",
    }
)
ROUTING_ACTIONS: frozenset[str] = frozenset({"assign", "unassign"})
NOTIFY_ACTIONS: frozenset[str] = frozenset({"notify", "call_webhook"})
"""Which service carries out which action: the one that owns the data it changes."""


class ActionsRequested(EventData):
    """Actions for one ticket, carried out by the services that own what they change."""

    topic: ClassVar[str] = topics.AUTOMATION

    ticket_id: UUID
    firing_id: UUID = Field(description="This firing (or macro application): one effect each.")
    actions: list[Action] = Field(min_length=1, max_length=20)
    caused_by: AutomationCause = Field(description="What the resulting changes carry.")


class RuleFired(ActionsRequested):
    """A rule's conditions held for the ticket (on an event, or when its time came)."""

    event_type: ClassVar[str] = "rule.fired"

    rule_id: UUID
    rule_name: str
    rule_version: int
    trigger: Literal["event", "timer"]
    trigger_event_id: UUID | None = Field(default=None, description="The event that fired it.")
    trigger_event_type: str | None = None
    why: list[str] = Field(description="The conditions that held, as people read them.")
    fired_at: datetime


class MacroApplied(ActionsRequested):
    """An agent applied a macro to the ticket."""

    event_type: ClassVar[str] = "macro.applied"

    macro_id: UUID
    macro_name: str
    actor_id: str
    applied_at: datetime


class RuleSuppressed(EventData):
    """A rule would have fired again but its firing limit (or the chain depth) stopped it;
    announced once per window, so a loop shows on the ticket's timeline instead of running."""

    topic: ClassVar[str] = topics.AUTOMATION
    event_type: ClassVar[str] = "rule.suppressed"

    ticket_id: UUID
    rule_id: UUID
    rule_name: str
    reason: Literal["firing_limit", "chain_depth"]
    limit: int
    window_minutes: int
    suppressed_at: datetime


class ActionOutcome(BaseModel):
    """What a service did with one action of a firing (timeline entries show it)."""

    type: ActionType
    applied: bool
    detail: str | None = None


MODELS: tuple[type[EventData], ...] = (RuleFired, MacroApplied, RuleSuppressed)
