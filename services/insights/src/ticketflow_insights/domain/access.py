"""Who sees which figures: agents their own, team leads their teams', admins everything."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from ticketflow_common.signed_tokens import read_token, sign_token

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


VIEWER_AUDIENCE = "ticketflow-insights"
MAX_VIEWER_TOKEN_HOURS = 24 * 31


def viewer_token(*, agent_id: UUID, secret: str, now: datetime, hours: float) -> str:
    """A signed token naming an agent, valid `hours` from `now`; the role is looked up when used."""
    if not 0 < hours <= MAX_VIEWER_TOKEN_HOURS:
        raise ValueError(f"hours must be in (0, {MAX_VIEWER_TOKEN_HOURS}]")
    return sign_token(
        subject=str(agent_id),
        audience=VIEWER_AUDIENCE,
        secret=secret,
        now=now,
        lifetime=timedelta(hours=hours),
    )


def viewer_token_subject(*, token: str, secret: str, now: datetime) -> UUID | None:
    """The agent a well-signed, unexpired token names; None for any other token."""
    claims = read_token(token=token, audience=VIEWER_AUDIENCE, secret=secret, now=now)
    if claims is None:
        return None
    try:
        return UUID(str(claims["sub"]))
    except ValueError:
        return None


def viewer_of(*, agent_id: UUID, led_teams: frozenset[str]) -> Viewer:
    """A lead of the teams they lead; otherwise an agent, who sees only themself."""
    if led_teams:
        return Viewer(role="lead", agent_id=agent_id, led_teams=led_teams)
    return Viewer(role="agent", agent_id=agent_id)
