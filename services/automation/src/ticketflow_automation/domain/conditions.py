"""What a rule's `when` means: each condition compiled once into a fast closure that answers,
for one event, the reasons it holds as people read them (or None when it does not).

Fields: `ticket.<fact>` (the ticket after the event; `ticket.custom_fields.<name>`) and
`event.<field>` (the event's JSON data, nested with dots; `event.type` its type). Getters,
casefolded needles and value sets are made at compile time, so evaluating 1,000 rules against
one event is a loop over closures."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from ticketflow_automation.domain.condition_checks import (
    ID,
    ORDER_OPS,
    ORDER_WORDS,
    TICKET_FIELDS,
    Loc,
    condition_errors,
    shown,
)
from ticketflow_automation.domain.rules import AllOf, AnyOf, Comparison, Condition, NoneOf
from ticketflow_automation.domain.ticket_state import TicketState

Facts = tuple[TicketState, TicketState | None, str, Mapping[str, Any]]
"""After, before, event type, event data (JSON)."""
Predicate = Callable[[TicketState, TicketState | None, str, Mapping[str, Any]], list[str] | None]
Getter = Callable[[TicketState, str, Mapping[str, Any]], Any]
Test = Callable[[Any], bool]

_MISSING = object()
__all__ = [
    "Facts",
    "Guard",
    "Loc",
    "Predicate",
    "compile_condition",
    "condition_errors",
    "describe",
    "event_matches",
    "guard_of",
]


def _plain(value: Any) -> Any:
    """A ticket fact as rules compare it: ids as text."""
    return str(value) if isinstance(value, UUID) else value


def _getter(field: str) -> Getter:
    """Read `field` from the ticket after the event or from the event itself."""
    root, _, rest = field.partition(".")
    if root == "event":
        if rest == "type":
            return lambda state, event_type, data: event_type
        path = rest.split(".")
        if len(path) == 1:
            key = path[0]
            return lambda state, event_type, data: data.get(key)

        def nested(state: TicketState, event_type: str, data: Mapping[str, Any]) -> Any:
            node: Any = data
            for key in path:
                if not isinstance(node, Mapping):
                    return None
                node = node.get(key)
            return node

        return nested
    name, _, custom = rest.partition(".")
    if name == "custom_fields" and custom:
        return lambda state, event_type, data: state.custom_fields.get(custom)
    if TICKET_FIELDS.get(name) == ID:
        return lambda state, event_type, data: _plain(getattr(state, name))
    return lambda state, event_type, data: getattr(state, name)


def _same(expected: Any) -> Test:
    """Equality that keeps true apart from 1 and ids apart from their text's case."""
    if isinstance(expected, bool):
        return lambda actual: actual is expected
    return lambda actual: actual == expected and not isinstance(actual, bool)


def _member(values: Sequence[Any]) -> Test:
    flags = {v for v in values if isinstance(v, bool)}
    others = frozenset(v for v in values if not isinstance(v, bool))

    def test(actual: Any) -> bool:
        if isinstance(actual, bool):
            return actual in flags
        try:
            return actual in others
        except TypeError:  # an unhashable value from an event (a list, an object)
            return False

    return test


def _contains(expected: Any) -> Test:
    """A list holds the value, or a text holds it as a substring (case counts)."""
    same = _same(expected)
    text = expected if isinstance(expected, str) else None

    def test(actual: Any) -> bool:
        if isinstance(actual, list | tuple):
            return any(same(item) for item in actual)
        if isinstance(actual, str) and text is not None:
            return text in actual
        return False

    return test


def _contains_text(value: Any) -> Test:
    """Case-insensitive substring of any needle, in a text or any text of a list."""
    needles = tuple(str(v).casefold() for v in (value if isinstance(value, list) else [value]))

    def found(text: str) -> bool:
        folded = text.casefold()
        return any(n in folded for n in needles)

    def test(actual: Any) -> bool:
        if isinstance(actual, str):
            return found(actual)
        if isinstance(actual, list | tuple):
            return any(isinstance(item, str) and found(item) for item in actual)
        return False

    return test


def _ordered(op: str, bound: Any) -> Test:
    def test(actual: Any) -> bool:
        if actual is None or isinstance(actual, bool):
            return False
        try:
            if op == "gt":
                return bool(actual > bound)
            if op == "gte":
                return bool(actual >= bound)
            if op == "lt":
                return bool(actual < bound)
            return bool(actual <= bound)
        except TypeError:  # text against a number
            return False

    return test


def _present(actual: Any) -> bool:
    return actual is not None and actual != "" and actual != [] and actual != {}


def _test(op: str, value: Any) -> Test:
    if op == "eq":
        return _same(value)
    if op == "ne":
        same = _same(value)
        return lambda actual: not same(actual)
    if op == "in":
        return _member(value)
    if op == "not_in":
        member = _member(value)
        return lambda actual: not member(actual)
    if op == "contains":
        return _contains(value)
    if op == "not_contains":
        contains = _contains(value)
        return lambda actual: not contains(actual)
    if op == "contains_text":
        return _contains_text(value)
    if op == "starts_with":
        prefix = str(value)
        return lambda actual: isinstance(actual, str) and actual.startswith(prefix)
    if op in ORDER_OPS:
        return _ordered(op, value)
    if op == "exists":
        return _present
    if op == "not_exists":
        return lambda actual: not _present(actual)
    raise ValueError(f"unknown operator {op}")


