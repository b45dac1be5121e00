"""Signing keys: the first made on demand, sealed at rest; a rotation publishes the new key a
lead before it signs, and the old stays published until its last token expired."""

import jwt

from tests.integration.identity.conftest import SIGNING_SECRET, Admin, IdentityHarness
from ticketflow_identity.commands.maintenance import maintain
from ticketflow_identity.domain.signing import unseal


async def published_kids(identity: IdentityHarness) -> list[str]:
    return [str(k.key_id) for k in (await identity.key_set()).keys]


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def test_the_private_key_is_sealed_at_rest(identity: IdentityHarness) -> None:
    [kid] = await published_kids(identity)
    async with identity.pool.acquire() as conn:
        sealed = await conn.fetchval("SELECT private_pem FROM signing_keys WHERE kid = $1", kid)
    assert b"PRIVATE KEY" not in sealed
    assert unseal(sealed, kid=kid, secret=SIGNING_SECRET) is not None


async def test_rotation_overlaps_old_and_new_keys(identity: IdentityHarness, admin: Admin) -> None:
    old_token = await identity.access_token(admin.key)
    [old_kid] = await published_kids(identity)
    assert kid_of(old_token) == old_kid

    rotated = await admin.api.post("/signing-keys/rotate")
    assert rotated.status_code == 201, rotated.text
    new_kid = rotated.json()["kid"]
    assert rotated.json()["previous_kid"] == old_kid
    assert set(await published_kids(identity)) == {old_kid, new_kid}
    assert (await admin.api.post("/signing-keys/rotate")).status_code == 409
    # During the publish lead the old key still signs.
    assert kid_of(await identity.access_token(admin.key)) == old_kid

    identity.clock.advance(identity.settings.signing_key_lead_seconds)
    new_token = await identity.access_token(admin.key)
    assert kid_of(new_token) == new_kid
    assert await identity.verify(new_token) is not None
    assert await identity.verify(old_token) is not None  # the old key is still published

    identity.clock.advance(identity.settings.access_token_seconds - 1)
    assert old_kid in await published_kids(identity)
    identity.clock.advance(1)
    assert await published_kids(identity) == [new_kid]

    first, event = await identity.events("signing_key.rotated")
    assert first["data"]["kid"] == old_kid
    assert (event["data"]["kid"], event["data"]["previous_kid"]) == (new_kid, old_kid)


async def test_the_worker_rotates_when_the_key_is_old(identity: IdentityHarness) -> None:
    async def maintenance() -> None:
        async with identity.pool.acquire() as conn:
            await maintain(conn=conn, settings=identity.settings, now=identity.clock())

    await maintenance()
    [first] = await published_kids(identity)
    identity.clock.advance(identity.settings.signing_key_days * 86_400 - 1)
    await maintenance()
    assert await published_kids(identity) == [first]
    identity.clock.advance(1)
    await maintenance()
    kids = await published_kids(identity)
    assert len(kids) == 2
    await maintenance()  # the successor waits out its lead: no second rotation
    assert len(await published_kids(identity)) == 2
    rotations = await identity.events("signing_key.rotated")
    assert [e["data"]["previous_kid"] for e in rotations] == [None, first]
