"""Identity's changes to access in its audit log (`ticketflow_common.audit`): principals, API
keys and signing keys, each as its API shows it (never a key's token)."""

from datetime import datetime
from typing import Literal

import asyncpg
from pydantic import BaseModel

from ticketflow_common.audit import record_change
from ticketflow_common.events.audit import AuditActor

SERVICE = "identity"
Entity = Literal["identity.principal", "identity.api_key", "identity.signing_key"]


async def audit(
    *,
    conn: asyncpg.Connection,
    actor: AuditActor,
    entity: Entity,
    entity_id: str,
    action: str,
    before: BaseModel | None,
    after: BaseModel | None,
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
