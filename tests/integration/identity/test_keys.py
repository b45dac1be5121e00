"""API keys: issued once, listed without secrets, revoked, rotated with an overlap the fake
clock moves through, expired by the worker, their last use recorded, the unused report."""

from datetime import timedelta

from tests.integration.identity.conftest import Admin, IdentityHarness, new_key, new_principal
from ticketflow_identity.commands.maintenance import maintain


async def run_maintenance(identity: IdentityHarness) -> int:
    async with identity.pool.acquire() as conn:
        return await maintain(conn=conn, settings=identity.settings, now=identity.clock())


async def test_a_listed_key_never_shows_its_secret(identity: IdentityHarness, admin: Admin) -> None:
    person = await new_principal(admin.api)
    issued = await new_key(admin.api, person["principal_id"], expires_in_days=30)
    assert issued["expires_at"].startswith("2025-07-02")
    listed = await admin.api.get(f"/principals/{person['principal_id']}/keys")
    assert listed.status_code == 200
    [key] = listed.json()["items"]
    assert key["key_id"] == issued["key_id"]
    assert "token" not in key
    assert issued["token"].split(".", 1)[1] not in listed.text
    assert key["state"] == "active"
    [event] = [
        e
        for e in await identity.events("credential.issued")
        if e["subject"] == person["principal_id"]
    ]
    assert event["data"]["credential_id"] == issued["key_id"]
    assert "secret" not in str(event["data"])
    assert issued["token"] not in str(event)


async def test_key_input_is_bounded_and_named(admin: Admin) -> None:
    path = f"/principals/{admin.principal_id}/keys"
    for body, field in (
        ({"name": "x", "expires_in_days": 100_000}, "expires_in_days"),
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
        ({"name": ""}, "name"),
        ({"name": "x", "scopes": ["has space"]}, "scopes.0"),
    ):
        response = await admin.api.post(path, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field
    rotate = await admin.api.post(f"/keys/{admin.key_id}/rotate", json={"overlap_hours": 100_000})
    assert rotate.status_code == 422
    assert rotate.json()["errors"][0]["field"] == "overlap_hours"
    assert (await admin.api.get("/keys/unused")).json()["errors"][0]["field"] == "query:days"
    assert (await admin.api.delete("/keys/nosuchkey")).status_code == 404


async def test_revoking_refuses_the_key_and_its_tokens(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api, role="admin")
    key = await new_key(admin.api, person["principal_id"])
    token = await identity.access_token(key["token"])
    revoked = await admin.api.delete(f"/keys/{key['key_id']}")
    assert revoked.status_code == 200
    assert revoked.json()["state"] == "revoked"
    assert (await identity.exchange(key["token"])).status_code == 401
    async with identity.client(token) as client:
        assert (await client.get("/me")).status_code == 401
    again = await admin.api.delete(f"/keys/{key['key_id']}")
    assert again.status_code == 200
    events = [
        e
        for e in await identity.events("credential.revoked")
        if e["subject"] == person["principal_id"]
    ]
    assert [e["data"]["reason"] for e in events] == ["revoked"]
    # A token still verifies on its signature (other services refuse it by the event).
    assert await identity.verify(token) is not None


async def test_rotation_keeps_the_old_key_for_the_overlap(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api)
    old = await new_key(admin.api, person["principal_id"], expires_in_days=90)
    rotated = await admin.api.post(f"/keys/{old['key_id']}/rotate", json={"overlap_hours": 2})
    assert rotated.status_code == 201, rotated.text
    new = rotated.json()
    assert new["key_id"] != old["key_id"]
    assert new["name"] == old["name"]
    assert new["expires_at"] == old["expires_at"]  # same lifetime, from the same instant
    issued = [
        e
        for e in await identity.events("credential.issued")
        if e["data"]["credential_id"] == new["key_id"]
    ]
    assert issued[0]["data"]["replaces"] == old["key_id"]
    twice = await admin.api.post(f"/keys/{old['key_id']}/rotate")
    assert twice.status_code == 409

    identity.clock.advance(timedelta(hours=1, minutes=59).total_seconds())
    assert (await identity.exchange(old["token"])).status_code == 200
    assert await run_maintenance(identity) == 0
    [listed_old] = [
        k
        for k in (await admin.api.get(f"/principals/{person['principal_id']}/keys")).json()["items"]
        if k["key_id"] == old["key_id"]
    ]
    assert listed_old["state"] == "rotating"
    assert listed_old["replaced_by"] == new["key_id"]

    identity.clock.advance(60)
    assert (await identity.exchange(old["token"])).status_code == 401
    assert (await identity.exchange(new["token"])).status_code == 200
    assert await run_maintenance(identity) == 1
    [event] = [
        e
        for e in await identity.events("credential.revoked")
        if e["data"]["credential_id"] == old["key_id"]
    ]
    assert event["data"]["reason"] == "rotated"


async def test_an_expired_key_is_refused_then_revoked(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api)
    key = await new_key(admin.api, person["principal_id"], expires_in_days=1)
    assert (await identity.exchange(key["token"])).status_code == 200
    identity.clock.advance(timedelta(days=1).total_seconds())
    refused = await identity.exchange(key["token"])
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"
    assert await run_maintenance(identity) == 1
    assert await run_maintenance(identity) == 0
    [event] = [
        e
        for e in await identity.events("credential.revoked")
        if e["data"]["credential_id"] == key["key_id"]
    ]
    assert event["data"]["reason"] == "expired"


async def test_last_use_is_recorded_at_most_once_a_minute(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api)
    key = await new_key(admin.api, person["principal_id"])
    first = identity.clock()
    await identity.access_token(key["token"])
    identity.clock.advance(30)
    await identity.access_token(key["token"])
    used = "SELECT last_used_at, last_used_from FROM api_keys WHERE key_id = $1"
    async with identity.pool.acquire() as conn:
        row = await conn.fetchrow(used, key["key_id"])
    assert row["last_used_at"] == first
    assert row["last_used_from"] == "127.0.0.1"
    identity.clock.advance(31)
    await identity.access_token(key["token"])
    [listed] = (await admin.api.get(f"/principals/{person['principal_id']}/keys")).json()["items"]
    assert listed["last_used_at"] == identity.clock().isoformat().replace("+00:00", "Z")
    assert listed["last_used_from"] == "127.0.0.1"


async def test_the_unused_report(identity: IdentityHarness, admin: Admin) -> None:
    person = await new_principal(admin.api)
    never_used = await new_key(admin.api, person["principal_id"], name="never")
    used = await new_key(admin.api, person["principal_id"], name="used")
    gone = await new_key(admin.api, person["principal_id"], name="gone")
    await admin.api.delete(f"/keys/{gone['key_id']}")
    identity.clock.advance(timedelta(days=20).total_seconds())
    await identity.access_token(used["token"])
    identity.clock.advance(timedelta(days=15).total_seconds())
    await identity.access_token(admin.key)

    def ids(response: object) -> set[str]:
        return {k["key_id"] for k in response.json()["items"]}  # type: ignore[attr-defined]

    thirty = await admin.api.get("/keys/unused", params={"days": 30})
    assert thirty.status_code == 200
    assert ids(thirty) == {never_used["key_id"]}
    ten = await admin.api.get("/keys/unused", params={"days": 10})
    assert ids(ten) == {never_used["key_id"], used["key_id"]}
