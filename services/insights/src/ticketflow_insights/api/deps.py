"""Dependency aliases for insights' routes."""

from typing import Annotated

from fastapi import Depends, Request

from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_insights.domain.access import ADMIN, Viewer
from ticketflow_insights.settings import InsightsSettings

RuntimeDep = Annotated[Runtime[InsightsSettings], Depends(get_runtime)]
SettingsDep = Annotated[InsightsSettings, Depends(get_settings)]


async def get_viewer(request: Request) -> Viewer:
    """The caller the authenticator recognised (`request.state.viewer`); the service token is
    an admin."""
    viewer = getattr(request.state, "viewer", None)
    return viewer if isinstance(viewer, Viewer) else ADMIN


ViewerDep = Annotated[Viewer, Depends(get_viewer)]

__all__ = ["NowDep", "PoolDep", "RuntimeDep", "SettingsDep", "ViewerDep"]
