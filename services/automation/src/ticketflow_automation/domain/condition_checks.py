"""Which conditions make sense: the ticket facts a rule may read (by kind), and the operators
that fit a value; every refusal is located from `when` (`("when", "all", 1, "value")`)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, get_args

from ticketflow_automation.domain.rules import AllOf, AnyOf, Comparison, Condition, NoneOf
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_common.events.common import Channel, Priority, TicketStatus

Loc = tuple[str | int, ...]
TEXT, NUMBER, BOOL, LIST, MAPPING, ID = "text", "number", "bool", "list", "mapping", "id"
TICKET_FIELDS: dict[str, str] = {
    "ticket_id": ID,
    "version": NUMBER,
    "status": TEXT,
    "priority": TEXT,
    "category": TEXT,
    "team": TEXT,
    "channel": TEXT,
    "language": TEXT,
    "requester_id": TEXT,
    "requester_tier": TEXT,
    "assignee_id": ID,
    "subject": TEXT,
    "description": TEXT,
    "tags": LIST,
    "custom_fields": MAPPING,
    "escalation_level": NUMBER,
    "amount": NUMBER,
    "sla_breached": BOOL,
}
"""The facts a condition may read, by kind; the instants are for `after` anchors."""
CHOICES: dict[str, tuple[str, ...]] = {
    "status": get_args(TicketStatus),
    "priority": get_args(Priority),
    "channel": get_args(Channel),
}
INSTANTS = frozenset(
    name for name, f in TicketState.model_fields.items() if f.annotation == datetime | None
)
ORDER_OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
ORDER_WORDS = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most"}


def shown(value: Any) -> str:
    """A value as a why-string shows it."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | frozenset | set):
        return ", ".join(shown(v) for v in value) or "nothing"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def condition_errors(condition: Condition | None) -> list[tuple[Loc, str]]:
    """Unknown fields and operators that make no sense for their value, located from `when`."""
    if condition is None:
        return []
    return _errors(condition, ("when",))


def _errors(condition: Condition, loc: Loc) -> list[tuple[Loc, str]]:
    if isinstance(condition, AllOf):
        return [e for i, c in enumerate(condition.all) for e in _errors(c, (*loc, "all", i))]
    if isinstance(condition, AnyOf):
        return [e for i, c in enumerate(condition.any) for e in _errors(c, (*loc, "any", i))]
    if isinstance(condition, NoneOf):
        return _errors(condition.not_, (*loc, "not"))
    return _comparison_errors(condition, loc)


def _field_error(field: str) -> str | None:
    root, _, rest = field.partition(".")
    if root == "event":
        return None
    name, _, sub = rest.partition(".")
    if name in INSTANTS:
        return f"ticket.{name} is an instant: count from it with `after` (an anchor)"
    if name not in TICKET_FIELDS:
        known = ", ".join(f"ticket.{f}" for f in TICKET_FIELDS)
        return f"unknown field ticket.{name}; known: {known}, ticket.custom_fields.<name>"
    if sub and (name != "custom_fields" or "." in sub):
        return f"ticket.{name} has no part {sub!r}" + (
            "" if name != "custom_fields" else " (one custom field: ticket.custom_fields.<name>)"
        )
    return None


def _kind(field: str) -> str | None:
    """The kind of a ticket fact; None for event data and custom fields (any JSON)."""
    root, _, rest = field.partition(".")
    name, _, sub = rest.partition(".")
    if root == "event" or sub:
        return None
    return TICKET_FIELDS.get(name)


def _comparison_errors(c: Comparison, loc: Loc) -> list[tuple[Loc, str]]:
    problem = _field_error(c.field)
    if problem is not None:
        return [((*loc, "field"), problem)]
    op, value, kind = c.op, c.value, _kind(c.field)
    at = (*loc, "value")
    is_list = isinstance(value, list)
    if op in ("in", "not_in"):
        if not is_list:
            return [(at, f"`{op}` takes a list of values")]
    elif op in ("exists", "not_exists"):
        if value is not None:
            return [(at, f"`{op}` takes no value")]
    elif op == "changed":
        if c.field.startswith("event."):
            return [((*loc, "field"), "`changed` compares the ticket before and after: ticket.*")]
    elif op == "contains_text":
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) and v for v in values):
            return [(at, "`contains_text` takes a text (or a list of texts) to look for")]
        if kind not in (None, TEXT, LIST):
            return [((*loc, "op"), f"{c.field} is not text: `contains_text` finds nothing")]
    elif is_list:
        return [(at, f"`{op}` compares one value, not a list (use `in` for several)")]
    elif op in ORDER_OPS:
        if value is None or isinstance(value, bool):
            return [(at, f"`{op}` compares with a number or a text")]
        if kind in (BOOL, LIST, MAPPING, ID):
            return [((*loc, "op"), f"{c.field} has no order: `{op}` makes no sense")]
        if kind == NUMBER and isinstance(value, str):
            return [(at, f"{c.field} is a number: compare it with a number")]
    elif op in ("contains", "not_contains", "starts_with"):
        if value is None:
            return [(at, f"`{op}` needs a value")]
        if op == "starts_with" and not isinstance(value, str):
            return [(at, "`starts_with` takes a text")]
        if kind in (BOOL, NUMBER, MAPPING, ID):
            return [((*loc, "op"), f"{c.field} holds no parts: `{op}` makes no sense")]
    return _choice_errors(c, at)


def _choice_errors(c: Comparison, at: Loc) -> list[tuple[Loc, str]]:
    """A value no ticket can have (`ticket.priority eq "superurgent"`) is a typo."""
    name = c.field.removeprefix("ticket.")
    if not c.field.startswith("ticket.") or name not in CHOICES or c.op in ORDER_OPS:
        return []
    values = c.value if isinstance(c.value, list) else [c.value]
    if c.op in ("exists", "not_exists", "contains_text", "starts_with"):
        return []
    if c.op == "changed" and c.value is None:
        return []
    wrong = [v for v in values if v not in CHOICES[name]]
    if wrong:
        return [(at, f"not a {name}: {shown(wrong)}; one of {', '.join(CHOICES[name])}")]
    return []
