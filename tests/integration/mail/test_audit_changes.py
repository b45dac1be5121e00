"""Mail's block list changes land in its audit log with actor, address and before/after; agents
do not read it."""

import httpx
import pytest

from tests.support.audit import actions, audit_entries

pytestmark = pytest.mark.integration


async def test_block_list_changes_are_audited(
    api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    blocked = await api.post("/blocked-senders", json={"sender": "@spam.example", "note": "垃圾"})
    assert blocked.status_code == 201, blocked.text
    again = await api.post("/blocked-senders", json={"sender": "@spam.example", "note": "spam"})
    assert again.status_code == 201, again.text
    assert (await api.delete("/blocked-senders/@spam.example")).status_code == 204

    entries = await audit_entries(api, entity="mail.blocked_sender", entity_id="@spam.example")
    assert actions(entries) == ["created", "updated", "deleted"]
    assert entries[0]["after"]["note"] == "垃圾"
    assert [(c["path"], c["before"], c["after"]) for c in entries[1]["changes"]] == [
        ("note", "垃圾", "spam")
    ]
    assert entries[2]["actor"]["role"] == "admin"
    assert entries[2]["actor"]["client_address"]
    assert (await agent_api.get("/audit")).status_code == 403
