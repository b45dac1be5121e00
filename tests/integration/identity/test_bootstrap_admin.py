"""`bootstrap-admin`: an admin and a key, printed once; idempotent by email."""

from tests.integration.identity.conftest import IdentityHarness
from ticketflow_identity.commands.bootstrap import bootstrap_admin


async def test_bootstrap_admin_is_idempotent_by_email(identity: IdentityHarness) -> None:
    async with identity.pool.acquire() as conn:
        first, key, created = await bootstrap_admin(
            conn=conn,
            name="运维管理员",
            email="ops@example.org",
            settings=identity.settings,
            now=identity.clock(),
        )
        again, other_key, created_again = await bootstrap_admin(
            conn=conn,
            name="ignored",
            email="OPS@example.org",
            settings=identity.settings,
            now=identity.clock(),
        )
    assert created
    assert not created_again
    assert again.principal_id == first.principal_id
    assert first.role == "admin"
    assert first.display_name == "运维管理员"
    assert key.token != other_key.token
    token = await identity.access_token(other_key.token)
    async with identity.client(token) as client:
        assert (await client.get("/principals")).status_code == 200
