"""Whom insights' events (and routing's agent events) reach and what subscriptions filter them
by: pure rules, no I/O."""

import uuid
from datetime import UTC, datetime

from ticketflow_common.events import (
    AgentChanged,
    CalendarChanged,
    ReportPublished,
    SlaAtRisk,
    StaffingGapForecast,
)
from ticketflow_notify.domain.targets import (
    Route,
    addressed_emails,
    addressed_routes,
    email_target,
    facts_of,
    role_addresses,
)
from ticketflow_notify.domain.tickets import TicketProjection, ticket_id_of

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def gap(lead: str | None = "Lead@Example.com") -> StaffingGapForecast:
    return StaffingGapForecast(
        gap_id=uuid.uuid4(),
        team="network",
        starts_at=NOW,
        ends_at=NOW,
        interval_minutes=30,
        forecast_arrivals=10,
        required_agents=3,
        scheduled_agents=1,
        shortfall=2,
        service_level_target=0.8,
        answer_within_seconds=60,
        team_lead_email=lead,
        forecast_at=NOW,
    )


def report(recipients: list[str], team: str | None = None) -> ReportPublished:
    return ReportPublished(
        report_id=uuid.uuid4(),
        kind="weekly",
        team=team,
        period_start=NOW,
        period_end=NOW,
        title="t",
        recipients=recipients,
        published_at=NOW,
    )


def at_risk(assignee: str | None) -> SlaAtRisk:
    return SlaAtRisk(
        ticket_id=uuid.uuid4(),
        metric="resolution",
        team="billing",
        priority="high",
        assignee_email=assignee,
        team_lead_email="boss@example.com",
        probability=0.9,
        threshold=0.5,
        due_at=NOW,
        assessed_at=NOW,
    )


def test_the_people_an_insights_event_names_are_mailed_once_each() -> None:
    assert addressed_emails(gap()) == ["lead@example.com"]
    assert addressed_emails(gap(lead=None)) == []
    assert addressed_emails(report(["a@example.com", "A@example.com ", "nobody", ""])) == [
        "a@example.com"
    ]
    assert addressed_emails(at_risk("g@example.com")) == ["g@example.com"]
    assert addressed_emails(at_risk(None)) == []


def test_a_subscription_route_to_the_same_person_is_not_doubled() -> None:
    taken = Route(
        channel="email",
        target=email_target("lead@example.com"),
        endpoint_id=None,
        address="lead@example.com",
        digest_seconds=600,
        subscription_id=uuid.uuid4(),
    )
    assert addressed_routes(gap(), taken=[taken]) == []
    [direct] = addressed_routes(gap(), taken=[])
    assert (direct.target, direct.digest_seconds, direct.subscription_id) == (
        "email:lead@example.com",
        None,
        None,
    )


def test_roles_resolve_from_what_the_event_names_before_the_ticket() -> None:
    ticket = TicketProjection(
        ticket_id=uuid.uuid4(), assignee_email="old@example.com", team_lead_email="l@example.com"
    )
    event = at_risk("new@example.com")
    assert role_addresses("assignee", event=event, ticket=ticket) == ["new@example.com"]
    assert role_addresses("team_lead", event=event, ticket=ticket) == ["boss@example.com"]
    assert role_addresses("assignee", event=at_risk(None), ticket=ticket) == ["old@example.com"]
    leads = role_addresses(
        "team_lead", event=report(["x@example.com", "y@example.com"]), ticket=None
    )
    assert leads == ["x@example.com", "y@example.com"]
    assert role_addresses("team_lead", event=gap(), ticket=None) == ["Lead@Example.com"]


def test_subscriptions_filter_these_events_by_their_team_and_priority() -> None:
    risk = at_risk(None)
    assert ticket_id_of(risk) == risk.ticket_id
    facts = facts_of(risk, ticket=None)
    assert (facts.event_type, facts.team, facts.priority) == ("sla.at_risk", "billing", "high")
    assert facts_of(gap(), ticket=None).team == "network"
    assert facts_of(report([], team="network"), ticket=None).team == "network"
    assert facts_of(report([]), ticket=None).team is None
    agent = AgentChanged(
        agent_id=uuid.uuid4(),
        name="Grace",
        change="created",
        version=1,
        teams=["net", "vpn"],
        capacity=2,
        status="online",
        changed_at=NOW,
    )
    assert facts_of(agent, ticket=None).team == "net"
    calendar = CalendarChanged(name="office", change="created", time_zone="UTC", changed_at=NOW)
    assert facts_of(calendar, ticket=None).team is None
    assert ticket_id_of(calendar) is None
