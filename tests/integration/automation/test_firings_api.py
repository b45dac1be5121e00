"""Every firing on record: per rule and per ticket, newest first, paged by cursor."""

import uuid

import httpx
import pytest

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_common.pagination import encode_cursor

pytestmark = pytest.mark.integration

RULE = {
    "name": "打印机工单加标签",
    "on": ["ticket.created"],
    "when": {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
    "actions": [{"type": "add_tags", "tags": ["printer"]}],
}


async def test_a_rules_firings_page_newest_first(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    rule = await automation.add_rule(RULE)
    tickets = []
    for n in range(3):
        automation.clock.advance(60)
        created = automation.created(subject=f"打印机 {n} 号坏了")
        tickets.append(created.ticket_id)
        await automation.deliver(created)

    first = await api.get(f"/rules/{rule.rule_id}/firings", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [f["ticket_id"] for f in page["items"]] == [str(tickets[2]), str(tickets[1])]
    assert page["items"][0]["why"] == ["ticket.subject contains 打印机"]
    assert page["items"][0]["actions"] == [{"type": "add_tags", "tags": ["printer"]}]
    assert page["items"][0]["trigger"] == "event"
    assert page["next_cursor"] is not None

    rest = await api.get(
        f"/rules/{rule.rule_id}/firings", params={"limit": 2, "cursor": page["next_cursor"]}
    )
    assert rest.status_code == 200, rest.text
    assert [f["ticket_id"] for f in rest.json()["items"]] == [str(tickets[0])]
    assert rest.json()["next_cursor"] is None

    mine = await api.get(f"/tickets/{tickets[1]}/firings")
    assert mine.status_code == 200, mine.text
    assert [f["rule_id"] for f in mine.json()["items"]] == [str(rule.rule_id)]


async def test_unknown_rules_cursors_and_limits_are_refused_by_name(
    automation: AutomationHarness, api: httpx.AsyncClient
) -> None:
    rule = await automation.add_rule(RULE)
    missing = await api.get(f"/rules/{uuid.uuid4()}/firings")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")

    gone = encode_cursor("automation.firings", {"id": str(uuid.uuid4())})
    cursor = await api.get(f"/rules/{rule.rule_id}/firings", params={"cursor": gone})
    assert cursor.status_code == 422
    assert "query:cursor" in cursor.text
    forged = await api.get(f"/rules/{rule.rule_id}/firings", params={"cursor": str(uuid.uuid4())})
    assert forged.status_code == 422

    for limit in ("0", "201", "很多"):
        refused = await api.get(f"/tickets/{uuid.uuid4()}/firings", params={"limit": limit})
        assert refused.status_code == 422, limit
        assert "limit" in refused.text

    bad_id = await api.get("/tickets/不是-uuid/firings")
    assert bad_id.status_code == 422

    nothing = await api.get(f"/tickets/{uuid.uuid4()}/firings")
    assert nothing.status_code == 200
    assert nothing.json() == {"items": [], "next_cursor": None}
