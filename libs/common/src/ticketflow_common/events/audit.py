"""`audit.events.v1`: every change to configuration and access, as each service recorded it in
its own hash-chained audit log in the transaction of the change.

Key: the recording service's name (one chain per service, in order within its partition).
"""

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, Field, JsonValue

from ticketflow_common import topics
from ticketflow_common.envelope import EventData


class AuditActor(BaseModel):
    """Who made a change: the principal, its role and the credential it presented."""

    subject: str = Field(description="The principal id, `bootstrap`, or `system`.")
    role: str
    credential_id: str | None = None
    client_address: str | None = Field(default=None, description="The caller's IP address.")


class AuditChange(BaseModel):
    """One field that changed: its JSON path in the entity, and the values before and after."""

    path: str
    before: JsonValue = None
    after: JsonValue = None


class AuditRecorded(EventData):
    """One entry of a service's audit log; `hash` covers the entry and `previous_hash`, so a
    changed or removed entry breaks the chain (`python -m ticketflow_<service> verify-audit`)."""

    topic: ClassVar[str] = topics.AUDIT
    event_type: ClassVar[str] = "audit.recorded"

    service: str
    sequence: int = Field(ge=1, description="Position in the service's chain, from 1.")
    entity: str = Field(description="What changed, e.g. `sla.policy`, `identity.api_key`.")
    entity_id: str
    action: str = Field(description="created, updated, deleted, archived, revoked, ...")
    actor: AuditActor
    before: JsonValue = None
    after: JsonValue = None
    changes: list[AuditChange] = Field(default_factory=list)
    recorded_at: datetime
    previous_hash: str = Field(description="Hex SHA-256 of the previous entry; 64 zeros first.")
    hash: str


MODELS: tuple[type[EventData], ...] = (AuditRecorded,)
