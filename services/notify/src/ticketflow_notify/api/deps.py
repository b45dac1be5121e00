"""Dependency aliases for notify's routes."""

from typing import Annotated, TypeVar

from fastapi import Depends

from ticketflow_common.problems import invalid_field, not_found
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_notify.commands.channels.address_guard import AddressGuard, UnsafeAddressError
from ticketflow_notify.settings import NotifySettings

RuntimeDep = Annotated[Runtime[NotifySettings], Depends(get_runtime)]
SettingsDep = Annotated[NotifySettings, Depends(get_settings)]
T = TypeVar("T")


async def get_guard(settings: SettingsDep) -> AddressGuard:
    return AddressGuard(allowed=settings.allowed_networks())


GuardDep = Annotated[AddressGuard, Depends(get_guard)]


def found(value: T | None, what: str) -> T:
    """`value`, or a 404 "<what> not found" when the command found nothing."""
    if value is None:
        raise not_found(f"{what} not found")
    return value


def done(succeeded: bool, what: str) -> None:
    """A 404 "<what> not found" when the command had nothing to act on."""
    if not succeeded:
        raise not_found(f"{what} not found")


async def refuse_unsafe_url(guard: AddressGuard, url: str) -> None:
    """Input validation before any command runs: the URL must not resolve to a private,
    loopback or link-local address (422 naming `url`)."""
    try:
        await guard.check(url)
    except UnsafeAddressError as exc:
        raise invalid_field("url", str(exc)) from exc


__all__ = [
    "GuardDep",
    "NowDep",
    "PoolDep",
    "RuntimeDep",
    "SettingsDep",
    "done",
    "found",
]
