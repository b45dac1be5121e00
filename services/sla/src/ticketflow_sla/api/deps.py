"""Dependency aliases for SLA's routes."""

from typing import Annotated

from fastapi import Depends

from ticketflow_common.clock import Clock, system_clock
from ticketflow_common.web import PoolDep


async def get_clock() -> Clock:
    """Overridden in tests to move time without waiting."""
    return system_clock


ClockDep = Annotated[Clock, Depends(get_clock)]

__all__ = ["ClockDep", "PoolDep"]
