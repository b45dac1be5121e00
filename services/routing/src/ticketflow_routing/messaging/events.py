"""Which command handles which event: every ticket event reconciles ownership; a rule's firing
or a macro's application carries out routing's actions (assign, unassign)."""

from functools import partial

from ticketflow_common.envelope import EventData
from ticketflow_common.event_table import EventCommand, EventTable, SetBasedCommand
from ticketflow_common.events import MacroApplied, RuleFired, tickets
from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.automation import on_actions_requested
from ticketflow_routing.commands.ticket_events import on_ticket_event, on_ticket_events
from ticketflow_routing.settings import RoutingSettings


def event_table(runtime: Runtime[RoutingSettings]) -> EventTable:
    policy = runtime.settings.routing_policy()
    command = SetBasedCommand(
        each=partial(on_ticket_event, policy=policy),
        together=partial(on_ticket_events, policy=policy),
    )
    actions = partial(on_actions_requested, policy=policy)
    table: dict[type[EventData], EventCommand] = {model: command for model in tickets.MODELS}
    return table | {RuleFired: actions, MacroApplied: actions}
