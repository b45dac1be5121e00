"""Dependency aliases for notify's routes."""

from typing import Annotated

from fastapi import Depends, HTTPException, status

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_common.web import PoolDep, RuntimeDep
from ticketflow_notify.channels.address_guard import AddressGuard, UnsafeAddressError
from ticketflow_notify.domain.network_policy import parse_networks
from ticketflow_notify.settings import NotifySettings


async def get_settings(runtime: RuntimeDep) -> NotifySettings:
    settings = runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings


SettingsDep = Annotated[NotifySettings, Depends(get_settings)]


async def get_guard(settings: SettingsDep) -> AddressGuard:
    return AddressGuard(allowed=parse_networks(settings.allowed_private_networks))


GuardDep = Annotated[AddressGuard, Depends(get_guard)]


async def get_clock() -> Clock:
    return system_clock


ClockDep = Annotated[Clock, Depends(get_clock)]


def invalid(field: str, message: str) -> ProblemError:
    """A 422 problem naming the body field."""
    return invalid_field(field, message)


def not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"{what} not found")


async def refuse_unsafe_url(guard: AddressGuard, url: str) -> None:
    try:
        await guard.check(url)
    except UnsafeAddressError as exc:
        raise invalid("url", str(exc)) from exc


__all__ = ["ClockDep", "GuardDep", "PoolDep", "SettingsDep", "invalid", "not_found"]
