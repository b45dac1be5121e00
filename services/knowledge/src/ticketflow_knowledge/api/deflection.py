"""Thin route for the deflection figures (staff)."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from ticketflow_common.input_model import Instant
from ticketflow_knowledge.api.deps import NowDep, PoolDep, StaffDep
from ticketflow_knowledge.commands.deflection import read_deflection
from ticketflow_knowledge.domain.deflection import Deflection

router = APIRouter(tags=["suggestions"])


@router.get("/deflection")
async def get_deflection(
    staff: StaffDep,
    pool: PoolDep,
    now: NowDep,
    start: Annotated[
        Instant | None, Query(alias="from", description="Default: 30 days before `to`.")
    ] = None,
    end: Annotated[Instant | None, Query(alias="to", description="Exclusive; default now.")] = None,
) -> Deflection:
    """Of the tickets suggestions were made for in the window: how many something was found
    for, answered, solved (deflections), and the rate; per item kind too."""
    del staff
    end = end or now
    start = start or end - timedelta(days=30)
    async with pool.acquire() as conn:
        return await read_deflection(conn=conn, start=start, end=end)
