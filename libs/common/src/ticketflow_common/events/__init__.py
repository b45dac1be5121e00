"""Typed payloads of the events services exchange: the integrators' contract (additive only).

One module per topic; each lists its payload models in `MODELS`.
"""

from ticketflow_common.envelope import EventData
from ticketflow_common.events import (
    audit,
    identity,
    insights,
    knowledge,
    mail,
    notify,
    routing,
    sla,
    tickets,
)
from ticketflow_common.events.audit import AuditActor, AuditChange, AuditRecorded
from ticketflow_common.events.common import Priority, SkillTag, TeamKey
from ticketflow_common.events.identity import (
    CredentialIssued,
    CredentialRevoked,
    PrincipalChanged,
    SigningKeyRotated,
)
from ticketflow_common.events.insights import (
    ReportFigure,
    ReportPublished,
    SlaAtRisk,
    StaffingGapForecast,
)
from ticketflow_common.events.knowledge import (
    ArticlePublished,
    ItemKind,
    KnowledgeSuggested,
    ProblemKnownError,
    ProblemResolved,
    SuggestedItem,
    SuggestionAnswered,
)
from ticketflow_common.events.mail import MailAttachment, MailReceived, MailRefused, MailSent
from ticketflow_common.events.notify import EndpointDisabled, NotificationFailed, NotificationSent
from ticketflow_common.events.routing import (
    AgentChanged,
    AgentStatusChanged,
    Exclusion,
    RoutingStrategy,
    ScoreBreakdown,
    TeamChanged,
    TicketAssigned,
    TicketQueued,
    TicketUnassigned,
    WeeklyShift,
)
from ticketflow_common.events.sla import (
    CalendarChanged,
    CalendarHoliday,
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
    Approver,
    FeedbackNegative,
    TicketApprovalDecided,
    TicketApprovalRequested,
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketSolutionMarked,
    TicketStatusChanged,
    TicketSurveyAnswered,
    TicketSurveyRequested,
    TicketTransferred,
    TicketUpdated,
)

EVENT_MODELS: dict[str, type[EventData]] = {
    model.event_type: model
    for module in (tickets, routing, sla, notify, insights, knowledge, mail, identity, audit)
    for model in module.MODELS
}

__all__ = [
    "EVENT_MODELS",
    "AgentChanged",
    "AgentStatusChanged",
    "Approver",
    "ArticlePublished",
    "AuditActor",
    "AuditChange",
    "AuditRecorded",
    "CalendarChanged",
    "CalendarHoliday",
    "CredentialIssued",
    "CredentialRevoked",
    "EndpointDisabled",
    "EscalationTarget",
    "Exclusion",
    "FeedbackNegative",
    "ItemKind",
    "KnowledgeSuggested",
    "MailAttachment",
    "MailReceived",
    "MailRefused",
    "MailSent",
    "NotificationFailed",
    "NotificationSent",
    "PrincipalChanged",
    "Priority",
    "ProblemKnownError",
    "ProblemResolved",
    "ReportFigure",
    "ReportPublished",
    "RoutingStrategy",
    "ScoreBreakdown",
    "SigningKeyRotated",
    "SkillTag",
    "SlaAtRisk",
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
    "StaffingGapForecast",
    "SuggestedItem",
    "SuggestionAnswered",
    "TeamChanged",
    "TeamKey",
    "TicketApprovalDecided",
    "TicketApprovalRequested",
    "TicketAssigned",
    "TicketCommented",
    "TicketCreated",
    "TicketEscalated",
    "TicketFacts",
    "TicketFeedbackReceived",
    "TicketQueued",
    "TicketSolutionMarked",
    "TicketStatusChanged",
    "TicketSurveyAnswered",
    "TicketSurveyRequested",
    "TicketTransferred",
    "TicketUnassigned",
    "TicketUpdated",
    "WeeklyShift",
]
