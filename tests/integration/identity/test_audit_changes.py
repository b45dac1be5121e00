"""Identity's changes to access in its audit log: principals created, patched and disabled, keys
issued, revoked, rotated and ended by the worker, signing keys rotated and made on demand;
each with its actor and client address, before and after (never a key's token), the chain
intact by `verify-audit`."""

import asyncio
import os
import sys
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.identity.conftest import (
    SIGNING_SECRET,
    TOKEN,
    Admin,
    IdentityHarness,
    new_key,
    new_principal,
)
from tests.support.audit import every_entry
from ticketflow_identity.commands.bootstrap import bootstrap_admin
from ticketflow_identity.commands.maintenance import maintain

pytestmark = pytest.mark.integration

CLIENT = "127.0.0.1"
"""The address httpx's ASGI transport gives every in-process request."""


async def entries(admin: Admin, **query: str) -> list[dict[str, Any]]:
    return await every_entry(admin.api, **query)


def of(found: list[dict[str, Any]], entity_id: str, action: str) -> dict[str, Any]:
    [entry] = [e for e in found if e["entity_id"] == entity_id and e["action"] == action]
    return entry


def changed(entry: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {c["path"]: (c["before"], c["after"]) for c in entry["changes"]}


async def run_verify(identity: IdentityHarness) -> tuple[int, str]:
    settings = identity.settings
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ticketflow_identity",
        "verify-audit",
        "--schema",
        identity.schema,
        env={
            **os.environ,
            "IDENTITY_DATABASE_URL": settings.database_url.get_secret_value(),
            "IDENTITY_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "IDENTITY_API_TOKEN": TOKEN,
            "IDENTITY_SIGNING_KEY_SECRET": SIGNING_SECRET,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None, err.decode()
    return process.returncode, out.decode() + err.decode()


async def test_principal_changes_are_audited_with_actor_address_and_diff(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api, display_name="王芳", email="wang@example.cn")
    pid = person["principal_id"]
    patched = await admin.api.patch(
        f"/principals/{pid}", json={"role": "lead", "teams": ["network", "service-desk"]}
    )
    assert patched.status_code == 200, patched.text
    key = await new_key(admin.api, pid)
    disabled = await admin.api.post(f"/principals/{pid}/disable")
    assert disabled.status_code == 200, disabled.text

    found = await entries(admin, entity="identity.principal", entity_id=pid)
    assert [e["action"] for e in found] == ["created", "updated", "disabled"]
    for entry in found:
        assert entry["actor"] == {
            "subject": admin.principal_id,
            "role": "admin",
            "credential_id": admin.key_id,
            "client_address": CLIENT,
        }
    created, updated, gone = found
    assert created["before"] is None
    assert created["after"]["display_name"] == "王芳"
    assert created["after"] == {**person, "version": created["after"]["version"]}
    assert changed(updated)["role"] == ("agent", "lead")
    assert changed(updated)["teams"] == ([], ["network", "service-desk"])
    assert updated["after"] == patched.json()
    assert changed(gone)["disabled"] == (False, True)
    assert gone["after"] == disabled.json()
    # Disabling revoked the principal's key, under the same actor.
    revoked = of(await entries(admin, entity="identity.api_key"), key["key_id"], "revoked")
    assert revoked["actor"]["subject"] == admin.principal_id
    assert changed(revoked)["state"] == ("active", "revoked")


async def test_the_first_admin_is_made_by_the_bootstrap_credential(
    identity: IdentityHarness, admin: Admin
) -> None:
    [made] = await entries(admin, entity="identity.principal", entity_id=admin.principal_id)
    assert made["action"] == "created"
    assert made["actor"]["role"] == "bootstrap"
    assert made["actor"]["client_address"] == CLIENT
    issued = of(await entries(admin, entity="identity.api_key"), admin.key_id, "issued")
    assert issued["actor"]["role"] == "bootstrap"


async def test_key_changes_are_audited_and_no_token_enters_the_log(
    identity: IdentityHarness, admin: Admin
) -> None:
    person = await new_principal(admin.api, role="integrator")
    issued = await new_key(admin.api, person["principal_id"], scopes=["notify"])
    rotated = await admin.api.post(f"/keys/{issued['key_id']}/rotate", json={"overlap_hours": 1})
    assert rotated.status_code == 201, rotated.text
    successor = rotated.json()
    other = await new_key(admin.api, person["principal_id"], name="other")
    assert (await admin.api.delete(f"/keys/{other['key_id']}")).status_code == 200

    found = await entries(admin, entity="identity.api_key")
    first = of(found, issued["key_id"], "issued")
    assert first["before"] is None
    assert first["after"]["scopes"] == ["notify"]
    assert first["after"]["state"] == "active"
    assert "token" not in first["after"]
    assert first["actor"]["subject"] == admin.principal_id
    assert first["actor"]["client_address"] == CLIENT
    old = of(found, issued["key_id"], "rotated")
    assert changed(old)["replaced_by"] == (None, successor["key_id"])
    assert changed(old)["state"] == ("active", "rotating")
    assert of(found, successor["key_id"], "issued")["after"]["name"] == issued["name"]
    assert changed(of(found, other["key_id"], "revoked"))["state"] == ("active", "revoked")

    # The worker ends the rotated key after the overlap, as the system.
    identity.clock.advance(timedelta(hours=2).total_seconds())
    async with identity.pool.acquire() as conn:
        assert await maintain(conn=conn, settings=identity.settings, now=identity.clock()) == 1
    ended = of(await entries(admin, entity="identity.api_key"), issued["key_id"], "rotation_ended")
    assert ended["actor"] == {
        "subject": "system",
        "role": "system",
        "credential_id": None,
        "client_address": None,
    }
    assert changed(ended)["state"] == ("expired", "revoked"), "its overlap ended"

    log = await identity.fetchval("SELECT string_agg(t::text, ' ') FROM audit_log t")
    outbox = await identity.fetchval("SELECT string_agg(t::text, ' ') FROM outbox t")
    for token in (admin.key, issued["token"], successor["token"], other["token"]):
        secret = token.split(".", 1)[1]
        assert secret not in log
        assert secret not in outbox


async def test_signing_keys_are_audited_the_first_by_the_system(
    identity: IdentityHarness, admin: Admin
) -> None:
    rotated = await admin.api.post("/signing-keys/rotate")
    assert rotated.status_code == 201, rotated.text
    answer = rotated.json()
    found = await entries(admin, entity="identity.signing_key")
    first = of(found, answer["previous_kid"], "created")
    assert first["actor"]["subject"] == "system"
    entry = of(found, answer["kid"], "rotated")
    assert entry["before"] is None
    assert entry["after"] == answer
    assert entry["after"]["public_jwk"]["kty"] == "OKP"
    assert "d" not in entry["after"]["public_jwk"], "never the private half"
    assert entry["actor"]["subject"] == admin.principal_id
    assert entry["actor"]["client_address"] == CLIENT
    # The maintenance worker rotates a key that signed long enough, as the system.
    identity.clock.advance(timedelta(days=identity.settings.signing_key_days + 1).total_seconds())
    async with identity.pool.acquire() as conn:
        await maintain(conn=conn, settings=identity.settings, now=identity.clock())
    rotations = await entries(admin, entity="identity.signing_key")
    assert [e["action"] for e in rotations] == ["created", "rotated", "rotated"]
    assert rotations[-1]["actor"]["subject"] == "system"
    assert rotations[-1]["after"]["previous_kid"] == answer["kid"]


async def test_bootstrap_admin_is_audited_as_the_system_and_the_chain_verifies(
    identity: IdentityHarness, admin: Admin
) -> None:
    async with identity.pool.acquire() as conn:
        made, key, _ = await bootstrap_admin(
            conn=conn,
            name="Ops",
            email="ops@example.org",
            settings=identity.settings,
            now=identity.clock(),
        )
    found = await entries(admin, actor="system")
    assert {(e["entity"], e["entity_id"], e["action"]) for e in found} >= {
        ("identity.principal", str(made.principal_id), "created"),
        ("identity.api_key", key.key_id, "issued"),
    }
    events = await identity.events("audit.recorded")
    assert events, "every entry is published on audit.events.v1"
    assert all(e["subject"] == "identity" for e in events)
    code, output = await run_verify(identity)
    assert code == 0, output
    assert "identity audit log intact" in output
    async with identity.pool.acquire() as conn:
        await conn.execute(
            "UPDATE audit_log SET actor = jsonb_set(actor, '{subject}', '\"someone\"')"
            " WHERE sequence = 2"
        )
    code, output = await run_verify(identity)
    assert code == 1, output
    assert "broken at sequence 2" in output
