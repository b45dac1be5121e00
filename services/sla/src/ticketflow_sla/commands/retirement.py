"""Archiving policies, calendars and escalation policies that nothing uses any more.

Archived rows stay: clocks already running keep the policy, calendar and escalation policy
they started with. What is in use is refused with 409 naming the uses; nothing changes; what is
not known (or already archived) is 404.
"""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial

import asyncpg

from ticketflow_common.in_use import Usage, refuse_if_used
from ticketflow_common.problems import not_found
from ticketflow_sla.commands.calendars import announce_calendar
from ticketflow_sla.store.calendars import get_calendar
from ticketflow_sla.store.policies import archive, clocks_using, lock_live, policies_naming

UsesOf = Callable[..., Awaitable[Usage]]
"""Counts what uses a name: called with `conn` and `name`."""


async def _retire(
    *,
    conn: asyncpg.Connection,
    table: str,
    what: str,
    name: str,
    uses: Sequence[UsesOf],
    now: datetime,
) -> None:
    async with conn.transaction():
        if not await lock_live(conn=conn, table=table, name=name):
            raise not_found(f"no {what} named {name!r}")
        refuse_if_used(f"{what} {name!r}", [await use(conn=conn, name=name) for use in uses])
        await archive(conn=conn, table=table, name=name, now=now)


async def retire_policy(*, conn: asyncpg.Connection, name: str, now: datetime) -> None:
    """Refused while a ticket's clock runs (or is paused) under it."""
    uses = [partial(clocks_using, column="policy")]
    await _retire(conn=conn, table="policies", what="policy", name=name, uses=uses, now=now)


async def retire_calendar(*, conn: asyncpg.Connection, name: str, now: datetime) -> None:
    """Refused while a live policy names it or a clock counts in it; announced as archived."""
    uses = [partial(policies_naming, column="calendar"), partial(clocks_using, column="calendar")]
    async with conn.transaction():
        await _retire(conn=conn, table="calendars", what="calendar", name=name, uses=uses, now=now)
        archived = await get_calendar(conn=conn, name=name)
        assert archived is not None
        await announce_calendar(conn=conn, calendar=archived, change="archived", now=now)


async def retire_escalation_policy(*, conn: asyncpg.Connection, name: str, now: datetime) -> None:
    """Refused while a live policy names it."""
    uses = [partial(policies_naming, column="escalation_policy")]
    await _retire(
        conn=conn,
        table="escalation_policies",
        what="escalation policy",
        name=name,
        uses=uses,
        now=now,
    )
