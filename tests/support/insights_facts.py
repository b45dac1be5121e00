"""A small history touching every fact insights keeps, as envelopes: two tickets (one reopened,
one routed to a team its own events do not name), two agents, teams, a calendar and a clock."""
# ruff: noqa: E501  (one event a line reads as the history it is)

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import (
    AgentChanged,
    AgentStatusChanged,
    CalendarChanged,
    CalendarHoliday,
    SlaBreached,
    SlaMet,
    SlaPaused,
    SlaResumed,
    SlaStarted,
    SlaWarning,
    TeamChanged,
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketFeedbackReceived,
    TicketQueued,
    TicketStatusChanged,
    TicketUnassigned,
    TicketUpdated,
    WeeklyShift,
)

FACTS_TABLES = (
    "tickets",
    "arrivals",
    "ticket_status_dwell",
    "ticket_status_changes",
    "ticket_ownership_changes",
    "agents",
    "agent_status_periods",
    "teams",
    "calendars",
    "sla_clocks",
)
"""Every table the facts' handlers fill: what a rebuild must reproduce."""


@dataclass
class FactsHistory:
    """Builds the envelopes; the instants are minutes after `start`."""

    start: datetime
    envelopes: list[Envelope] = field(default_factory=list)
    versions: dict[uuid.UUID, int] = field(default_factory=dict)
    agent_a: uuid.UUID = field(default_factory=uuid.uuid4)
    agent_b: uuid.UUID = field(default_factory=uuid.uuid4)
    reopened: uuid.UUID = field(default_factory=uuid.uuid4)
    routed: uuid.UUID = field(default_factory=uuid.uuid4)
    clock_id: uuid.UUID = field(default_factory=uuid.uuid4)
    paused_clock_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def at(self, minutes: float) -> datetime:
        return self.start + timedelta(minutes=minutes)

    def add(self, data: EventData, minutes: float) -> None:
        key = getattr(data, "ticket_id", None) or getattr(data, "agent_id", None) or "key"
        self.envelopes.append(
            new_event(data, source="/tests", subject=str(key), time=self.at(minutes))
        )

    def facts(self, ticket_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
        """The ticket's facts at its next version."""
        self.versions[ticket_id] = self.versions.get(ticket_id, 0) + 1
        base: dict[str, Any] = {
            "ticket_id": ticket_id,
            "priority": "high",
            "team": "network" if ticket_id == self.reopened else None,
            "category": "vpn" if ticket_id == self.reopened else None,
            "channel": "web" if ticket_id == self.reopened else "email",
            "required_skills": [],
            "requester_id": "u-1",
        }
        return {**base, **changes, "version": self.versions[ticket_id]}


def facts_history(start: datetime) -> FactsHistory:
    """The history; see `tests/integration/insights/test_facts_ingest.py` for what it makes."""
    h = FactsHistory(start=start)
    a, b, t = h.agent_a, h.agent_b, h.reopened
    h.add(TicketCreated(**h.facts(t), subject="VPN", created_at=h.at(0)), 0)
    h.add(TicketAssigned(ticket_id=t, agent_id=a, agent_name="A", team="network", assigned_at=h.at(2)), 2)  # fmt: skip
    h.add(TicketStatusChanged(**h.facts(t, status="open"), previous_status="new", actor_id="system", actor_role="system", changed_at=h.at(5)), 5)  # fmt: skip
    h.add(TicketCommented(**h.facts(t, status="open"), comment_id=uuid.uuid4(), author_id=str(a), author_role="agent", public=True, first_response=True, commented_at=h.at(10)), 10)  # fmt: skip
    h.add(TicketUpdated(**h.facts(t, status="open", priority="urgent"), changed=["priority"], actor_id=str(a), updated_at=h.at(15)), 15)  # fmt: skip
    h.add(TicketStatusChanged(**h.facts(t, status="in_progress", priority="urgent"), previous_status="open", actor_id=str(a), actor_role="agent", changed_at=h.at(20)), 20)  # fmt: skip
    h.add(TicketUnassigned(ticket_id=t, agent_id=a, team="network", reason="agent_offline", unassigned_at=h.at(30)), 30)  # fmt: skip
    h.add(TicketAssigned(ticket_id=t, agent_id=b, agent_name="B", team="network", assigned_at=h.at(30)), 30)  # fmt: skip
    h.add(TicketCommented(**h.facts(t, status="in_progress", priority="urgent"), comment_id=uuid.uuid4(), author_id=str(b), author_role="agent", public=True, first_response=False, commented_at=h.at(50)), 50)  # fmt: skip
    h.add(TicketCommented(**h.facts(t, status="in_progress", priority="urgent"), comment_id=uuid.uuid4(), author_id=str(b), author_role="agent", public=False, first_response=False, commented_at=h.at(55)), 55)  # fmt: skip
    h.add(TicketStatusChanged(**h.facts(t, status="resolved", priority="urgent", assignee_id=b), previous_status="in_progress", actor_id=str(b), actor_role="agent", changed_at=h.at(60)), 60)  # fmt: skip
    h.add(TicketFeedbackReceived(**h.facts(t, status="resolved", priority="urgent"), rating=2, received_at=h.at(70)), 70)  # fmt: skip
    h.add(TicketStatusChanged(**h.facts(t, status="open", priority="urgent"), previous_status="resolved", actor_id="u-1", actor_role="requester", reopened=True, changed_at=h.at(120)), 120)  # fmt: skip
    h.add(TicketStatusChanged(**h.facts(t, status="resolved", priority="urgent"), previous_status="open", actor_id=str(b), actor_role="agent", changed_at=h.at(150)), 150)  # fmt: skip
    h.add(TicketFeedbackReceived(**h.facts(t, status="resolved", priority="urgent"), rating=5, received_at=h.at(160)), 160)  # fmt: skip

    r = h.routed
    h.add(TicketCreated(**h.facts(r), subject="Mail", created_at=h.at(1)), 1)
    h.add(TicketQueued(ticket_id=r, required_skills=[], reason="no agent", queued_at=h.at(1), team="apps", position=3), 1)  # fmt: skip
    h.add(TicketAssigned(ticket_id=r, agent_id=a, agent_name="A", team="apps", assigned_at=h.at(40), reason="queue"), 40)  # fmt: skip

    shift = WeeklyShift(days=["mon", "tue"], start=time(8), end=time(16))
    h.add(AgentChanged(agent_id=a, name="A", change="created", version=1, teams=["network"], capacity=3, status="offline", shifts=[shift], changed_at=h.at(-60)), -60)  # fmt: skip
    h.add(AgentChanged(agent_id=a, name="Ann", change="updated", version=2, teams=["network", "apps"], capacity=4, status="offline", shifts=[shift], changed_at=h.at(-30)), -30)  # fmt: skip
    h.add(AgentStatusChanged(agent_id=a, team="network", previous_status="offline", status="online", changed_at=h.at(-10)), -10)  # fmt: skip
    h.add(AgentStatusChanged(agent_id=a, team="network", previous_status="online", status="away", changed_at=h.at(30)), 30)  # fmt: skip
    h.add(AgentChanged(agent_id=b, name="B", change="created", version=1, teams=["network"], capacity=2, status="online", changed_at=h.at(-5)), -5)  # fmt: skip
    h.add(TeamChanged(team="network", name="Network", change="created", archived=False, version=1, changed_at=h.at(-60)), -60)  # fmt: skip
    h.add(TeamChanged(team="network", name="Network & VPN", change="updated", archived=False, version=2, lead_agent_id=b, changed_at=h.at(-50)), -50)  # fmt: skip
    holiday = CalendarHoliday(first_day=date(2025, 12, 24), last_day=date(2025, 12, 26))
    h.add(CalendarChanged(name="default", change="created", time_zone="Europe/Berlin", week={"mon": [("09:00", "17:00")]}, changed_at=h.at(-100)), -100)  # fmt: skip
    h.add(CalendarChanged(name="default", change="updated", time_zone="Europe/Berlin", week={"mon": [("08:00", "18:00")]}, holidays=[holiday], changed_at=h.at(-90)), -90)  # fmt: skip

    c = {"ticket_id": t, "clock_id": h.clock_id, "metric": "first_response", "policy": "urgent", "team": "network", "priority": "high"}  # fmt: skip
    h.add(SlaStarted(**c, target_seconds=300, started_at=h.at(0), due_at=h.at(5)), 0)
    h.add(SlaWarning(**c, threshold="50%", due_at=h.at(5), fired_at=h.at(2.5)), 2.5)
    h.add(SlaBreached(**c, due_at=h.at(5), fired_at=h.at(5)), 5)
    h.add(SlaMet(**c, due_at=h.at(5), met_at=h.at(10), business_seconds_used=600), 10)
    rc = {**c, "clock_id": h.paused_clock_id, "metric": "resolution"}
    h.add(SlaStarted(**rc, target_seconds=14400, started_at=h.at(0), due_at=h.at(240)), 0)
    h.add(SlaPaused(**rc, reason="waiting_on_customer", paused_at=h.at(20)), 20)
    h.add(SlaResumed(**rc, resumed_at=h.at(30), due_at=h.at(250)), 30)
    h.add(SlaPaused(**rc, reason="waiting_on_customer", paused_at=h.at(40)), 40)
    return h


class _Versions:
    """A ticket's facts at its next version on every call."""

    def __init__(self, dims: dict[str, Any]) -> None:
        self.dims = dims
        self.version = 0

    def __call__(self, **changes: Any) -> dict[str, Any]:
        self.version += 1
        return {**self.dims, **changes, "version": self.version}


def synthetic_events(
    start: datetime, *, tickets: int, agents: int = 20, seed: int = 7
) -> list[Envelope]:
    """A seeded history of `tickets` tickets: created, queued or assigned, opened, answered,
    perhaps reassigned, resolved, rated, some reopened; agents flip statuses; SLA clocks run.
    Envelopes are in publication order, each ticket's routing and SLA events on their topics."""
    rng = random.Random(seed)
    agent_ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(agents)]
    teams = ["network", "apps", "billing", "hardware"]
    out: list[tuple[datetime, Envelope]] = []

    def add(data: EventData, at: datetime, key: uuid.UUID) -> None:
        envelope = Envelope(
            id=uuid.UUID(int=rng.getrandbits(128)),
            source="/bench",
            type=data.event_type,
            time=at,
            subject=str(key),
            data=data.model_dump(mode="json"),
        )
        out.append((at, envelope))

    for n, agent in enumerate(agent_ids):
        add(AgentChanged(agent_id=agent, name=f"Agent {n}", change="created", version=1, teams=[teams[n % len(teams)]], capacity=5, status="online", changed_at=start), start, agent)  # fmt: skip
    for n in range(tickets):
        ticket = uuid.UUID(int=rng.getrandbits(128))
        at = start + timedelta(seconds=n * 7 + rng.random() * 5)
        team: str | None = teams[n % len(teams)] if n % 5 else None
        dims: dict[str, Any] = {"ticket_id": ticket, "priority": rng.choice(["low", "normal", "high", "urgent"]), "team": team, "category": rng.choice([None, "vpn", "mail"]), "channel": rng.choice(["web", "email", "chat"]), "required_skills": [], "requester_id": f"u-{n % 97}"}  # fmt: skip
        facts = _Versions(dims)
        add(TicketCreated(**facts(), subject="s", created_at=at), at, ticket)
        clock = uuid.UUID(int=rng.getrandbits(128))
        sla = {"ticket_id": ticket, "clock_id": clock, "metric": "first_response", "policy": "standard", "team": team}  # fmt: skip
        add(SlaStarted(**sla, target_seconds=1800, started_at=at, due_at=at + timedelta(minutes=30)), at, ticket)  # fmt: skip
        owner = rng.choice(agent_ids)
        routed = at + timedelta(seconds=rng.randint(1, 600))
        if rng.random() < 0.3:
            add(TicketQueued(ticket_id=ticket, required_skills=[], reason="busy", queued_at=at, team=team, position=rng.randint(1, 9)), at, ticket)  # fmt: skip
        add(TicketAssigned(ticket_id=ticket, agent_id=owner, agent_name="a", team=team or "apps", assigned_at=routed), routed, ticket)  # fmt: skip
        opened = routed + timedelta(seconds=rng.randint(1, 300))
        add(TicketStatusChanged(**facts(status="open"), previous_status="new", actor_id=str(owner), actor_role="agent", changed_at=opened), opened, ticket)  # fmt: skip
        answered = opened + timedelta(seconds=rng.randint(1, 3600))
        add(TicketCommented(**facts(status="open"), comment_id=uuid.UUID(int=rng.getrandbits(128)), author_id=str(owner), author_role="agent", public=True, first_response=True, commented_at=answered), answered, ticket)  # fmt: skip
        if answered - at < timedelta(minutes=30):
            add(SlaMet(**sla, due_at=at + timedelta(minutes=30), met_at=answered), answered, ticket)  # fmt: skip
        else:
            add(SlaBreached(**sla, due_at=at + timedelta(minutes=30), fired_at=at + timedelta(minutes=30)), at + timedelta(minutes=30), ticket)  # fmt: skip
        if rng.random() < 0.2:
            moved = answered + timedelta(seconds=30)
            add(TicketUnassigned(ticket_id=ticket, agent_id=owner, team=team, reason="agent_away", unassigned_at=moved), moved, ticket)  # fmt: skip
            owner = rng.choice(agent_ids)
            add(TicketAssigned(ticket_id=ticket, agent_id=owner, agent_name="b", team=team or "apps", assigned_at=moved), moved, ticket)  # fmt: skip
        if rng.random() < 0.8:
            resolved = answered + timedelta(seconds=rng.randint(60, 20000))
            add(TicketStatusChanged(**facts(status="resolved", assignee_id=owner), previous_status="open", actor_id=str(owner), actor_role="agent", changed_at=resolved), resolved, ticket)  # fmt: skip
            if rng.random() < 0.5:
                rated = resolved + timedelta(seconds=600)
                add(TicketFeedbackReceived(**facts(status="resolved"), rating=rng.randint(1, 5), received_at=rated), rated, ticket)  # fmt: skip
            if rng.random() < 0.1:
                reopened = resolved + timedelta(seconds=3000)
                add(TicketStatusChanged(**facts(status="open"), previous_status="resolved", actor_id="u", actor_role="requester", reopened=True, changed_at=reopened), reopened, ticket)  # fmt: skip
        if n % 50 == 0:
            agent = rng.choice(agent_ids)
            add(AgentStatusChanged(agent_id=agent, team="apps", previous_status="online", status=rng.choice(["online", "away", "offline"]), changed_at=at), at, agent)  # fmt: skip
    out.sort(key=lambda pair: pair[0])
    return [envelope for _, envelope in out]
