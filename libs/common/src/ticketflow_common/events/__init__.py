"""Typed payloads of the events services exchange: the integrators' contract (additive only).

One module per topic; each lists its payload models in `MODELS`.
"""

from ticketflow_common.envelope import EventData
from ticketflow_common.events import notify, routing, sla, tickets
from ticketflow_common.events.common import Priority, SkillTag
from ticketflow_common.events.notify import EndpointDisabled, NotificationFailed, NotificationSent
from ticketflow_common.events.routing import (
    AgentStatusChanged,
    Exclusion,
    RoutingStrategy,
    ScoreBreakdown,
    TeamChanged,
    TicketAssigned,
    TicketQueued,
    TicketUnassigned,
)
from ticketflow_common.events.sla import (
    EscalationTarget,
    SlaBreached,
    SlaCancelled,
    SlaEscalated,
    SlaFacts,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
    SlaWarning,
)
from ticketflow_common.events.tickets import (
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)

EVENT_MODELS: dict[str, type[EventData]] = {
    model.event_type: model for module in (tickets, routing, sla, notify) for model in module.MODELS
}

__all__ = [
    "EVENT_MODELS",
    "AgentStatusChanged",
    "EndpointDisabled",
    "EscalationTarget",
    "Exclusion",
    "NotificationFailed",
    "NotificationSent",
    "Priority",
    "RoutingStrategy",
    "ScoreBreakdown",
    "SkillTag",
    "SlaBreached",
    "SlaCancelled",
    "SlaEscalated",
    "SlaFacts",
    "SlaMet",
    "SlaPaused",
    "SlaRecalculated",
    "SlaResumed",
    "SlaStarted",
    "SlaWarning",
    "TeamChanged",
    "TicketAssigned",
    "TicketCommented",
    "TicketCreated",
    "TicketEscalated",
    "TicketFacts",
    "TicketFeedbackReceived",
    "TicketQueued",
    "TicketStatusChanged",
    "TicketTransferred",
    "TicketUnassigned",
    "TicketUpdated",
]
