"""A small history touching every fact insights keeps, as envelopes: two tickets (one reopened,
one routed to a team its own events do not name), two agents, teams, a calendar and a clock."""
# ruff: noqa: E501  (one event a line reads as the history it is)

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
    return h
