"""What knowledge does with each ticket event it consumes: it keeps the tickets it may learn a
solution from, and suggests answers to new ones."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.runtime import Runtime
from ticketflow_knowledge.settings import KnowledgeSettings


def event_table(runtime: Runtime[KnowledgeSettings]) -> EventTable:
    return {}
