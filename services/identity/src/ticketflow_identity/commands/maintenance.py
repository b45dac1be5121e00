"""Identity's periodic upkeep: revoke keys past their expiry or rotation overlap, and rotate the
signing key once it has signed for `signing_key_days` (the first one made if none signs)."""

from datetime import datetime

import asyncpg
from opentelemetry import trace

from ticketflow_common.audit import SYSTEM_ACTOR
from ticketflow_identity.commands.api_keys import END_BATCH, end_keys
from ticketflow_identity.commands.signing_keys import rotate_signing_key, signing_key
from ticketflow_identity.settings import IdentitySettings

tracer = trace.get_tracer(__name__)


async def maintain(*, conn: asyncpg.Connection, settings: IdentitySettings, now: datetime) -> int:
    """How many keys were ended (a full batch: there may be more). One span, so the events it
    emits carry a trace like every other event on the bus; the audit log names the system."""
    with tracer.start_as_current_span("identity maintenance"):
        await signing_key(conn=conn, settings=settings, now=now)
        await rotate_signing_key(
            conn=conn, settings=settings, now=now, only_if_due=True, actor=SYSTEM_ACTOR
        )
        return await end_keys(conn=conn, actor=SYSTEM_ACTOR, now=now)


__all__ = ["END_BATCH", "maintain"]
