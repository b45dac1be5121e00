"""Notify's endpoints (secret rotations redacted), subscriptions, templates and recipients land
in its audit log with actor, address and before/after."""

import json

import httpx
import pytest

from tests.support.audit import actions, assert_recorded_by_a_client, audit_entries

pytestmark = pytest.mark.integration


async def test_endpoint_changes_are_audited_without_their_secrets(api: httpx.AsyncClient) -> None:
    new = {"url": "http://127.0.0.1:9/hook", "subscribe": False}
    created = await api.post("/endpoints", json=new)
    assert created.status_code == 201, created.text
    endpoint = created.json()
    changed = await api.patch(f"/endpoints/{endpoint['id']}", json={"description": "值班"})
    assert changed.status_code == 200, changed.text
    rotated = await api.post(f"/endpoints/{endpoint['id']}/secrets", json={})
    assert rotated.status_code == 201, rotated.text
    assert (await api.delete(f"/endpoints/{endpoint['id']}")).status_code == 204

    entries = await audit_entries(api, entity="notify.endpoint", entity_id=endpoint["id"])
    assert actions(entries) == ["created", "updated", "secret_rotated", "archived"]
    assert_recorded_by_a_client(entries[1])
    assert [(c["path"], c["after"]) for c in entries[1]["changes"]] == [("description", "值班")]
    logged = json.dumps(entries, ensure_ascii=False)
    assert endpoint["secret"] not in logged
    assert rotated.json()["secret"] not in logged
    assert entries[0]["after"]["secret"] == "[redacted]"
    assert entries[2]["after"]["secret"] == "[redacted]"


async def test_subscription_template_and_recipient_changes_are_audited(
    api: httpx.AsyncClient,
) -> None:
    target = {"kind": "role", "role": "team_lead"}
    created = await api.post(
        "/subscriptions", json={"event_types": ["sla.escalated"], "target": target}
    )
    assert created.status_code == 201, created.text
    subscription_id = created.json()["id"]
    assert (await api.delete(f"/subscriptions/{subscription_id}")).status_code == 204
    template = {"subject": "超时: {{ ticket.subject }}", "body": "{{ data.policy }}"}
    assert (await api.put("/templates/sla.breached/zh", json=template)).status_code == 200
    changed = {**template, "body": "{{ data.policy }} !"}
    assert (await api.put("/templates/sla.breached/zh", json=changed)).status_code == 200
    assert (await api.delete("/templates/sla.breached/zh")).status_code == 204
    prefs = {"language": "de", "time_zone": "Europe/Berlin"}
    assert (await api.put("/recipients/Grace@Example.com", json=prefs)).status_code == 200
    assert (await api.delete("/recipients/grace@example.com")).status_code == 204

    subscriptions = await audit_entries(
        api, entity="notify.subscription", entity_id=subscription_id
    )
    assert actions(subscriptions) == ["created", "deleted"]
    assert subscriptions[1]["before"]["target"] == target
    templates = await audit_entries(api, entity="notify.template", entity_id="sla.breached/zh")
    assert actions(templates) == ["created", "updated", "deleted"]
    assert templates[0]["after"]["subject"] == "超时: {{ ticket.subject }}"
    assert [c["path"] for c in templates[1]["changes"]] == ["body"]
    recipients = await audit_entries(api, entity="notify.recipient", entity_id="grace@example.com")
    assert actions(recipients) == ["created", "deleted"]
    assert_recorded_by_a_client(recipients[0])
