"""Dependency aliases for routing's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.web import PoolDep, RuntimeDep
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.settings import RoutingSettings


async def get_settings(runtime: RuntimeDep) -> RoutingSettings:
    settings = runtime.settings
    assert isinstance(settings, RoutingSettings)
    return settings


SettingsDep = Annotated[RoutingSettings, Depends(get_settings)]


async def get_policy(settings: SettingsDep) -> RoutingPolicy:
    return settings.policy()


async def get_clock() -> Clock:
    return system_clock


PolicyDep = Annotated[RoutingPolicy, Depends(get_policy)]
ClockDep = Annotated[Clock, Depends(get_clock)]

__all__ = ["ClockDep", "PolicyDep", "PoolDep", "SettingsDep"]
