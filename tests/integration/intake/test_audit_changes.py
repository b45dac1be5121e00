"""Intake's catalogue and API keys land in its audit log with actor, address and before/after;
only admins read it."""

import json

import pytest

from tests.integration.intake.conftest import IntakeApi
from tests.support.audit import actions, audit_entries

pytestmark = pytest.mark.integration


async def test_category_and_credential_changes_are_audited(api: IntakeApi) -> None:
    admin_token = await api.key("admin", "ops-lead")
    async with api.client(admin_token, address="192.0.2.10") as admin:
        created = await admin.put("/categories/network", json={"name": "网络"})
        assert created.status_code == 200, created.text
        changed = await admin.put("/categories/network", json={"name": "网络故障"})
        assert changed.status_code == 200, changed.text
        assert (await admin.delete("/categories/network")).status_code == 204
        issued = await admin.post(
            "/credentials", json={"name": "portal", "role": "requester", "subject": "u-1"}
        )
        assert issued.status_code == 201, issued.text
        key_id = issued.json()["id"]
        assert (await admin.delete(f"/credentials/{key_id}")).status_code == 204

        categories = await audit_entries(admin, entity="intake.category", entity_id="network")
        credentials = await audit_entries(admin, entity="intake.credential", entity_id=key_id)
    assert actions(categories) == ["created", "updated", "archived"]
    actor = categories[1]["actor"]
    assert actor["subject"] == "ops-lead"
    assert actor["role"] == "admin"
    assert actor["credential_id"]
    assert actor["client_address"] == "192.0.2.10"
    changes = {c["path"]: (c["before"], c["after"]) for c in categories[1]["changes"]}
    assert changes["name"] == ("网络", "网络故障")
    assert actions(credentials) == ["issued", "revoked"]
    assert credentials[1]["after"]["revoked_at"] is not None
    assert issued.json()["token"] not in json.dumps(credentials)


async def test_only_admins_read_the_audit_log(api: IntakeApi) -> None:
    requester = await api.key("requester", "u-2")
    async with api.client(requester) as http:
        refused = await http.get("/audit")
    assert refused.status_code == 403
    async with api.admin as http:
        assert (await http.get("/audit")).status_code == 200
