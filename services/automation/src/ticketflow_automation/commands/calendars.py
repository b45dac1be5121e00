"""Calendars from sla's `calendar.changed`: what business minutes of time-based rules count in."""

from datetime import datetime

import asyncpg

from ticketflow_automation.store.calendars import upsert_calendar
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import CalendarChanged


async def project_calendar(
    *, conn: asyncpg.Connection, envelope: Envelope, event: CalendarChanged, now: datetime
) -> None:
    del envelope, now
    await upsert_calendar(conn=conn, event=event)
