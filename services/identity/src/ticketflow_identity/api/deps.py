"""Dependency aliases for identity's routes, and the one place that says which role may do
what here (until the common authorisation table replaces it): admins everything, the service
token (bootstrap) only creating principals and issuing their keys, everyone `GET /me`."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from ticketflow_common.identity import Principal, Role
from ticketflow_common.preconditions import WritePrecondition, write_precondition
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_identity.settings import IdentitySettings

RuntimeDep = Annotated[Runtime[IdentitySettings], Depends(get_runtime)]
SettingsDep = Annotated[IdentitySettings, Depends(get_settings)]

ADMIN: frozenset[Role] = frozenset({"admin"})
BOOTSTRAPPERS: frozenset[Role] = frozenset({"admin", "bootstrap"})
EVERYONE: frozenset[Role] = frozenset(
    {"requester", "agent", "lead", "approver", "integrator", "admin", "bootstrap"}
)


async def get_caller(request: Request) -> Principal:
    """The principal the authenticator recognised; 401 if none did."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise ProblemError(401, "a valid bearer token is required", headers=UNAUTHORIZED_HEADERS)
    return principal


def allowed(roles: frozenset[Role]) -> Callable[[Request], Awaitable[Principal]]:
    """403 unless the caller's role is one of `roles`."""

    async def check(request: Request) -> Principal:
        caller = await get_caller(request)
        if caller.role not in roles:
            raise ProblemError(403, f"the role {caller.role} may not do this")
        return caller

    return check


async def if_match(request: Request) -> WritePrecondition:
    """`If-Match` with the principal's ETag (its version) is optional; one that fails is 412."""
    return write_precondition(request.headers.getlist("if-match"))


AdminDep = Annotated[Principal, Depends(allowed(ADMIN))]
BootstrapDep = Annotated[Principal, Depends(allowed(BOOTSTRAPPERS))]
CallerDep = Annotated[Principal, Depends(allowed(EVERYONE))]
IfMatchDep = Annotated[WritePrecondition, Depends(if_match)]

__all__ = [
    "AdminDep",
    "BootstrapDep",
    "CallerDep",
    "IfMatchDep",
    "NowDep",
    "PoolDep",
    "RuntimeDep",
    "SettingsDep",
]
