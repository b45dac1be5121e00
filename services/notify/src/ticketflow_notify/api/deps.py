"""Dependency aliases for notify's routes."""

from typing import Annotated, TypeVar

from fastapi import Depends

from ticketflow_common.problems import not_found
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_notify.settings import NotifySettings

RuntimeDep = Annotated[Runtime[NotifySettings], Depends(get_runtime)]
SettingsDep = Annotated[NotifySettings, Depends(get_settings)]
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


__all__ = [
    "NowDep",
    "PoolDep",
    "RuntimeDep",
    "SettingsDep",
    "done",
    "found",
]
