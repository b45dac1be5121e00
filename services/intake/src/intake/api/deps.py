"""Dependency aliases for intake's routes."""

from typing import Annotated

from fastapi import Depends

from intake.settings import IntakeSettings
from ticketflow_common.web import PoolDep, RuntimeDep


def get_settings(runtime: RuntimeDep) -> IntakeSettings:
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    return settings


SettingsDep = Annotated[IntakeSettings, Depends(get_settings)]

__all__ = ["PoolDep", "RuntimeDep", "SettingsDep"]
