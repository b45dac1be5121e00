"""SLA's configuration changes land in its audit log with actor, address and before/after."""

import httpx
import pytest

from tests.support.audit import actions, assert_recorded_by_a_client, audit_entries

pytestmark = pytest.mark.integration


async def test_policy_calendar_and_escalation_changes_are_audited(api: httpx.AsyncClient) -> None:
    office = {
        "time_zone": "Asia/Shanghai",
        "week": {"monday": [{"start": "09:00", "end": "18:00"}]},
    }
    assert (await api.put("/calendars/office", json=office)).status_code == 200
    assert (
        await api.put("/calendars/office", json={**office, "time_zone": "UTC"})
    ).status_code == 200
    preset = await api.post(
        "/calendars/office/holidays/preset", json={"country": "CN", "years": [2026]}
    )
    assert preset.status_code == 200, preset.text
    policy = {"position": 50, "resolution_seconds": 600, "calendar": "office"}
    assert (await api.put("/policies/vip", json=policy)).status_code == 200
    changed = await api.put("/policies/vip", json={**policy, "resolution_seconds": 900})
    assert changed.status_code == 200
    assert (await api.delete("/policies/vip")).status_code == 204
    levels = {"levels": [{"delay_seconds": 60, "targets": [{"kind": "owner"}]}]}
    assert (await api.put("/escalation-policies/night", json=levels)).status_code == 200
    assert (await api.delete("/escalation-policies/night")).status_code == 204
    assert (await api.delete("/calendars/office")).status_code == 204

    policies = await audit_entries(api, entity="sla.policy", entity_id="vip")
    assert actions(policies) == ["created", "updated", "archived"]
    updated = policies[1]
    assert_recorded_by_a_client(updated)
    assert updated["before"]["resolution_seconds"] == 600
    assert updated["after"]["resolution_seconds"] == 900
    changes = {c["path"]: (c["before"], c["after"]) for c in updated["changes"]}
    assert changes["resolution_seconds"] == (600, 900)
    assert set(changes) <= {"resolution_seconds", "updated_at"}
    assert policies[2]["after"] is None
    calendars = await audit_entries(api, entity="sla.calendar", entity_id="office")
    assert actions(calendars) == ["created", "updated", "holidays_imported", "archived"]
    assert {c["path"] for c in calendars[1]["changes"]} - {"updated_at"} == {"time_zone"}
    assert calendars[2]["before"]["holidays"] == []
    assert calendars[2]["after"]["holidays"], "the imported holidays (Chinese names as stored)"
    escalations = await audit_entries(api, entity="sla.escalation_policy", entity_id="night")
    assert actions(escalations) == ["created", "archived"]


async def test_a_refused_change_records_nothing(api: httpx.AsyncClient) -> None:
    refused = await api.put(
        "/policies/vip", json={"position": 5, "resolution_seconds": 60, "calendar": "nope"}
    )
    assert refused.status_code == 422
    assert await audit_entries(api, entity="sla.policy") == []
