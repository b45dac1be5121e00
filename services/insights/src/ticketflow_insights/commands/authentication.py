"""Who presents a bearer token: the service token is an admin; a viewer token names an agent,
whose role (lead or agent) is read from the projection at each request. The one place that
verifies credentials (OIDC, issue #17, replaces the viewer token here)."""

import secrets
from datetime import datetime
from uuid import UUID

import asyncpg
from pydantic import SecretStr

from ticketflow_common.identity import STANDALONE_ADMIN, Principal
from ticketflow_common.legacy_principals import legacy_principal
from ticketflow_insights.domain.access import (
    ADMIN,
    Viewer,
    viewer_of,
    viewer_token,
    viewer_token_subject,
)
from ticketflow_insights.store.people import led_teams
from ticketflow_insights.store.viewers import agent_is_active


async def identify(
    *,
    conn: asyncpg.Connection,
    token: str,
    service_token: SecretStr,
    viewer_secret: SecretStr | None,
    now: datetime,
) -> Viewer | None:
    """The viewer a token stands for; None for a bad, expired or unknown agent's token."""
    if secrets.compare_digest(token.encode(), service_token.get_secret_value().encode()):
        return ADMIN
    if viewer_secret is None:
        return None
    agent_id = viewer_token_subject(token=token, secret=viewer_secret.get_secret_value(), now=now)
    if agent_id is None or not await agent_is_active(conn=conn, agent_id=agent_id):
        return None
    return viewer_of(agent_id=agent_id, led_teams=await led_teams(conn=conn, agent_id=agent_id))


async def viewer_of_identity(*, conn: asyncpg.Connection, identity: Principal) -> Viewer:
    """Insights' view of a caller identity (or the service token) authenticated: an admin sees
    everything; an agent themself; a lead the teams the projection says they lead and those
    their token names; anyone else (requesters, approvers, integrators) no one's figures."""
    if identity.via == "service_token" or identity.role in ("admin", "bootstrap"):
        return ADMIN
    agent_id = identity.agent_id
    if agent_id is None:
        return Viewer(role="agent")
    if identity.role == "lead":
        teams = await led_teams(conn=conn, agent_id=agent_id)
        return viewer_of(agent_id=agent_id, led_teams=teams | {str(t) for t in identity.teams})
    return Viewer(role="agent", agent_id=agent_id)


def identity_of_viewer(viewer: Viewer) -> Principal:
    """A viewer token's caller, as every service names callers."""
    if viewer.role == "admin":
        return STANDALONE_ADMIN
    subject = str(viewer.agent_id)
    return legacy_principal(role=viewer.role, subject=subject, credential_id=None)


def issue_viewer_token(
    *, agent_id: UUID, viewer_secret: SecretStr | None, now: datetime, hours: float
) -> str:
    """A viewer token for an agent; refused while no secret is configured."""
    if viewer_secret is None:
        raise ValueError("INSIGHTS_VIEWER_TOKEN_SECRET is not set: viewer tokens are off")
    return viewer_token(
        agent_id=agent_id, secret=viewer_secret.get_secret_value(), now=now, hours=hours
    )
