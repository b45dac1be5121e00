"""Mail's configuration changes in its audit log (`ticketflow_common.audit`)."""

from datetime import datetime

import asyncpg
from pydantic import BaseModel

from ticketflow_common.audit import record_change
from ticketflow_common.events.audit import AuditActor

SERVICE = "mail"


async def audit(
    *,
    conn: asyncpg.Connection,
    actor: AuditActor,
    entity: str,
    entity_id: str,
    action: str,
    before: BaseModel | dict[str, object] | None,
    after: BaseModel | dict[str, object] | None,
    now: datetime,
) -> None:
    """Record the change in the caller's transaction."""
    await record_change(
        conn=conn,
        service=SERVICE,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
        now=now,
    )
