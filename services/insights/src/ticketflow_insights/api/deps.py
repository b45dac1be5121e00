"""Dependency aliases for insights' routes."""

from typing import Annotated

from fastapi import Depends, Request

from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.settings import InsightsSettings

RuntimeDep = Annotated[Runtime[InsightsSettings], Depends(get_runtime)]
SettingsDep = Annotated[InsightsSettings, Depends(get_settings)]


async def get_viewer(request: Request) -> Viewer:
    """The caller the authenticator recognised (`request.state.viewer`; the service token is
    `ADMIN`); 401, never an admin, if none did."""
    viewer = getattr(request.state, "viewer", None)
    if not isinstance(viewer, Viewer):
        raise ProblemError(401, "a valid bearer token is required", headers=UNAUTHORIZED_HEADERS)
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]

__all__ = ["AuditActorDep", "NowDep", "PoolDep", "RuntimeDep", "SettingsDep", "ViewerDep"]
