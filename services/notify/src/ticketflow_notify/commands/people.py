"""Routing's agent and team events keep notify's view of who is in which team and who leads
it (for rules' `team:<key>` and `team_lead` targets); then they fan out as every event."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.event_table import EventCommand
from ticketflow_common.events import AgentChanged, TeamChanged
from ticketflow_notify.store.people import apply_agent_changed, apply_team_changed


async def on_people_event(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: AgentChanged | TeamChanged,
    now: datetime,
    fan_out: EventCommand,
) -> None:
    if isinstance(event, AgentChanged):
        await apply_agent_changed(conn=conn, event=event)
    else:
        await apply_team_changed(conn=conn, event=event)
    await fan_out(conn=conn, envelope=envelope, event=event, now=now)
