"""What insights does with each event it consumes: every topic feeds the facts."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.runtime import Runtime
from ticketflow_insights.settings import InsightsSettings


def event_table(runtime: Runtime[InsightsSettings]) -> EventTable:
    return {}
