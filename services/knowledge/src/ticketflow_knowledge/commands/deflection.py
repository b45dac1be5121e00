"""Deflection figures over a window of ticket suggestions, for staff."""

from datetime import datetime

import asyncpg

from ticketflow_common.problems import invalid_field
from ticketflow_knowledge.domain.deflection import Deflection, deflection
from ticketflow_knowledge.store.suggestions import deflection_counts


async def read_deflection(
    *, conn: asyncpg.Connection, start: datetime, end: datetime
) -> Deflection:
    """Tickets suggested for in [start, end), answered, solved; the rate solved / suggested."""
    if start >= end:
        raise invalid_field("query:from", "must be before `to`")
    counts = await deflection_counts(conn=conn, start=start, end=end)
    return deflection(start=start, end=end, counts=counts)
