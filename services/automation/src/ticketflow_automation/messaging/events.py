"""Which command handles which event automation consumes: every event naming a ticket updates
the ticket's projection, is kept for dry runs, fires the event rules it matches and replans
the time-based rules; calendars come from `calendar.changed`."""

from ticketflow_automation.commands.calendars import project_calendar
from ticketflow_automation.commands.evaluate import EventEvaluator
from ticketflow_automation.commands.rule_cache import RuleCache
from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.event_table import EventCommand, EventTable
from ticketflow_common.events import EVENT_MODELS, CalendarChanged
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import CONSUMED_BY, IDENTITY

EVALUATED_TOPICS = frozenset(t for t in CONSUMED_BY["automation"] if t != IDENTITY)


def event_table(runtime: Runtime[AutomationSettings]) -> EventTable:
    """One evaluator (and its rule cache) per replica, for every model of the topics consumed."""
    evaluate: EventCommand = EventEvaluator(
        rules=RuleCache(), max_chain_depth=runtime.settings.max_chain_depth
    )
    table: dict[type, EventCommand] = {
        model: evaluate for model in EVENT_MODELS.values() if model.topic in EVALUATED_TOPICS
    }
    table[CalendarChanged] = project_calendar
    return table
