"""Routing's agents, teams and routing strategies land in its audit log with actor, address and
before/after."""

from typing import Any

import httpx
import pytest

from tests.support.audit import actions, assert_recorded_by_a_client, audit_entries

pytestmark = pytest.mark.integration

AGENT = {"name": "王芳", "team": "net", "skills": ["vpn"], "capacity": 2}


async def test_agent_and_team_changes_are_audited(api: httpx.AsyncClient) -> None:
    created = await api.post("/agents", json=AGENT)
    assert created.status_code == 201, created.text
    agent: dict[str, Any] = created.json()
    assert (await api.patch(f"/agents/{agent['id']}", json={"capacity": 4})).status_code == 200
    assert (await api.put(f"/agents/{agent['id']}/status", json={"status": "away"})).is_success
    team = await api.put("/teams/vpn", json={"name": "VPN", "strategy": "round_robin"})
    assert team.status_code == 200, team.text
    again = await api.put("/teams/vpn", json={"name": "VPN", "strategy": "least_loaded"})
    assert again.status_code == 200, again.text
    assert (await api.delete("/teams/vpn")).status_code == 204
    assert (await api.put(f"/agents/{agent['id']}/status", json={"status": "offline"})).is_success
    assert (await api.delete(f"/agents/{agent['id']}")).status_code == 204

    agents = await audit_entries(api, entity="routing.agent", entity_id=agent["id"])
    assert actions(agents) == ["created", "updated", "archived"]
    assert_recorded_by_a_client(agents[1])
    assert agents[0]["after"]["name"] == "王芳"
    changes = {c["path"]: (c["before"], c["after"]) for c in agents[1]["changes"]}
    assert changes["capacity"] == (2, 4)
    statuses = await audit_entries(api, entity="routing.agent_status", entity_id=agent["id"])
    assert [(e["before"]["status"], e["after"]["status"]) for e in statuses] == [
        ("online", "away"),
        ("away", "offline"),
    ]
    teams = await audit_entries(api, entity="routing.team", entity_id="vpn")
    assert actions(teams) == ["created", "updated", "archived"]
    strategy = {c["path"]: (c["before"], c["after"]) for c in teams[1]["changes"]}
    assert strategy["strategy"] == ("round_robin", "least_loaded")
