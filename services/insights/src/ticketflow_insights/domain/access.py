"""Who sees which figures: agents their own, team leads their teams', admins everything."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

import jwt

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
SIGNING_ALGORITHM = "HS256"
MAX_VIEWER_TOKEN_HOURS = 24 * 31


def viewer_token(*, agent_id: UUID, secret: str, now: datetime, hours: float) -> str:
    """A signed token naming an agent, valid `hours` from `now`; the role is looked up when used."""
    if not 0 < hours <= MAX_VIEWER_TOKEN_HOURS:
        raise ValueError(f"hours must be in (0, {MAX_VIEWER_TOKEN_HOURS}]")
    claims = {
        "sub": str(agent_id),
        "aud": VIEWER_AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=hours)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=SIGNING_ALGORITHM)


def viewer_token_subject(*, token: str, secret: str, now: datetime) -> UUID | None:
    """The agent a well-signed, unexpired token names; None for any other token. Expiry is
    checked against the injected `now`, not the wall clock."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[SIGNING_ALGORITHM],
            audience=VIEWER_AUDIENCE,
            options={"require": ["sub", "exp", "aud"], "verify_exp": False, "verify_iat": False},
        )
        expires = claims["exp"]
        if not isinstance(expires, int | float) or expires <= now.timestamp():
            return None
        return UUID(str(claims["sub"]))
    except (jwt.InvalidTokenError, ValueError):
        return None


def viewer_of(*, agent_id: UUID, led_teams: frozenset[str]) -> Viewer:
    """A lead of the teams they lead; otherwise an agent, who sees only themself."""
    if led_teams:
        return Viewer(role="lead", agent_id=agent_id, led_teams=led_teams)
    return Viewer(role="agent", agent_id=agent_id)
