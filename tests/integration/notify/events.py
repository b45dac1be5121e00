"""Events as intake, routing and sla emit them, for notify's tests."""

import uuid
from datetime import datetime, timedelta

from tests.integration.notify.conftest import T0
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import (
    EscalationTarget,
    SlaBreached,
    SlaEscalated,
    SlaWarning,
    TicketAssigned,
    TicketCreated,
)


def created(
    ticket_id: uuid.UUID,
    *,
    team: str = "network",
    priority: str = "urgent",
    language: str = "en",
    requester_email: str | None = "ada@example.com",
    watchers: tuple[str, ...] = (),
) -> Envelope:
    data = TicketCreated(
        ticket_id=ticket_id,
        priority=priority,
        team=team,
        language=language,
        required_skills=["vpn"],
        requester_id="u-1",
        subject="VPN drops every 10 minutes",
        requester_email=requester_email,
        watchers=list(watchers),
        created_at=T0,
    )
    return new_event(data, source="/tests/intake", subject=str(ticket_id), time=T0)


def assigned(
    ticket_id: uuid.UUID,
    *,
    agent_email: str = "grace@example.com",
    lead_email: str = "lead@example.com",
    team: str = "network",
) -> Envelope:
    data = TicketAssigned(
        ticket_id=ticket_id,
        agent_id=uuid.uuid4(),
        agent_name="Grace",
        team=team,
        assigned_at=T0,
        agent_email=agent_email,
        team_lead_id=uuid.uuid4(),
        team_lead_email=lead_email,
    )
    return new_event(data, source="/tests/routing", subject=str(ticket_id), time=T0)


def warning(
    ticket_id: uuid.UUID, *, team: str = "network", at: datetime = T0, policy: str = "urgent"
) -> Envelope:
    data = SlaWarning(
        ticket_id=ticket_id,
        clock_id=uuid.uuid4(),
        metric="first_response",
        policy=policy,
        priority="urgent",
        team=team,
        threshold="75%",
        due_at=at + timedelta(minutes=5),
        fired_at=at,
    )
    return new_event(data, source="/tests/sla", subject=str(ticket_id), time=at)


def breached(ticket_id: uuid.UUID, *, team: str | None = "network", at: datetime = T0) -> Envelope:
    data = SlaBreached(
        ticket_id=ticket_id,
        clock_id=uuid.uuid4(),
        metric="first_response",
        policy="urgent",
        priority="urgent",
        team=team,
        due_at=at,
        fired_at=at,
    )
    return new_event(data, source="/tests/sla", subject=str(ticket_id), time=at)


def escalated(
    ticket_id: uuid.UUID, *, level: int, targets: list[EscalationTarget], at: datetime = T0
) -> Envelope:
    data = SlaEscalated(
        ticket_id=ticket_id,
        clock_id=uuid.uuid4(),
        metric="resolution",
        policy="urgent",
        priority="urgent",
        team="network",
        level=level,
        targets=targets,
        due_at=at,
        fired_at=at,
    )
    return new_event(data, source="/tests/sla", subject=str(ticket_id), time=at)
