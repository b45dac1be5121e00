"""Rules' routes on hostile input: the shared HTTP semantics, and NaN, NUL, lone surrogates
and instants at the edge of time refused naming the field, the database left as it was."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.automation.conftest import TOKEN, AutomationHarness
from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.refusals import (
    EDGE_OF_TIME,
    LONE_SURROGATE,
    NON_FINITE,
    raw_json,
    refused,
)

pytestmark = pytest.mark.integration
RULE = (
    '{"name": <name>, "on": ["ticket.created"],'
    ' "when": {"field": "ticket.amount", "op": "gt", "value": <value>},'
    ' "actions": [{"type": "add_note", "body": <body>}]}'
)


@pytest.fixture
async def http(automation: AutomationHarness) -> AsyncIterator[Http]:
    http = http_for(automation.spec, automation.runtime, TOKEN)
    async with http.client:
        yield http


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(http: Http, check: Check) -> None:
    await check(http, Target(("POST", "/rules"), "/rules"))
    await check(http, Target(("POST", "/rules/dry-run"), "/rules/export"))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        *[({"value": n}, "when.value") for n in NON_FINITE],
        ({"name": '"with\\u0000nul"'}, "name"),
        ({"body": LONE_SURROGATE}, "actions[0].body"),
        ({"body": '"with\\u0000nul"'}, "actions[0].body"),
    ],
)
async def test_hostile_rules_are_refused_naming_the_field(
    automation: AutomationHarness, api: httpx.AsyncClient, values: dict[str, str], field: str
) -> None:
    base = {"name": '"紧急打印机"', "value": "100", "body": '"打印机 {{ ticket.subject }}"'}
    response = await api.post("/rules", **raw_json(RULE, **(base | values)))
    refused(response, field)
    assert await automation.fetchval("SELECT count(*) FROM rules") == 0
    assert await automation.outbox() == []


async def test_a_dry_run_at_the_edge_of_time_is_refused(api: httpx.AsyncClient) -> None:
    body = {"rule_id": "00000000-0000-0000-0000-000000000000", "since": EDGE_OF_TIME}
    refused(await api.post("/rules/dry-run", json=body), "since")
