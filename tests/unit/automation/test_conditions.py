"""Conditions compiled to closures: what holds, the why-strings people read, and the refusals
that name their place in `when`."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from ticketflow_automation.domain.conditions import (
    compile_condition,
    condition_errors,
    event_matches,
)
from ticketflow_automation.domain.rules import Condition
from ticketflow_automation.domain.ticket_state import TicketState

CONDITION: TypeAdapter[Condition] = TypeAdapter(Condition)
TICKET = TicketState(
    ticket_id=uuid.UUID("00000000-0000-4000-8000-000000000001"),
    priority="high",
    subject="三楼的打印机卡纸了",
    description="Printer on floor 3 JAMS every morning",
    tags=["vip", "hardware"],
    custom_fields={"region": "北京", "seats": 12},
    amount=Decimal("6000"),
    escalation_level=1,
    sla_breached=False,
)


def condition(raw: Any) -> Condition:
    return CONDITION.validate_python(raw)


def why(
    raw: Any,
    state: TicketState = TICKET,
    *,
    before: TicketState | None = None,
    event_type: str = "ticket.updated",
    data: dict[str, Any] | None = None,
) -> list[str] | None:
    return compile_condition(condition(raw))(state, before, event_type, data or {})


def test_no_condition_always_holds_with_no_reasons() -> None:
    assert compile_condition(None)(TICKET, None, "ticket.created", {}) == []


@pytest.mark.parametrize(
    ("raw", "reasons"),
    [
        ({"field": "ticket.priority", "value": "high"}, ["ticket.priority is high"]),
        ({"field": "ticket.priority", "op": "ne", "value": "low"}, ["ticket.priority is not low"]),
        (
            {"field": "ticket.priority", "op": "in", "value": ["high", "urgent"]},
            ["ticket.priority is one of high, urgent"],
        ),
        (
            {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
            ["ticket.subject contains 打印机"],
        ),
        (
            {"field": "ticket.description", "op": "contains_text", "value": "jams"},
            ["ticket.description contains jams"],
        ),
        ({"field": "ticket.tags", "op": "contains", "value": "vip"}, ["ticket.tags contains vip"]),
        (
            {"field": "ticket.tags", "op": "not_contains", "value": "spam"},
            ["ticket.tags does not contain spam"],
        ),
        (
            {"field": "ticket.subject", "op": "starts_with", "value": "三楼"},
            ["ticket.subject starts with 三楼"],
        ),
        (
            {"field": "ticket.amount", "op": "gte", "value": 5000},
            ["ticket.amount is 6000, at least 5000"],
        ),
        (
            {"field": "ticket.custom_fields.seats", "op": "lt", "value": 20},
            ["ticket.custom_fields.seats is 12, less than 20"],
        ),
        ({"field": "ticket.subject", "op": "exists"}, ["ticket.subject is set"]),
        ({"field": "ticket.category", "op": "not_exists"}, ["ticket.category is not set"]),
        ({"field": "ticket.sla_breached", "value": False}, ["ticket.sla_breached is false"]),
        (
            {"field": "ticket.ticket_id", "value": "00000000-0000-4000-8000-000000000001"},
            ["ticket.ticket_id is 00000000-0000-4000-8000-000000000001"],
        ),
    ],
)
def test_a_holding_comparison_says_why(raw: dict[str, Any], reasons: list[str]) -> None:
    assert why(raw) == reasons


@pytest.mark.parametrize(
    "raw",
    [
        {"field": "ticket.priority", "value": "low"},
        {"field": "ticket.priority", "op": "not_in", "value": ["high"]},
        {"field": "ticket.subject", "op": "contains_text", "value": "投影仪"},
        {"field": "ticket.tags", "op": "contains", "value": "VIP"},  # tags are exact
        {"field": "ticket.amount", "op": "gt", "value": 6000},
        {"field": "ticket.category", "op": "exists"},
        {"field": "ticket.escalation_level", "value": True},  # true is not 1
        {"field": "ticket.custom_fields.missing", "op": "exists"},
        {"field": "event.reason", "op": "eq", "value": "manual"},
    ],
)
def test_a_comparison_that_does_not_hold_is_none(raw: dict[str, Any]) -> None:
    assert why(raw) is None


def test_event_fields_read_the_event_data_and_its_type() -> None:
    data = {"author_role": "requester", "score": {"total": 0.9}, "body": "还是打不开"}
    assert why({"field": "event.author_role", "value": "requester"}, data=data) == [
        "event.author_role is requester"
    ]
    assert why({"field": "event.score.total", "op": "gt", "value": 0.5}, data=data) == [
        "event.score.total is 0.9, more than 0.5"
    ]
    assert why({"field": "event.type", "value": "ticket.commented"}, data=data) is None
    assert why(
        {"field": "event.type", "value": "ticket.commented"},
        event_type="ticket.commented",
        data=data,
    ) == ["event.type is ticket.commented"]
    # odd event data never raises: text against a number, a list in a set, a missing path
    assert why({"field": "event.body", "op": "gt", "value": 3}, data=data) is None
    assert why({"field": "event.score", "op": "in", "value": [1, 2]}, data=data) is None
    assert why({"field": "event.score.total.deep", "op": "exists"}, data=data) is None


def test_all_any_and_not_combine_and_explain() -> None:
    raw = {
        "all": [
            {"field": "ticket.subject", "op": "contains_text", "value": ["打印机", "复印机"]},
            {
                "any": [
                    {"field": "ticket.priority", "value": "urgent"},
                    {"field": "ticket.tags", "op": "contains", "value": "vip"},
                ]
            },
            {"not": {"field": "ticket.status", "value": "closed"}},
        ]
    }
    assert why(raw) == [
        "ticket.subject contains 打印机, 复印机",
        "any of: ticket.tags contains vip",
        "not (ticket.status is closed)",
    ]
    assert why({"not": {"field": "ticket.priority", "value": "high"}}) is None
    assert why({"any": [{"field": "ticket.priority", "value": "low"}]}) is None


def test_changed_compares_with_before_or_reads_the_events_changed_list() -> None:
    before = TICKET.model_copy(update={"priority": "normal"})
    raw = {"field": "ticket.priority", "op": "changed"}
    assert why(raw, before=before) == ["ticket.priority changed from normal to high"]
    assert why(raw, before=TICKET) is None
    assert why(raw, before=None, data={"changed": ["priority"]}) == [
        "ticket.priority changed to high"
    ]
    assert why(raw, before=None) is None
    to_urgent = {"field": "ticket.priority", "op": "changed", "value": "urgent"}
    assert why(to_urgent, before=before) is None


@pytest.mark.parametrize(
    ("raw", "loc", "says"),
    [
        ({"field": "ticket.colour", "value": "red"}, ("when", "field"), "unknown field"),
        ({"field": "ticket.created_at", "op": "exists"}, ("when", "field"), "anchor"),
        ({"field": "ticket.tags.first", "op": "exists"}, ("when", "field"), "no part"),
        ({"field": "ticket.priority", "op": "gt", "value": ["a"]}, ("when", "value"), "not a list"),
        ({"field": "ticket.priority", "op": "in", "value": "high"}, ("when", "value"), "a list"),
        ({"field": "ticket.tags", "op": "gt", "value": 3}, ("when", "op"), "no order"),
        ({"field": "ticket.amount", "op": "gt", "value": "5000"}, ("when", "value"), "a number"),
        ({"field": "ticket.subject", "op": "exists", "value": "x"}, ("when", "value"), "no value"),
        ({"field": "ticket.amount", "op": "contains_text", "value": "5"}, ("when", "op"), "text"),
        (
            {"field": "ticket.subject", "op": "contains_text", "value": ""},
            ("when", "value"),
            "text",
        ),
        ({"field": "event.changed", "op": "changed"}, ("when", "field"), "ticket.*"),
        ({"field": "ticket.priority", "value": "superurgent"}, ("when", "value"), "not a priority"),
        ({"field": "ticket.escalation_level", "op": "contains", "value": 1}, ("when", "op"), ""),
    ],
)
def test_a_condition_that_makes_no_sense_is_refused_naming_its_place(
    raw: dict[str, Any], loc: tuple[str | int, ...], says: str
) -> None:
    [(where, message)] = condition_errors(condition(raw))
    assert where == loc
    assert says in message
    with pytest.raises(ValueError, match=".".join(map(str, loc))):
        compile_condition(condition(raw))


def test_refusals_inside_all_any_and_not_carry_their_path() -> None:
    raw = {
        "all": [
            {"field": "ticket.priority", "value": "high"},
            {"any": [{"field": "ticket.status", "value": "open"}, {"field": "ticket.nope"}]},
            {"not": {"field": "ticket.amount", "op": "gt", "value": [1]}},
        ]
    }
    assert [loc for loc, _ in condition_errors(condition(raw))] == [
        ("when", "all", 1, "any", 1, "field"),
        ("when", "all", 2, "not", "value"),
    ]
    assert condition_errors(None) == []


@pytest.mark.parametrize(
    ("patterns", "event_type", "matches"),
    [
        (["ticket.created"], "ticket.created", True),
        (["ticket.created"], "ticket.created_x", False),
        (["sla.*"], "sla.breached", True),
        (["sla.*"], "slab.breached", False),
        (["ticket.*"], "ticket.assigned", True),
        (["*"], "mail.received", True),
        ([], "ticket.created", False),
        (["ticket.updated", "sla.*"], "sla.warning", True),
    ],
)
def test_event_patterns(patterns: list[str], event_type: str, matches: bool) -> None:
    assert event_matches(patterns, event_type) is matches


words = st.text(alphabet="打印机复投影仪VPNvpn ab", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(subject=st.text(alphabet="打印机复投影仪VPNvpn abAB", max_size=20), needle=words)
def test_contains_text_is_a_casefolded_substring(subject: str, needle: str) -> None:
    state = TICKET.model_copy(update={"subject": subject})
    held = why({"field": "ticket.subject", "op": "contains_text", "value": needle}, state)
    assert (held is not None) == (needle.casefold() in subject.casefold())


values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["a", "紧急"]))


@settings(max_examples=300, deadline=None)
@given(actual=values, choices=st.lists(values, min_size=1, max_size=4))
def test_in_and_not_in_are_opposites_and_eq_agrees(actual: Any, choices: list[Any]) -> None:
    data = {"x": actual}
    inside = why({"field": "event.x", "op": "in", "value": choices}, data=data) is not None
    outside = why({"field": "event.x", "op": "not_in", "value": choices}, data=data) is not None
    assert inside != outside
    any_eq = any(
        why({"field": "event.x", "op": "eq", "value": c}, data=data) is not None for c in choices
    )
    assert inside == any_eq


@settings(max_examples=200, deadline=None)
@given(actual=st.one_of(st.none(), st.integers(-10, 10), st.text(max_size=3)), bound=st.integers())
def test_order_operators_never_raise_and_split_the_numbers(actual: Any, bound: int) -> None:
    data = {"n": actual}
    lt = why({"field": "event.n", "op": "lt", "value": bound}, data=data) is not None
    gte = why({"field": "event.n", "op": "gte", "value": bound}, data=data) is not None
    if isinstance(actual, int):
        assert lt != gte
    else:
        assert not lt
        assert not gte
