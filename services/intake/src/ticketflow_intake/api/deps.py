"""Dependency aliases for intake's routes: the caller, their scopes, settings, preconditions."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPBearer

from ticketflow_common.access import principal_of_bearer
from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.identity import Principal as IdentityPrincipal
from ticketflow_common.preconditions import WritePrecondition, write_precondition
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import (
    UNAUTHORIZED_HEADERS,
    enforce,
    failed_auth_limiter,
)
from ticketflow_common.rate_limit_lease import LeasedLimit
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_intake.commands.access_checks import ChangeCommand, TicketWrite
from ticketflow_intake.commands.authentication import identify_api_key
from ticketflow_intake.domain.access import (
    Principal,
    Scope,
    identity_of,
    principal_of_identity,
)
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.settings import IntakeSettings

SURVEY_LINKS = "/survey-links/"
"""Where `api/survey_links.py` serves (deps cannot import a router module)."""
API_KEY = HTTPBearer(
    auto_error=False,
    description="An access token from identity, `INTAKE_API_TOKEN`, or an intake API key"
    " (`tfk_<id>.<secret>`).",
)
UNAUTHORIZED = "a valid API key is required"
APPROVAL_LINKS = "/approval-links/"
"""Signed approve/reject links carry no bearer: the token in their path is the credential."""

RequestT = TypeVar("RequestT")

RuntimeDep = Annotated[Runtime[IntakeSettings], Depends(get_runtime)]
SettingsDep = Annotated[IntakeSettings, Depends(get_settings)]


async def get_key_limit(request: Request) -> LeasedLimit:
    limit: LeasedLimit = request.app.state.key_rate_limit
    return limit


async def authenticate(request: Request) -> IdentityPrincipal | None:
    """401 without a live credential: the service token, an access token (identity's), or an
    intake API key (`tfk_`, before identity); 429 when it is over its rate, or the caller's
    address over its failed authentications (both shared by every replica: the key's
    allowances come from this replica's lease, `rate_limit_lease`). Run by the authentication
    middleware before any route reads the body; intake's own view of the caller goes to
    `request.state.caller`. Signed approval and survey links carry no key: their routes
    verify the signed token in the path (no principal here)."""
    if request.url.path.startswith((APPROVAL_LINKS, SURVEY_LINKS)):
        return None
    runtime: Runtime[IntakeSettings] = await get_runtime(request)
    limit = await get_key_limit(request)
    policy = limit.policy
    credentials = await API_KEY(request)
    if credentials is None:
        raise ProblemError(401, UNAUTHORIZED, headers=UNAUTHORIZED_HEADERS)
    failed_auth = failed_auth_limiter(request)
    identity = await principal_of_bearer(request, credentials.credentials)
    if identity is not None:
        principal = principal_of_identity(identity)
    else:
        async with runtime.pool.acquire() as conn:
            found = await identify_api_key(conn=conn, token=credentials.credentials)
            if found is None:
                raise await failed_auth.failed(conn=conn, request=request, detail=UNAUTHORIZED)
        principal, identity = found, identity_of(found)
    taken = await limit.take(
        pool=runtime.pool,
        subject=principal.credential_id,
        now=failed_auth.clock(),
        gate=failed_auth.gate(request),
    )
    if taken.gated is not None:
        enforce(request, taken.gated, failed_auth.blocked_detail)
    enforce(
        request,
        taken.decision,
        f"rate limit of {policy.quota} requests per {policy.window_seconds:g} s exceeded",
    )
    request.state.caller = principal
    return identity


async def current_principal(request: Request) -> Principal:
    """Intake's view of the caller `authenticate` found for this request."""
    principal = getattr(request.state, "caller", None)
    if not isinstance(principal, Principal):
        raise ProblemError(401, UNAUTHORIZED, headers=UNAUTHORIZED_HEADERS)
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(scope: Scope) -> Callable[[Request], Awaitable[Principal]]:
    """403 (not 401) for a known caller whose role does not grant `scope`; reads the caller
    itself, one dependency node where a sub-dependency on `current_principal` made two."""

    async def check(request: Request) -> Principal:
        principal = await current_principal(request)
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


def with_etag(response: Response, ticket: Ticket) -> Ticket:
    """Answer with the ticket, its version as the ETag."""
    response.headers["ETag"] = f'"{ticket.version}"'
    return ticket


@dataclass(frozen=True)
class TicketChanger:
    """A request that changes one ticket: it runs the change command on a connection of its
    own and answers with the changed ticket and its ETag."""

    write: TicketWrite
    runtime: Runtime[IntakeSettings]
    now: datetime
    response: Response

    async def run(self, command: ChangeCommand[RequestT], request: RequestT) -> Ticket:
        async with self.runtime.pool.acquire() as conn:
            ticket = await command(conn=conn, write=self.write, request=request, now=self.now)
        return with_etag(self.response, ticket)


def changer(
    caller: Callable[..., Awaitable[Principal]],
) -> Callable[..., Awaitable[TicketChanger]]:
    """A `TicketChanger` for the ticket in the path, on behalf of whom `caller` admits."""

    async def ticket_changer(
        ticket_id: UUID,
        principal: Annotated[Principal, Depends(caller)],
        runtime: RuntimeDep,
        if_match: IfMatchDep,
        now: NowDep,
        response: Response,
    ) -> TicketChanger:
        write = TicketWrite(ticket_id=ticket_id, principal=principal, if_match=if_match)
        return TicketChanger(write=write, runtime=runtime, now=now, response=response)

    return ticket_changer


CanCreate = Annotated[Principal, Depends(require(Scope.CREATE_TICKETS))]
CanWork = Annotated[Principal, Depends(require(Scope.WORK_TICKETS))]
CanApprove = Annotated[Principal, Depends(require(Scope.APPROVE_TICKETS))]
CanGiveFeedback = Annotated[Principal, Depends(require(Scope.GIVE_FEEDBACK))]
CanManageCategories = Annotated[Principal, Depends(require(Scope.MANAGE_CATEGORIES))]
CanManageCredentials = Annotated[Principal, Depends(require(Scope.MANAGE_CREDENTIALS))]
ChangeByCaller = Annotated[TicketChanger, Depends(changer(current_principal))]
ChangeByWorker = Annotated[TicketChanger, Depends(changer(require(Scope.WORK_TICKETS)))]
ChangeByApprover = Annotated[TicketChanger, Depends(changer(require(Scope.APPROVE_TICKETS)))]

__all__ = [
    "AuditActorDep",
    "CanApprove",
    "CanCreate",
    "CanGiveFeedback",
    "CanManageCategories",
    "CanManageCredentials",
    "CanWork",
    "ChangeByApprover",
    "ChangeByCaller",
    "ChangeByWorker",
    "IfMatchDep",
    "NowDep",
    "PoolDep",
    "PrincipalDep",
    "RuntimeDep",
    "SettingsDep",
]
