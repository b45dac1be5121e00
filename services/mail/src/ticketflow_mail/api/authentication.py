"""The authenticator mail's app runs before routing: service token or access token."""

from fastapi import Request
from fastapi.security import HTTPBearer

from ticketflow_common.access import principal_of_bearer
from ticketflow_common.access_tokens import Caller, caller_of_principal, principal_of_caller
from ticketflow_common.identity import Principal
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS, failed_auth_limiter
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import get_runtime
from ticketflow_mail.commands.authentication import identify
from ticketflow_mail.settings import MailSettings

ACCESS_TOKEN = HTTPBearer(
    auto_error=False,
    description="An access token from identity, `MAIL_API_TOKEN`, or a token from"
    " `python -m ticketflow_mail issue-token --role agent|requester --subject <id>`.",
)
UNAUTHORIZED = "a valid bearer token is required"


async def authenticate(request: Request) -> Principal:
    """401 for a missing, bad or expired token (counted by the failed-authentication limiter,
    429 once over it): the service token, an access token (identity's) or an `issue-token`
    token; sets `request.state.caller`. Who may call which route is the authorisation table's
    (`contracts/authorization.toml`: block list and quarantine are the admins')."""
    runtime: Runtime[MailSettings] = await get_runtime(request)
    credentials = await ACCESS_TOKEN(request)
    if credentials is None:
        raise ProblemError(401, UNAUTHORIZED, headers=UNAUTHORIZED_HEADERS)
    identity = await principal_of_bearer(request, credentials.credentials)
    if identity is not None:
        caller: Caller | None = caller_of_principal(identity)
    else:
        caller = identify(
            token=credentials.credentials,
            service_token=runtime.settings.api_token,
            access_secret=runtime.settings.access_token_secret,
            now=runtime.clock(),
        )
        identity = None if caller is None else principal_of_caller(caller)
    limiter = failed_auth_limiter(request)
    async with runtime.pool.acquire() as conn:
        if caller is None or identity is None:
            raise await limiter.failed(conn=conn, request=request, detail=UNAUTHORIZED)
        await limiter.refuse_if_blocked(conn=conn, request=request)
    request.state.caller = caller
    return identity
