"""Dependency aliases for automation's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings

RuntimeDep = Annotated[Runtime[AutomationSettings], Depends(get_runtime)]
SettingsDep = Annotated[AutomationSettings, Depends(get_settings)]

__all__ = ["AuditActorDep", "NowDep", "PoolDep", "RuntimeDep", "SettingsDep"]
