"""The authorisation table is checked when it is read: a bad entry fails at load."""

import uuid
from typing import Any

import pytest

from ticketflow_common.authorization import (
    TableError,
    authorization_table,
    decide,
    parse_table,
)
from ticketflow_common.identity import BOOTSTRAP, STANDALONE_ADMIN, Principal


def entry(**fields: Any) -> dict[str, Any]:
    return {
        "svc": {"PUT /agents/{agent_id}/status": {"operation": "set", "scope": "svc:a:w", **fields}}
    }


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"roles": ["wizard"]}, "unknown role"),
        ({"roles": ["agent:team"]}, "unknown qualifier"),
        ({"roles": ["admin"]}, "never listed"),
        ({"roles": ["lead:team"]}, "no path parameter"),
        ({"roles": ["agent"], "colour": "red"}, "unknown keys"),
        ({"roles": ["agent"], "scope": "Bad Scope"}, "scope"),
        ({"roles": ["agent"], "check": "maybe"}, "check"),
    ],
)
def test_a_bad_entry_is_an_error_at_load(fields: dict[str, Any], error: str) -> None:
    with pytest.raises(TableError, match=error):
        parse_table(entry(**fields))


def test_the_declared_table_loads() -> None:
    table = authorization_table()
    assert table.rule("identity", "POST", "/principals") is not None


def test_agents_set_their_own_status_only() -> None:
    table = parse_table(entry(roles=["agent:self"]))
    rule = table.rule("svc", "PUT", "/agents/{agent_id}/status")
    me = Principal(subject="a", role="agent", via="access_token", agent_id=uuid.uuid4())
    assert decide(rule, me, {"agent_id": str(me.agent_id)}) is None
    assert decide(rule, me, {"agent_id": "00000000-0000-0000-0000-000000000000"}) is not None
    assert decide(rule, STANDALONE_ADMIN, {"agent_id": "x"}) is None
    assert decide(rule, BOOTSTRAP, {"agent_id": "x"}) is not None
    assert decide(None, STANDALONE_ADMIN, {}) is not None


def test_a_scoped_token_needs_the_operations_scope() -> None:
    rule = parse_table(entry(roles=["agent:self"])).rule("svc", "PUT", "/agents/{agent_id}/status")
    admin = Principal(subject="a", role="admin", via="access_token", scopes=frozenset({"svc:a"}))
    assert decide(rule, admin, {}) is None
    narrow = Principal(subject="a", role="admin", via="access_token", scopes=frozenset({"svc:b"}))
    assert decide(rule, narrow, {}) is not None
