"""Who is calling: the API key (or the service's own token) a request presents."""

import secrets

import asyncpg

from ticketflow_intake.domain.access import SYSTEM, Principal, parse_token
from ticketflow_intake.store.credentials import find_principal


async def identify(*, conn: asyncpg.Connection, token: str, system_token: str) -> Principal | None:
    """The system admin for the service's own token, else the principal of the live key the
    token names; None when it is neither."""
    if secrets.compare_digest(token, system_token):
        return SYSTEM
    parsed = parse_token(token)
    if parsed is None:
        return None
    return await find_principal(conn=conn, key_id=parsed[0], secret=parsed[1])
