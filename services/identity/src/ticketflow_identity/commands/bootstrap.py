"""`bootstrap-admin`: the first admin of an installation and a key for them, printed once."""

from datetime import datetime

import asyncpg

from ticketflow_common.problems import ProblemError
from ticketflow_identity.commands.api_keys import issue_key
from ticketflow_identity.commands.principals import create_principal, view_of
from ticketflow_identity.domain.keys import IssuedKey, NewApiKey
from ticketflow_identity.domain.principals import NewPrincipal, PrincipalView
from ticketflow_identity.settings import IdentitySettings
from ticketflow_identity.store import principals as store

KEY_NAME = "bootstrap-admin"


async def bootstrap_admin(
    *,
    conn: asyncpg.Connection,
    name: str,
    email: str | None,
    settings: IdentitySettings,
    now: datetime,
) -> tuple[PrincipalView, IssuedKey, bool]:
    """(the admin, a new key of theirs, whether the admin was created): the admin with
    `email` is reused when there is one, so running it again only issues another key."""
    existing = None if email is None else await store.principal_by_email(conn=conn, email=email)
    if existing is not None:
        admin = view_of(existing)
        if admin.role != "admin" or admin.disabled:
            raise ProblemError(
                409, f"principal {admin.principal_id} with email {email} is not an enabled admin"
            )
        created = False
    else:
        admin = await create_principal(
            conn=conn,
            new=NewPrincipal(kind="person", display_name=name, email=email, role="admin"),
            now=now,
        )
        created = True
    key = await issue_key(
        conn=conn,
        principal_id=admin.principal_id,
        new=NewApiKey(name=KEY_NAME),
        settings=settings,
        now=now,
    )
    return admin, key, created
