"""The committed event contract matches the models, and breaking changes are caught."""

import copy
import json
from typing import Any

from tools.contracts import CONTRACTS, breaking_changes, rendered


def test_committed_contracts_are_what_the_models_produce() -> None:
    stale = [
        str(p.relative_to(CONTRACTS))
        for p, text in rendered().items()
        if not p.exists() or p.read_text() != text
    ]
    assert stale == [], "run `make contracts` and commit the result"


def assigned_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (CONTRACTS / "events/routing.events.v1/ticket.assigned.json").read_text()
    )
    return schema


def test_adding_an_optional_field_is_not_breaking() -> None:
    old, new = assigned_schema(), assigned_schema()
    new["properties"]["shiny"] = {"type": "string"}
    assert breaking_changes(old, new) == []


def test_removing_retyping_or_loosening_a_field_is_breaking() -> None:
    old = assigned_schema()
    removed, retyped, optional = copy.deepcopy(old), copy.deepcopy(old), copy.deepcopy(old)
    del removed["properties"]["agent_name"]
    retyped["properties"]["agent_name"] = {"type": "integer"}
    optional["required"].remove("agent_name")
    assert breaking_changes(old, removed) == ["agent_name: removed"]
    assert breaking_changes(old, retyped) == ["agent_name: type ['string'] became ['integer']"]
    assert breaking_changes(old, optional) == ["agent_name: no longer always present"]


def test_a_new_enum_value_is_breaking_for_consumers_that_switch_on_it() -> None:
    old = {"properties": {"metric": {"enum": ["first_response", "resolution"]}}}
    wider = {"properties": {"metric": {"enum": ["first_response", "resolution", "other"]}}}
    narrower = {"properties": {"metric": {"enum": ["resolution"]}}}
    assert breaking_changes(old, wider) == [
        "metric: may now carry values outside ['first_response', 'resolution']"
    ]
    assert breaking_changes(old, narrower) == []
