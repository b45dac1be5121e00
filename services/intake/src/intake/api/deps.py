"""Dependency aliases for intake's routes: the caller, their scopes, settings, preconditions."""

import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPBearer

from intake.domain.access import Principal, Scope, parse_token
from intake.settings import IntakeSettings
from intake.store.credentials import find_principal
from ticketflow_common.preconditions import WritePrecondition, write_precondition
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit import TokenBucketLimiter, retry_after_header
from ticketflow_common.web import PoolDep, RuntimeDep, get_runtime

API_KEY = HTTPBearer(auto_error=False, description="An API key: `tfk_<id>.<secret>`.")
SYSTEM = Principal(credential_id="system", role="admin", subject="system")


async def get_settings(runtime: RuntimeDep) -> IntakeSettings:
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    return settings


SettingsDep = Annotated[IntakeSettings, Depends(get_settings)]


async def get_limiter(request: Request) -> TokenBucketLimiter:
    limiter: TokenBucketLimiter = request.app.state.rate_limiter
    return limiter


async def authenticate(request: Request) -> Principal:
    """401 without a live key; 429 when the key is over its rate. Run by the authentication
    middleware before any route reads the body."""
    runtime = await get_runtime(request)
    settings = await get_settings(runtime)
    limiter = await get_limiter(request)
    credentials = await API_KEY(request)
    unauthorized = ProblemError(
        401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"}
    )
    if credentials is None:
        raise unauthorized
    token = credentials.credentials
    if secrets.compare_digest(token, settings.api_token.get_secret_value()):
        principal = SYSTEM
    else:
        parsed = parse_token(token)
        if parsed is None:
            raise unauthorized
        async with runtime.pool.acquire() as conn:
            found = await find_principal(conn=conn, key_id=parsed[0], secret=parsed[1])
        if found is None:
            raise unauthorized
        principal = found
    wait = limiter.acquire(principal.credential_id)
    if wait > 0:
        raise ProblemError(
            429,
            f"rate limit of {limiter.rate:g} requests/s exceeded",
            headers={"Retry-After": retry_after_header(wait)},
        )
    return principal


async def current_principal(request: Request) -> Principal:
    """The caller `authenticate` found for this request."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise ProblemError(
            401, "a valid API key is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    """403 (not 401) for a known caller whose role does not grant `scope`."""

    async def check(principal: PrincipalDep) -> Principal:
        if not principal.can(scope):
            raise ProblemError(403, f"this credential lacks the scope {scope.value!r}")
        return principal

    return check


async def if_match(
    request: Request,
    settings: SettingsDep,
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ticket\'s ETag (e.g. "3"), `*`, or a list of ETags; one that does'
            " not match (strong comparison: weak ETags never do) answers 412. Required (428)"
            " when `INTAKE_REQUIRE_IF_MATCH` is set.",
        ),
    ] = None,
) -> WritePrecondition:
    """Every If-Match line of the request, parsed once; `value` documents the header."""
    return write_precondition(
        request.headers.getlist("if-match"), required=settings.require_if_match
    )


IfMatchDep = Annotated[WritePrecondition, Depends(if_match)]

CanCreate = Annotated[Principal, Depends(require(Scope.CREATE_TICKETS))]
CanWork = Annotated[Principal, Depends(require(Scope.WORK_TICKETS))]
CanApprove = Annotated[Principal, Depends(require(Scope.APPROVE_TICKETS))]
CanGiveFeedback = Annotated[Principal, Depends(require(Scope.GIVE_FEEDBACK))]
CanManageCategories = Annotated[Principal, Depends(require(Scope.MANAGE_CATEGORIES))]
CanManageCredentials = Annotated[Principal, Depends(require(Scope.MANAGE_CREDENTIALS))]

__all__ = [
    "CanApprove",
    "CanCreate",
    "CanGiveFeedback",
    "CanManageCategories",
    "CanManageCredentials",
    "CanWork",
    "IfMatchDep",
    "PoolDep",
    "PrincipalDep",
    "SettingsDep",
]
