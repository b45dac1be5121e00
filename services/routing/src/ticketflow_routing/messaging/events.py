"""Which command handles which event: every ticket event reconciles ownership."""

from functools import partial

from ticketflow_common.event_table import EventTable
from ticketflow_common.events import tickets
from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.ticket_events import on_ticket_event
from ticketflow_routing.settings import RoutingSettings


def event_table(runtime: Runtime[RoutingSettings]) -> EventTable:
    command = partial(on_ticket_event, policy=runtime.settings.routing_policy())
    return {model: command for model in tickets.MODELS}
