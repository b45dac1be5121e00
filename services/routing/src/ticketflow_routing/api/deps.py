"""Dependency aliases for routing's routes: its context, settings, policy, `now` and pool."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.settings import RoutingSettings

RuntimeDep = Annotated[Runtime[RoutingSettings], Depends(get_runtime)]
SettingsDep = Annotated[RoutingSettings, Depends(get_settings)]


async def get_routing_policy(settings: SettingsDep) -> RoutingPolicy:
    return settings.routing_policy()


PolicyDep = Annotated[RoutingPolicy, Depends(get_routing_policy)]

__all__ = ["AuditActorDep", "NowDep", "PolicyDep", "PoolDep", "RuntimeDep", "SettingsDep"]
