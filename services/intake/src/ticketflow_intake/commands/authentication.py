"""Who is calling with an intake API key (the service token and identity's access tokens are
`ticketflow_common.access`'s, before this)."""

import asyncpg

from ticketflow_intake.domain.access import Principal, parse_token
from ticketflow_intake.store.credentials import find_principal


async def identify_api_key(*, conn: asyncpg.Connection, token: str) -> Principal | None:
    """The principal of the live key the token names; None when it names none."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    return await find_principal(conn=conn, key_id=parsed[0], secret=parsed[1])
