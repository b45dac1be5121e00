"""Dependency aliases for mail's routes."""

from typing import Annotated

from fastapi import Depends, Request

from ticketflow_common.access_tokens import Caller
from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_mail.settings import MailSettings

RuntimeDep = Annotated[Runtime[MailSettings], Depends(get_runtime)]
SettingsDep = Annotated[MailSettings, Depends(get_settings)]


async def get_caller(request: Request) -> Caller:
    """The caller the authenticator recognised (`request.state.caller`); 401 if none did."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise ProblemError(401, "a valid bearer token is required", headers=UNAUTHORIZED_HEADERS)
    return caller


async def get_admin(request: Request) -> Caller:
    """Whoever holds `MAIL_API_TOKEN` (operators: block list, quarantine); 403 for others."""
    caller = await get_caller(request)
    if caller.role != "admin":
        raise ProblemError(403, "only the service token may do this")
    return caller


AdminDep = Annotated[Caller, Depends(get_admin)]
CallerDep = Annotated[Caller, Depends(get_caller)]

__all__ = [
    "AdminDep",
    "AuditActorDep",
    "CallerDep",
    "NowDep",
    "PoolDep",
    "RuntimeDep",
    "SettingsDep",
]
