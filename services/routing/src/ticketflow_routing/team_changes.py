"""Changes to teams, each announced as `team.changed` (key: team id) through the outbox."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import new_event
from ticketflow_common.events import TeamChanged
from ticketflow_common.events.routing import TeamChange
from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.problems import invalid_field
from ticketflow_routing.domain.teams import Team
from ticketflow_routing.domain.tickets import DONE
from ticketflow_routing.store.agents import get_agent
from ticketflow_routing.store.teams import (
    archive_team,
    archived_among,
    ensure_teams,
    lock_team,
    put_team,
)
from ticketflow_routing.store.teams import team_usages as _team_usages

SOURCE = "/ticketflow/routing"


async def announce(
    *, conn: asyncpg.Connection, team: Team, change: TeamChange, now: datetime
) -> None:
    data = TeamChanged(
        team=team.id,
        name=team.name,
        change=change,
        archived=team.archived_at is not None,
        version=team.version,
        changed_at=now,
        lead_agent_id=team.lead_agent_id,
        strategy=team.strategy,
    )
    event = new_event(data, source=SOURCE, subject=team.id, time=now)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=team.id)


async def change_team(
    *,
    conn: asyncpg.Connection,
    team_id: str,
    name: str,
    lead_agent_id: UUID | None,
    strategy: str,
    now: datetime,
) -> Team:
    """Create or change the team (an archived one comes back); the lead must be a live agent."""
    if lead_agent_id is not None:
        lead = await get_agent(conn=conn, agent_id=lead_agent_id)
        if lead is None or lead.archived_at is not None:
            raise invalid_field("lead_agent_id", f"agent {lead_agent_id} does not exist")
    team, created = await put_team(
        conn=conn, team_id=team_id, name=name, lead_agent_id=lead_agent_id, strategy=strategy
    )
    await announce(conn=conn, team=team, change="created" if created else "updated", now=now)
    return team


async def join_teams(
    *, conn: asyncpg.Connection, team_ids: list[str], field: str, now: datetime
) -> None:
    """Memberships name live teams; teams named for the first time are created and announced."""
    archived = await archived_among(conn=conn, team_ids=team_ids)
    if archived:
        raise invalid_field(field, f"team {archived[0]!r} is archived")
    for team in await ensure_teams(conn=conn, team_ids=team_ids):
        await announce(conn=conn, team=team, change="created", now=now)


async def retire_team(*, conn: asyncpg.Connection, team_id: str, now: datetime) -> Team | None:
    """Archive the team unless live agents are members or tickets are still worked there
    (409 naming them); None when there is no live team of that id."""
    if await lock_team(conn=conn, team_id=team_id) is None:
        return None
    refuse_if_used(
        f"team {team_id!r}", await _team_usages(conn=conn, team_id=team_id, done_statuses=DONE)
    )
    team = await archive_team(conn=conn, team_id=team_id, now=now)
    await announce(conn=conn, team=team, change="archived", now=now)
    return team
