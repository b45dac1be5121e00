"""Dependency aliases for routing's routes."""

from typing import Annotated

from fastapi import Depends

from routing.settings import RoutingSettings
from ticketflow_common.web import PoolDep, RuntimeDep


def get_settings(runtime: RuntimeDep) -> RoutingSettings:
    settings = runtime.settings
    assert isinstance(settings, RoutingSettings)
    return settings


SettingsDep = Annotated[RoutingSettings, Depends(get_settings)]

__all__ = ["PoolDep", "SettingsDep"]
