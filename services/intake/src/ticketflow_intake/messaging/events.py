"""Which command handles which event intake consumes: every event of the routing, sla, notify,
knowledge, mail and automation topics goes on its ticket's timeline (identity's revocations
are projected by every service alike: `ServiceSpec.handlers`); a few also update intake's
projections, a received mail becomes a ticket or a comment, and a rule's firing or a macro
has its actions that are intake's carried out."""

from functools import partial

from ticketflow_common.envelope import EventData
from ticketflow_common.event_table import EventCommand, EventTable
from ticketflow_common.events import (
    EVENT_MODELS,
    MacroApplied,
    MailReceived,
    ProblemResolved,
    RuleFired,
    SlaBreached,
    SuggestionAnswered,
    TeamChanged,
    TicketAssigned,
    TicketUnassigned,
)
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import CONSUMED_BY, IDENTITY
from ticketflow_intake.commands.automation_actions import carry_out_firing
from ticketflow_intake.commands.knowledge_reactions import (
    note_problem_resolved,
    resolve_self_service,
)
from ticketflow_intake.commands.mail_intake import take_mail
from ticketflow_intake.commands.project_events import (
    project_assignment,
    project_sla_breach,
    project_team,
    project_unassignment,
    record_on_timeline,
)
from ticketflow_intake.settings import IntakeSettings


def event_table(runtime: Runtime[IntakeSettings]) -> EventTable:
    table: dict[type[EventData], EventCommand] = {
        model: record_on_timeline
        for model in EVENT_MODELS.values()
        if model.topic in CONSUMED_BY["intake"] and model.topic != IDENTITY
    }
    table[TicketAssigned] = project_assignment
    table[TicketUnassigned] = project_unassignment
    table[SlaBreached] = project_sla_breach
    table[TeamChanged] = project_team
    table[MailReceived] = take_mail(runtime.settings.reopen_window())
    surveys = runtime.settings.survey_policy()
    table[SuggestionAnswered] = partial(resolve_self_service, surveys=surveys)
    table[ProblemResolved] = partial(note_problem_resolved, surveys=surveys)
    table[RuleFired] = table[MacroApplied] = partial(carry_out_firing, surveys=surveys)
    return table
