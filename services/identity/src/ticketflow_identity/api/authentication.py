"""The authenticator identity's app runs before routing (every path but the open ones)."""

from fastapi import Request

from ticketflow_common.identity import Principal
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS, failed_auth_limiter
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import BEARER, get_runtime
from ticketflow_identity.commands.authentication import identify
from ticketflow_identity.settings import IdentitySettings

UNAUTHORIZED = "a valid bearer token is required"
OPEN_PATHS = ("/token", "/.well-known/jwks.json", "/.well-known/openid-configuration")
"""The token endpoint (the API key in its body is the credential) and what anyone may read."""


async def authenticate(request: Request) -> Principal:
    """401 for a missing or bad token (counted by the failed-authentication limiter, 429 once
    over it); sets `request.state.principal`."""
    runtime: Runtime[IdentitySettings] = await get_runtime(request)
    credentials = await BEARER(request)
    if credentials is None:
        raise ProblemError(401, UNAUTHORIZED, headers=UNAUTHORIZED_HEADERS)
    limiter = failed_auth_limiter(request)
    async with runtime.pool.acquire() as conn:
        principal = await identify(
            conn=conn,
            token=credentials.credentials,
            settings=runtime.settings,
            now=runtime.clock(),
        )
        if principal is None:
            raise await limiter.failed(conn=conn, request=request, detail=UNAUTHORIZED)
        await limiter.refuse_if_blocked(conn=conn, request=request)
    request.state.principal = principal
    return principal
