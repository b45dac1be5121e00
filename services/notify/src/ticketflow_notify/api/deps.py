"""Dependency aliases for notify's routes."""

from typing import Annotated, TypeVar

from fastapi import Depends, Query, Response, status

from ticketflow_common.audit_api import AuditActorDep
from ticketflow_common.authorization import PrincipalDep
from ticketflow_common.problems import not_found
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_notify.domain.ownership import Ownership, ownership_of
from ticketflow_notify.settings import NotifySettings

RuntimeDep = Annotated[Runtime[NotifySettings], Depends(get_runtime)]
SettingsDep = Annotated[NotifySettings, Depends(get_settings)]
Limit = Annotated[int, Query(ge=1, le=1000)]


async def get_ownership(principal: PrincipalDep) -> Ownership:
    """What the caller owns and sees: an integrator its own endpoints and subscriptions."""
    return ownership_of(principal)


OwnershipDep = Annotated[Ownership, Depends(get_ownership)]
T = TypeVar("T")


def found(value: T | None, what: str) -> T:
    """`value`, or a 404 "<what> not found" when the command found nothing."""
    if value is None:
        raise not_found(f"{what} not found")
    return value


def done(succeeded: bool, what: str) -> None:
    """A 404 "<what> not found" when the command had nothing to act on."""
    if not succeeded:
        raise not_found(f"{what} not found")


def deleted(succeeded: bool, what: str) -> Response:
    """204 No Content, or a 404 "<what> not found" when there was nothing to delete."""
    done(succeeded, what)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


__all__ = [
    "AuditActorDep",
    "Limit",
    "NowDep",
    "OwnershipDep",
    "PoolDep",
    "RuntimeDep",
    "SettingsDep",
    "deleted",
    "done",
    "found",
]
