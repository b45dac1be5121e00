"""The authenticator insights' app runs before routing: service token or viewer token."""

from fastapi import Request
from fastapi.security import HTTPBearer

from ticketflow_common.access import principal_of_bearer
from ticketflow_common.identity import Principal
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS, failed_auth_limiter
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import get_runtime
from ticketflow_insights.commands.authentication import (
    identify,
    identity_of_viewer,
    viewer_of_identity,
)
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.settings import InsightsSettings

VIEWER_TOKEN = HTTPBearer(
    auto_error=False,
    description="An access token from identity, `INSIGHTS_API_TOKEN`, or a viewer token from"
    " `python -m ticketflow_insights issue-token --agent <id>`.",
)
UNAUTHORIZED = "a valid bearer token is required"


async def authenticate(request: Request) -> Principal:
    """401 for a missing, bad or expired token (counted by the failed-authentication limiter,
    429 once over it): the service token, an access token (identity's) or a viewer token;
    sets `request.state.viewer`, insights' view of the caller."""
    runtime: Runtime[InsightsSettings] = await get_runtime(request)
    credentials = await VIEWER_TOKEN(request)
    if credentials is None:
        raise ProblemError(401, UNAUTHORIZED, headers=UNAUTHORIZED_HEADERS)
    limiter = failed_auth_limiter(request)
    identity = await principal_of_bearer(request, credentials.credentials)
    async with runtime.pool.acquire() as conn:
        viewer: Viewer | None
        if identity is not None:
            viewer = await viewer_of_identity(conn=conn, identity=identity)
        else:
            viewer = await identify(
                conn=conn,
                token=credentials.credentials,
                service_token=runtime.settings.api_token,
                viewer_secret=runtime.settings.viewer_token_secret,
                now=runtime.clock(),
            )
            identity = None if viewer is None else identity_of_viewer(viewer)
        if viewer is None or identity is None:
            raise await limiter.failed(conn=conn, request=request, detail=UNAUTHORIZED)
        await limiter.refuse_if_blocked(conn=conn, request=request)
    request.state.viewer = viewer
    return identity
