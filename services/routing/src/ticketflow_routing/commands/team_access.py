"""403 for an agent the caller does not manage; 404 for one that does not exist."""

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from ticketflow_common.identity import Principal
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_routing.commands.agents import live_agent
from ticketflow_routing.domain.team_access import manages_agent, manages_teams


async def refuse_unless_manages(
    *, conn: asyncpg.Connection, principal: Principal, agent_id: UUID, own_too: bool = False
) -> None:
    if own_too and principal.is_agent(agent_id):
        return
    agent = await live_agent(conn=conn, agent_id=agent_id)
    if agent is None:
        raise not_found(f"agent {agent_id} not found")
    if not manages_agent(principal, agent_id=agent_id, agent_teams=agent.teams, own_too=own_too):
        raise ProblemError(
            403,
            f"agent {agent_id} is in none of the caller's teams",
            role=principal.role,
        )


def refuse_unless_teams(principal: Principal, teams: Iterable[str]) -> None:
    """A lead places agents only in teams they lead."""
    wanted = sorted(set(teams))
    if not manages_teams(principal, wanted):
        raise ProblemError(
            403, f"the caller leads not all of the teams {wanted}", role=principal.role
        )
