"""Dependency aliases for SLA's routes."""

from typing import Annotated

from fastapi import Depends, Path

from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_sla.domain.policies import NAME_PATTERN
from ticketflow_sla.settings import SlaSettings

RuntimeDep = Annotated[Runtime[SlaSettings], Depends(get_runtime)]
SettingsDep = Annotated[SlaSettings, Depends(get_settings)]
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=NAME_PATTERN)]
"""The name of a policy, an escalation policy or a calendar in a path."""

__all__ = ["AuditActorDep", "Name", "NowDep", "PoolDep", "RuntimeDep", "SettingsDep"]
