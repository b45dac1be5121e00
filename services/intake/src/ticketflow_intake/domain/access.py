"""Who may do what: roles, the scopes they grant, and the shape of an API key."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common.events.common import ActorRole
from ticketflow_common.events.identity import IdentityRole
from ticketflow_common.identity import STANDALONE_ADMIN
from ticketflow_common.identity import Principal as IdentityPrincipal
from ticketflow_common.legacy_principals import legacy_principal
from ticketflow_intake.domain.tickets import Ticket

Role = Literal["requester", "agent", "approver", "admin"]
KEY_PREFIX = "tfk_"


class Scope(StrEnum):
    CREATE_TICKETS = "tickets:create"
    READ_OWN_TICKETS = "tickets:read:own"
    READ_ALL_TICKETS = "tickets:read"
    READ_INTERNAL_NOTES = "tickets:read:internal"
    WORK_TICKETS = "tickets:work"
    APPROVE_TICKETS = "tickets:approve"
    GIVE_FEEDBACK = "tickets:feedback"
    MANAGE_CATEGORIES = "categories:manage"
    MANAGE_CREDENTIALS = "credentials:manage"


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    "requester": frozenset({Scope.CREATE_TICKETS, Scope.READ_OWN_TICKETS, Scope.GIVE_FEEDBACK}),
    "agent": frozenset(
        {
            Scope.CREATE_TICKETS,
            Scope.READ_ALL_TICKETS,
            Scope.READ_INTERNAL_NOTES,
            Scope.WORK_TICKETS,
        }
    ),
    "approver": frozenset({Scope.READ_ALL_TICKETS, Scope.APPROVE_TICKETS}),
    "admin": frozenset(Scope),
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a credential, its role and who it acts for."""

    credential_id: str
    role: Role
    subject: str
    automated: bool = False
    """An automation rule acting: what it changes and writes is the system's, not a person's."""

    @property
    def scopes(self) -> frozenset[Scope]:
        return ROLE_SCOPES[self.role]

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def sees_only_own(self) -> bool:
        """Requesters see their own tickets and nothing else, not even that others exist."""
        return not self.can(Scope.READ_ALL_TICKETS)

    @property
    def reads_internal_notes(self) -> bool:
        """Internal notes are for the people working tickets: not requesters, not approvers."""
        return self.can(Scope.READ_INTERNAL_NOTES)


SYSTEM = Principal(credential_id="system", role="admin", subject="system")
"""Whoever presents the service's `INTAKE_API_TOKEN`: operators acting as an admin."""


def rule_principal(rule_id: UUID) -> Principal:
    """A rule's firing acts on any ticket, as the system: its reply is no person's response."""
    subject = f"automation:rule:{rule_id}"
    return Principal(credential_id=subject, role="admin", subject=subject, automated=True)


def macro_principal(macro_id: UUID, actor_id: str) -> Principal:
    """A macro acts as the agent who applied it: its reply is theirs (a first response too)."""
    return Principal(credential_id=f"automation:macro:{macro_id}", role="agent", subject=actor_id)


IDENTITY_ROLES: dict[IdentityRole, Role] = {
    "requester": "requester",
    "agent": "agent",
    "lead": "agent",
    "approver": "approver",
    "integrator": "requester",
    "admin": "admin",
}
"""An identity role as intake's: a lead works tickets as an agent does; an integrator files
tickets and follows those it filed, as a requester (its webhooks are notify's)."""


def principal_of_identity(identity: IdentityPrincipal) -> Principal:
    """Intake's caller for one authenticated by identity (the service token is `SYSTEM`: the
    authorisation table, not intake, keeps a bootstrap credential to setting identity up)."""
    if identity.role == "bootstrap" or identity.via == "service_token":
        return SYSTEM
    role = IDENTITY_ROLES[identity.role]
    subject = identity.subject
    if role == "agent" and identity.agent_id is not None:
        subject = str(identity.agent_id)
    credential = identity.credential_id or identity.subject
    return Principal(credential_id=f"{identity.via}:{credential}", role=role, subject=subject)


def identity_of(principal: Principal) -> IdentityPrincipal:
    """A caller of an intake API key, as every service names callers."""
    if principal is SYSTEM:
        return STANDALONE_ADMIN
    return legacy_principal(
        role=principal.role, subject=principal.subject, credential_id=principal.credential_id
    )


def visible_to(ticket: Ticket, principal: Principal) -> bool:
    return not principal.sees_only_own or ticket.requester.id == principal.subject


def may_reopen(principal: Principal) -> bool:
    """A ticket is reopened by its requester or by an agent, nobody else."""
    return principal.role == "requester" or principal.can(Scope.WORK_TICKETS)


def actor_role(principal: Principal) -> ActorRole:
    """Who changed a ticket, as its events name them: the credential's role (a rule: system)."""
    if principal.automated:
        return "system"
    return principal.role


def author_role_of(principal: Principal) -> ActorRole:
    """Whoever works tickets speaks as an agent, a rule as the system (so its reply stops no
    first-response clock); everyone else as what their role says."""
    if principal.automated:
        return "system"
    if principal.can(Scope.WORK_TICKETS):
        return "agent"
    return principal.role


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret: str

    @property
    def token(self) -> str:
        """What the client sends as `Authorization: Bearer <token>`; shown once."""
        return f"{KEY_PREFIX}{self.key_id}.{self.secret}"


# An API key as admins list it: never its secret (no docstring: it would enter the OpenAPI).
class CredentialView(BaseModel):
    id: str
    name: str
    role: Role
    subject: str
    created_at: datetime
    revoked_at: datetime | None


class IssuedCredential(CredentialView):
    token: str = Field(description="The API key; shown only in this response.")


def generate_key() -> NewKey:
    return NewKey(key_id=secrets.token_hex(8), secret=secrets.token_urlsafe(32))


def parse_token(token: str) -> tuple[str, str] | None:
    """Split `tfk_<id>.<secret>`; None when it is not shaped like one of our keys."""
    if not token.startswith(KEY_PREFIX) or "." not in token:
        return None
    key_id, secret = token.removeprefix(KEY_PREFIX).split(".", 1)
    if not key_id or not secret:
        return None
    return key_id, secret


def hash_secret(secret: str) -> bytes:
    """Keys are 256-bit random, so a plain SHA-256 is enough; no slow hash is needed."""
    return hashlib.sha256(secret.encode()).digest()
