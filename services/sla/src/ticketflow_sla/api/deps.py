"""Dependency aliases for SLA's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_sla.settings import SlaSettings

RuntimeDep = Annotated[Runtime[SlaSettings], Depends(get_runtime)]
SettingsDep = Annotated[SlaSettings, Depends(get_settings)]

__all__ = ["NowDep", "PoolDep", "RuntimeDep", "SettingsDep"]
