"""`identity.events.v1`: who may act on Ticketflow. Every service projects these into its own
schema to refuse access tokens that were valid when signed but no longer are: a revoked
credential, a disabled principal, or a principal whose role or teams changed since.

Key: the principal id.
"""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import TeamKey

IdentityRole = Literal["requester", "agent", "lead", "approver", "integrator", "admin"]
PrincipalKind = Literal["person", "service_account"]
RevocationReason = Literal["revoked", "rotated", "expired", "principal_disabled"]


class PrincipalChanged(EventData):
    """A principal was created, changed (role, teams, agent) or disabled; access tokens signed
    for it before `changed_at` are refused from now on (they may carry the old role)."""

    topic: ClassVar[str] = topics.IDENTITY
    event_type: ClassVar[str] = "principal.changed"

    principal_id: UUID
    kind: PrincipalKind
    display_name: str
    role: IdentityRole
    agent_id: UUID | None = Field(default=None, description="Routing's agent this person is.")
    teams: list[TeamKey] = Field(
        default_factory=list, description="Routing's ids of the teams they belong to or lead."
    )
    disabled: bool = False
    version: int = Field(ge=1)
    changed_at: datetime


class CredentialIssued(EventData):
    """An API key was issued to a principal (its secret never leaves identity's response)."""

    topic: ClassVar[str] = topics.IDENTITY
    event_type: ClassVar[str] = "credential.issued"

    credential_id: str
    principal_id: UUID
    name: str
    scopes: list[str] | None = Field(default=None, description="None: all the role grants.")
    expires_at: datetime | None = None
    replaces: str | None = Field(default=None, description="The key this one rotates.")
    issued_at: datetime


class CredentialRevoked(EventData):
    """An API key stopped being valid; access tokens obtained with it (claim `cid`) are refused
    by every service from now on, before they expire."""

    topic: ClassVar[str] = topics.IDENTITY
    event_type: ClassVar[str] = "credential.revoked"

    credential_id: str
    principal_id: UUID
    reason: RevocationReason
    revoked_at: datetime


class SigningKeyRotated(EventData):
    """A new signing key is published in the key set and signs from `active_from`; the
    previous one stays published until the last token it signed has expired."""

    topic: ClassVar[str] = topics.IDENTITY
    event_type: ClassVar[str] = "signing_key.rotated"

    kid: str
    previous_kid: str | None = None
    active_from: datetime


MODELS: tuple[type[EventData], ...] = (
    PrincipalChanged,
    CredentialIssued,
    CredentialRevoked,
    SigningKeyRotated,
)