def describe(condition: Condition) -> str:
    """The condition as a sentence (what `not` shows of the condition it negates)."""
    if isinstance(condition, AllOf):
        return "all of: " + "; ".join(describe(c) for c in condition.all)
    if isinstance(condition, AnyOf):
        return "any of: " + "; ".join(describe(c) for c in condition.any)
    if isinstance(condition, NoneOf):
        return f"not ({describe(condition.not_)})"
    return _sentence(condition, None)


def _sentence(c: Comparison, actual: Any) -> str:
    field, op, value = c.field, c.op, c.value
    match op:
        case "eq":
            return f"{field} is {shown(value)}"
        case "ne":
            return f"{field} is not {shown(value)}"
        case "in":
            return f"{field} is one of {shown(value)}"
        case "not_in":
            return f"{field} is none of {shown(value)}"
        case "contains" | "contains_text":
            return f"{field} contains {shown(value)}"
        case "not_contains":
            return f"{field} does not contain {shown(value)}"
        case "starts_with":
            return f"{field} starts with {shown(value)}"
        case "exists":
            return f"{field} is set"
        case "not_exists":
            return f"{field} is not set"
        case "changed":
            return f"{field} changed" + ("" if value is None else f" to {shown(value)}")
    if actual is _MISSING or actual is None:
        return f"{field} is {ORDER_WORDS[op]} {shown(value)}"
    return f"{field} is {shown(actual)}, {ORDER_WORDS[op]} {shown(value)}"


def _compile_changed(c: Comparison) -> Predicate:
    """The fact differs from before the event, or the event's `changed` names it."""
    name = c.field.removeprefix("ticket.")
    get = _getter(c.field)
    target = (
        None if c.value is None else _test("in" if isinstance(c.value, list) else "eq", c.value)
    )
    field = c.field

    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        now = get(after, event_type, data)
        if target is not None and not target(now):
            return None
        named = data.get("changed")
        if before is not None:
            was = get(before, event_type, data)
            if was != now:
                return [f"{field} changed from {shown(was)} to {shown(now)}"]
        if isinstance(named, list) and name in named:
            return [f"{field} changed to {shown(now)}"]
        return None

    return holds


def _compile_comparison(c: Comparison) -> Predicate:
    if c.op == "changed":
        return _compile_changed(c)
    get = _getter(c.field)
    test = _test(c.op, c.value)
    if c.op in ORDER_OPS:

        def ordered(
            after: TicketState,
            before: TicketState | None,
            event_type: str,
            data: Mapping[str, Any],
        ) -> list[str] | None:
            actual = get(after, event_type, data)
            return [_sentence(c, actual)] if test(actual) else None

        return ordered
    reason = [_sentence(c, None)]

    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        return list(reason) if test(get(after, event_type, data)) else None

    return holds


def _compile_all(parts: list[Predicate]) -> Predicate:
    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        reasons: list[str] = []
        for part in parts:
            why = part(after, before, event_type, data)
            if why is None:
                return None
            reasons.extend(why)
        return reasons

    return holds


def _compile_any(parts: list[Predicate]) -> Predicate:
    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        for part in parts:
            why = part(after, before, event_type, data)
            if why is not None:
                return ["any of: " + "; ".join(why)] if why else ["any of: (always)"]
        return None

    return holds


def _compile_not(part: Predicate, sentence: str) -> Predicate:
    reason = [f"not ({sentence})"]

    def holds(
        after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
    ) -> list[str] | None:
        return None if part(after, before, event_type, data) is not None else list(reason)

    return holds


def _always(
    after: TicketState, before: TicketState | None, event_type: str, data: Mapping[str, Any]
) -> list[str] | None:
    return []


def compile_condition(condition: Condition | None) -> Predicate:
    """The condition as a closure; None (no `when`) always holds with no reasons. Raises
    ValueError for a condition `condition_errors` refuses."""
    if condition is None:
        return _always
    errors = condition_errors(condition)
    if errors:
        loc, message = errors[0]
        raise ValueError(f"{'.'.join(map(str, loc))}: {message}")
    return _compile(condition)


def _compile(condition: Condition) -> Predicate:
    if isinstance(condition, AllOf):
        return _compile_all([_compile(c) for c in condition.all])
    if isinstance(condition, AnyOf):
        return _compile_any([_compile(c) for c in condition.any])
    if isinstance(condition, NoneOf):
        return _compile_not(_compile(condition.not_), describe(condition.not_))
    return _compile_comparison(condition)


def event_matches(patterns: Sequence[str], event_type: str) -> bool:
    """An exact type, every type of one kind (`sla.*`) or every event (`*`)."""
    kind = event_type.partition(".")[0]
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and pattern[:-2] == kind:
            return True
    return False


Guard = tuple[str, Getter, frozenset[Any]]
"""A comparison every match must pass: (field, its getter, the values it must equal)."""


def guard_of(condition: Condition | None) -> Guard | None:
    """An `eq`/`in` a condition cannot hold without (itself, or one part of an `all`), so an
    index can skip the rules whose guard the event's ticket does not meet. Flags are left out
    (true equals 1 in a set, not in a condition)."""
    if isinstance(condition, AllOf):
        for part in condition.all:
            found = guard_of(part)
            if found is not None:
                return found
        return None
    if not isinstance(condition, Comparison) or condition.op not in ("eq", "in"):
        return None
    values = condition.value if isinstance(condition.value, list) else [condition.value]
    if any(isinstance(v, bool) for v in values):
        return None
    return condition.field, _getter(condition.field), frozenset(values)
