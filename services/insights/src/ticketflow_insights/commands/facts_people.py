"""Teams, agents and calendars from routing's and sla's events: newer versions win."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import AgentChanged, AgentStatusChanged, CalendarChanged, TeamChanged
from ticketflow_insights.domain.facts_calendars import holiday_dates
from ticketflow_insights.store import facts_people as store


async def ingest_team_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TeamChanged, now: datetime
) -> None:
    await store.upsert_team(
        conn=conn,
        team=event.team,
        name=event.name,
        lead_agent_id=event.lead_agent_id,
        archived=event.archived,
        version=event.version,
        changed_at=event.changed_at,
    )


async def ingest_agent_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: AgentChanged, now: datetime
) -> None:
    shifts = None if event.shifts is None else [s.model_dump(mode="json") for s in event.shifts]
    await store.upsert_agent(
        conn=conn,
        agent_id=event.agent_id,
        name=event.name,
        email=event.email,
        teams=event.teams,
        capacity=event.capacity,
        status=event.status,
        time_zone=event.time_zone,
        shifts=shifts,
        removed=event.change == "removed",
        version=event.version,
        changed_at=event.changed_at,
    )


async def ingest_agent_status(
    *, conn: asyncpg.Connection, envelope: Envelope, event: AgentStatusChanged, now: datetime
) -> None:
    await store.add_status_period(
        conn=conn, agent_id=event.agent_id, status=event.status, started_at=event.changed_at
    )


async def ingest_calendar_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: CalendarChanged, now: datetime
) -> None:
    await store.upsert_calendar(
        conn=conn,
        name=event.name,
        time_zone=event.time_zone,
        always_open=event.always_open,
        week={day: [list(span) for span in spans] for day, spans in event.week.items()},
        holidays=holiday_dates((h.first_day, h.last_day) for h in event.holidays),
        archived=event.change == "archived",
        changed_at=event.changed_at,
    )
