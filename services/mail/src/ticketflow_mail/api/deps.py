"""Dependency aliases for mail's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_mail.settings import MailSettings

RuntimeDep = Annotated[Runtime[MailSettings], Depends(get_runtime)]
SettingsDep = Annotated[MailSettings, Depends(get_settings)]

__all__ = ["NowDep", "PoolDep", "RuntimeDep", "SettingsDep"]
