"""API keys: issuing one (shown once), listing them, revoking one, and the first admin's."""

import asyncpg

from ticketflow_common.problems import not_found
from ticketflow_intake.domain.access import CredentialView, IssuedCredential, Role, generate_key
from ticketflow_intake.store import credentials


async def issue_credential(
    *, conn: asyncpg.Connection, name: str, role: Role, subject: str
) -> IssuedCredential:
    """A new key for `subject` with `role`; only its hash is stored, the token is returned."""
    key = generate_key()
    view = await credentials.insert_credential(
        conn=conn, key_id=key.key_id, secret=key.secret, name=name, role=role, subject=subject
    )
    return IssuedCredential(**view.model_dump(), token=key.token)


async def create_admin(*, conn: asyncpg.Connection, name: str) -> str:
    """An admin key acting as `name` (the first one, typically); its token."""
    issued = await issue_credential(conn=conn, name=name, role="admin", subject=name)
    return issued.token


async def list_credentials(*, conn: asyncpg.Connection) -> list[CredentialView]:
    return await credentials.list_credentials(conn=conn)


async def revoke_credential(*, conn: asyncpg.Connection, key_id: str) -> None:
    """404 when no live key has that id."""
    if not await credentials.revoke_credential(conn=conn, key_id=key_id):
        raise not_found(f"no live credential {key_id}")
