"""Whose endpoints and subscriptions a caller sees (#17): an integrator its own, an admin all."""

from dataclasses import dataclass

from ticketflow_common.identity import Principal


@dataclass(frozen=True)
class Ownership:
    """`owner` stamps what the caller creates; `only` narrows what they see (None: all)."""

    owner: str | None
    only: str | None


def ownership_of(principal: Principal) -> Ownership:
    """The service token owns nothing (NULL: the operators'); anyone else what they create.
    Admins see every owner's, everyone else their own only."""
    owner = None if principal.via == "service_token" else principal.subject
    return Ownership(owner=owner, only=None if principal.role == "admin" else principal.subject)
