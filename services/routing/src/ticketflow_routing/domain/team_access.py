"""Which agents a caller manages (#17): a lead the agents of the teams they lead, an agent
only their own status, an admin everyone."""

from collections.abc import Iterable
from uuid import UUID

from ticketflow_common.identity import Principal


def led_teams(principal: Principal) -> frozenset[str]:
    """The caller's teams as routing names them (team ids are text here)."""
    return frozenset(str(team) for team in principal.teams)


def manages_teams(principal: Principal, teams: Iterable[str]) -> bool:
    """Every one of `teams` is the caller's (a lead placing an agent in them)."""
    return principal.role == "admin" or (
        principal.role == "lead" and set(teams) <= led_teams(principal)
    )


def manages_agent(
    principal: Principal, *, agent_id: UUID, agent_teams: Iterable[str], own_too: bool = False
) -> bool:
    """A lead of one of the agent's teams; with `own_too`, the agent themself as well."""
    if principal.role == "admin" or (own_too and principal.is_agent(agent_id)):
        return True
    return principal.role == "lead" and bool(set(agent_teams) & led_teams(principal))
