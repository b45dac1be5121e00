"""What insights does with each event it consumes: every topic feeds the facts."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.events import (
    AgentChanged,
    AgentStatusChanged,
    CalendarChanged,
    SlaBreached,
    SlaCancelled,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
    SlaWarning,
    TeamChanged,
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFeedbackReceived,
    TicketQueued,
    TicketStatusChanged,
    TicketTransferred,
    TicketUnassigned,
    TicketUpdated,
)
from ticketflow_common.runtime import Runtime
from ticketflow_insights.commands import facts_people, facts_sla, facts_tickets
from ticketflow_insights.settings import InsightsSettings

FACTS_TABLE: EventTable = {
    TicketCreated: facts_tickets.ingest_ticket_created,
    TicketUpdated: facts_tickets.ingest_ticket_changed,
    TicketTransferred: facts_tickets.ingest_ticket_changed,
    TicketEscalated: facts_tickets.ingest_ticket_changed,
    TicketStatusChanged: facts_tickets.ingest_status_changed,
    TicketCommented: facts_tickets.ingest_commented,
    TicketFeedbackReceived: facts_tickets.ingest_feedback,
    TicketAssigned: facts_tickets.ingest_assigned,
    TicketQueued: facts_tickets.ingest_queued,
    TicketUnassigned: facts_tickets.ingest_unassigned,
    AgentChanged: facts_people.ingest_agent_changed,
    AgentStatusChanged: facts_people.ingest_agent_status,
    TeamChanged: facts_people.ingest_team_changed,
    CalendarChanged: facts_people.ingest_calendar_changed,
    SlaStarted: facts_sla.ingest_sla_started,
    SlaPaused: facts_sla.ingest_sla_paused,
    SlaResumed: facts_sla.ingest_sla_resumed,
    SlaWarning: facts_sla.ingest_sla_warning,
    SlaBreached: facts_sla.ingest_sla_breached,
    SlaMet: facts_sla.ingest_sla_met,
    SlaCancelled: facts_sla.ingest_sla_cancelled,
    SlaRecalculated: facts_sla.ingest_sla_recalculated,
}
"""The facts' handlers; the rebuild applies the same table."""


def event_table(runtime: Runtime[InsightsSettings]) -> EventTable:
    return {**FACTS_TABLE}
