"""Archiving policies, calendars and escalation policies that nothing uses any more.

Archived rows stay: clocks already running keep the policy, calendar and escalation policy
they started with. What is in use is refused with 409 naming the uses; nothing changes; what is
not known (or already archived) is 404.
"""

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial

import asyncpg
from pydantic import BaseModel

from ticketflow_common.audit import record_change
from ticketflow_common.events.audit import AuditActor
from ticketflow_common.in_use import Usage, refuse_if_used
from ticketflow_common.problems import not_found
from ticketflow_sla.commands.calendars import SERVICE, announce_calendar
from ticketflow_sla.store.calendars import get_calendar, lock_calendar
from ticketflow_sla.store.escalations import lock_escalation_policy
from ticketflow_sla.store.policies import (
    archive,
    clocks_using,
    lock_live,
    lock_policy,
    policies_naming,
)

UsesOf = Callable[..., Awaitable[Usage]]
"""Counts what uses a name: called with `conn` and `name`."""
ViewOf = Callable[..., Awaitable[BaseModel | None]]
"""The live entity as the API shows it (the audit log's `before`): called with `conn`, `name`."""
ENTITIES = {
    "policies": "sla.policy",
    "calendars": "sla.calendar",
    "escalation_policies": "sla.escalation_policy",
}
VIEWS: dict[str, ViewOf] = {
    "policies": lock_policy,
    "calendars": lock_calendar,
    "escalation_policies": lock_escalation_policy,
}


async def _retire(
    *,
    conn: asyncpg.Connection,
    table: str,
    what: str,
    name: str,
    uses: Sequence[UsesOf],
    actor: AuditActor,
    now: datetime,
) -> None:
    async with conn.transaction():
        if not await lock_live(conn=conn, table=table, name=name):
            raise not_found(f"no {what} named {name!r}")
        refuse_if_used(f"{what} {name!r}", [await use(conn=conn, name=name) for use in uses])
        before = await VIEWS[table](conn=conn, name=name)
        await archive(conn=conn, table=table, name=name, now=now)
        await record_change(
            conn=conn,
            service=SERVICE,
            actor=actor,
            entity=ENTITIES[table],
            entity_id=name,
            action="archived",
            before=before,
            after=None,
            now=now,
        )


async def retire_policy(
    *, conn: asyncpg.Connection, name: str, actor: AuditActor, now: datetime
) -> None:
    """Refused while a ticket's clock runs (or is paused) under it."""
    uses = [partial(clocks_using, column="policy")]
    await _retire(
        conn=conn, table="policies", what="policy", name=name, uses=uses, actor=actor, now=now
    )


async def retire_calendar(
    *, conn: asyncpg.Connection, name: str, actor: AuditActor, now: datetime
) -> None:
    """Refused while a live policy names it or a clock counts in it; announced as archived."""
    uses = [partial(policies_naming, column="calendar"), partial(clocks_using, column="calendar")]
    async with conn.transaction():
        await _retire(
            conn=conn,
            table="calendars",
            what="calendar",
            name=name,
            uses=uses,
            actor=actor,
            now=now,
        )
        archived = await get_calendar(conn=conn, name=name)
        assert archived is not None
        await announce_calendar(conn=conn, calendar=archived, change="archived", now=now)


async def retire_escalation_policy(
    *, conn: asyncpg.Connection, name: str, actor: AuditActor, now: datetime
) -> None:
    """Refused while a live policy names it."""
    uses = [partial(policies_naming, column="escalation_policy")]
    await _retire(
        conn=conn,
        table="escalation_policies",
        what="escalation policy",
        name=name,
        uses=uses,
        actor=actor,
        now=now,
    )
