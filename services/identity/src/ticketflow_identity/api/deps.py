"""Dependency aliases for identity's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_identity.settings import IdentitySettings

RuntimeDep = Annotated[Runtime[IdentitySettings], Depends(get_runtime)]
SettingsDep = Annotated[IdentitySettings, Depends(get_settings)]

__all__ = ["NowDep", "PoolDep", "RuntimeDep", "SettingsDep"]
