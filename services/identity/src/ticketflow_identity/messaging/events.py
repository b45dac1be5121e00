"""What identity does with the events it consumes: nothing yet (it publishes, others project)."""

from ticketflow_common.event_table import EventTable
from ticketflow_common.runtime import Runtime
from ticketflow_identity.settings import IdentitySettings


def event_table(runtime: Runtime[IdentitySettings]) -> EventTable:
    del runtime
    return {}
