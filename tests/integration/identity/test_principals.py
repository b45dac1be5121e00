"""Principals: created, listed, changed (If-Match optional), disabled; each change is a
`principal.changed` in the outbox; bad input answers 4xx naming the field."""

import uuid

from tests.integration.identity.conftest import (
    Admin,
    IdentityHarness,
    new_key,
    new_principal,
)
from tests.integration.paging import assert_bad_cursor_refused, walk_pages


async def test_create_read_list_and_a_chinese_name_round_trips(
    identity: IdentityHarness, admin: Admin
) -> None:
    team = "service-desk"
    created = await new_principal(
        admin.api, display_name="张伟 (客服)", email="zhang@example.cn", role="agent", teams=[team]
    )
    assert created["display_name"] == "张伟 (客服)"
    assert created["version"] == 1
    assert created["disabled"] is False

    read = await admin.api.get(f"/principals/{created['principal_id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json()["display_name"] == "张伟 (客服)"

    by_team = await admin.api.get("/principals", params={"team": team})
    assert [p["principal_id"] for p in by_team.json()["items"]] == [created["principal_id"]]
    admins = await admin.api.get("/principals", params={"role": "admin"})
    assert [p["principal_id"] for p in admins.json()["items"]] == [admin.principal_id]
    by_email = await admin.api.get("/principals", params={"email": "ZHANG@example.cn"})
    assert len(by_email.json()["items"]) == 1

    [event] = [
        e
        for e in await identity.events("principal.changed")
        if e["subject"] == created["principal_id"]
    ]
    assert event["data"]["display_name"] == "张伟 (客服)"
    assert event["data"]["role"] == "agent"
    assert event["data"]["teams"] == [team]
    assert event["source"] == "/ticketflow/identity"


async def test_bad_input_names_the_field(admin: Admin) -> None:
    cases = [
        ({"kind": "robot", "display_name": "x", "role": "agent"}, "kind"),
        ({"kind": "person", "display_name": "   ", "role": "agent"}, "display_name"),
        ({"kind": "person", "display_name": "x", "role": "god"}, "role"),
        ({"kind": "person", "display_name": "x", "role": "agent", "email": "nope"}, "email"),
        ({"kind": "person", "display_name": "x", "role": "agent", "teams": ["服务台"]}, "teams.0"),
        ({"kind": "person", "display_name": "x", "role": "agent", "teams": ["Net"]}, "teams.0"),
        ({"kind": "person", "display_name": "x", "role": "agent", "teams": ["a" * 101]}, "teams.0"),
        ({"kind": "person", "display_name": "x", "role": "agent", "extra": 1}, "extra"),
        ({"kind": "person", "role": "agent"}, "display_name"),
    ]
    for body, field in cases:
        response = await admin.api.post("/principals", json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (body, response.json())
    bad_filter = await admin.api.get("/principals", params={"role": "god"})
    assert bad_filter.status_code == 422
    assert bad_filter.json()["errors"][0]["field"] == "query:role"
    missing = await admin.api.get(f"/principals/{uuid.uuid4()}")
    assert missing.status_code == 404
    not_a_uuid = await admin.api.get("/principals/xyz")
    assert not_a_uuid.status_code == 422


async def test_an_email_belongs_to_one_principal(admin: Admin) -> None:
    await new_principal(admin.api, email="dup@example.org")
    again = await admin.api.post(
        "/principals",
        json={"kind": "person", "display_name": "B", "role": "agent", "email": "DUP@example.org"},
    )
    assert again.status_code == 409
    assert "email" in again.json()["detail"]


async def test_patch_with_and_without_if_match(identity: IdentityHarness, admin: Admin) -> None:
    person = await new_principal(admin.api)
    path = f"/principals/{person['principal_id']}"
    identity.clock.advance(5)
    changed = await admin.api.patch(path, json={"role": "lead", "display_name": "Ada L."})
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "lead"
    assert changed.json()["version"] == 2
    assert changed.headers["etag"] == '"2"'

    stale = await admin.api.patch(path, json={"role": "agent"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    fresh = await admin.api.patch(path, json={"agent_id": None}, headers={"If-Match": '"2"'})
    assert fresh.status_code == 200
    null_role = await admin.api.patch(path, json={"role": None})
    assert null_role.status_code == 422
    assert null_role.json()["errors"][0]["field"] == "role"

    versions = [
        e["data"]["version"]
        for e in await identity.events("principal.changed")
        if e["subject"] == person["principal_id"]
    ]
    assert versions == [1, 2, 3]


async def test_disabling_revokes_keys_and_refuses_tokens(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api, role="admin", display_name="Soon gone")
    key = await new_key(admin.api, person["principal_id"])
    token = await identity.access_token(key["token"])
    async with identity.client(token) as as_person:
        assert (await as_person.get("/me")).status_code == 200
        identity.clock.advance(2)
        disabled = await admin.api.post(f"/principals/{person['principal_id']}/disable")
        assert disabled.status_code == 200
        assert disabled.json()["disabled"] is True
        assert (await as_person.get("/me")).status_code == 401
    refused = await identity.exchange(key["token"])
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    [revoked] = [
        e
        for e in await identity.events("credential.revoked")
        if e["subject"] == person["principal_id"]
    ]
    assert revoked["data"]["reason"] == "principal_disabled"
    assert revoked["data"]["credential_id"] == key["key_id"]
    changed = [
        e
        for e in await identity.events("principal.changed")
        if e["subject"] == person["principal_id"]
    ]
    assert changed[-1]["data"]["disabled"] is True
    patch = await admin.api.patch(f"/principals/{person['principal_id']}", json={"role": "agent"})
    assert patch.status_code == 409
    new = await admin.api.post(f"/principals/{person['principal_id']}/keys", json={"name": "x"})
    assert new.status_code == 409


async def test_a_token_signed_before_a_change_is_refused(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api, role="admin")
    key = await new_key(admin.api, person["principal_id"])
    token = await identity.access_token(key["token"])
    identity.clock.advance(3)
    await admin.api.patch(f"/principals/{person['principal_id']}", json={"role": "agent"})
    async with identity.client(token) as old:
        assert (await old.get("/me")).status_code == 401
    identity.clock.advance(1)
    async with identity.client(await identity.access_token(key["token"])) as new:
        me = await new.get("/me")
    assert me.status_code == 200
    assert me.json()["role"] == "agent"
    assert me.json()["principal"]["principal_id"] == person["principal_id"]


async def test_me_and_the_role_checks(identity: IdentityHarness, admin: Admin) -> None:
    agent = await new_principal(admin.api, role="agent", display_name="Bo")
    key = await new_key(admin.api, agent["principal_id"])
    async with identity.client(await identity.access_token(key["token"])) as as_agent:
        me = await as_agent.get("/me")
        assert me.status_code == 200
        assert me.json()["subject"] == agent["principal_id"]
        assert me.json()["via"] == "access_token"
        assert me.json()["credential_id"] == key["key_id"]
        for method, path in (
            ("GET", "/principals"),
            ("POST", "/principals"),
            ("GET", f"/principals/{agent['principal_id']}"),
            ("POST", f"/principals/{agent['principal_id']}/keys"),
            ("GET", "/keys/unused?days=1"),
            ("POST", "/signing-keys/rotate"),
        ):
            response = await as_agent.request(method, path, json={})
            assert response.status_code == 403, (method, path, response.text)


async def test_a_bad_bearer_token_is_401(identity: IdentityHarness) -> None:
    async with identity.client("not-a-token") as client:
        response = await client.get("/me")
    assert response.status_code == 401
    async with identity.anonymous() as bare:
        assert (await bare.get("/me")).status_code == 401


async def test_principals_walk_to_the_end_in_small_pages(admin: Admin) -> None:
    made = [
        await new_principal(admin.api, display_name=f"走 {n}", email=f"walk{n}@example.cn")
        for n in range(5)
    ]
    walked = await walk_pages(admin.api, "/principals", key=lambda p: p["principal_id"])
    assert {m["principal_id"] for m in made} <= {p["principal_id"] for p in walked}
    order = [(p["created_at"], p["principal_id"]) for p in walked]
    assert order == sorted(order)
    await assert_bad_cursor_refused(admin.api, "/principals")
