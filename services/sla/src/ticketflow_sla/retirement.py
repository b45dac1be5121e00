"""Archiving policies, calendars and escalation policies that nothing uses any more.

Archived rows stay: clocks already running keep the policy, calendar and escalation policy
they started with. What is in use is refused with 409 naming the uses; nothing changes.
"""

from datetime import datetime

import asyncpg

from ticketflow_common.in_use import refuse_if_used
from ticketflow_sla.store.policies import archive, clocks_using, lock_live, policies_naming


async def retire_policy(*, conn: asyncpg.Connection, name: str, now: datetime) -> bool:
    """Refused while a ticket's clock runs (or is paused) under it; False when unknown."""
    if not await lock_live(conn=conn, table="policies", name=name):
        return False
    refuse_if_used(f"policy {name!r}", [await clocks_using(conn=conn, column="policy", name=name)])
    await archive(conn=conn, table="policies", name=name, now=now)
    return True


async def retire_calendar(*, conn: asyncpg.Connection, name: str, now: datetime) -> bool:
    """Refused while a live policy names it or a clock counts in it; False when unknown."""
    if not await lock_live(conn=conn, table="calendars", name=name):
        return False
    uses = [
        await policies_naming(conn=conn, column="calendar", name=name),
        await clocks_using(conn=conn, column="calendar", name=name),
    ]
    refuse_if_used(f"calendar {name!r}", uses)
    await archive(conn=conn, table="calendars", name=name, now=now)
    return True


async def retire_escalation_policy(*, conn: asyncpg.Connection, name: str, now: datetime) -> bool:
    """Refused while a live policy names it; False when unknown."""
    if not await lock_live(conn=conn, table="escalation_policies", name=name):
        return False
    uses = [await policies_naming(conn=conn, column="escalation_policy", name=name)]
    refuse_if_used(f"escalation policy {name!r}", uses)
    await archive(conn=conn, table="escalation_policies", name=name, now=now)
    return True
