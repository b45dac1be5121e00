"""Who sees which figures: agents their own, team leads their teams', admins everything."""

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

ViewerRole = Literal["admin", "lead", "agent"]


@dataclass(frozen=True)
class Viewer:
    """The authenticated caller of insights' API."""

    role: ViewerRole
    agent_id: UUID | None = None
    led_teams: frozenset[str] = frozenset()

    def may_see_team(self, team: str) -> bool:
        return self.role == "admin" or team in self.led_teams

    def may_see_agent(self, agent_id: UUID, agent_teams: frozenset[str]) -> bool:
        """An agent sees themself; a lead the agents of a team they lead; an admin anyone."""
        if self.role == "admin" or agent_id == self.agent_id:
            return True
        return bool(self.led_teams & agent_teams)


ADMIN = Viewer(role="admin")
"""Whoever presents the service's `INSIGHTS_API_TOKEN`: operators and the CLI."""
