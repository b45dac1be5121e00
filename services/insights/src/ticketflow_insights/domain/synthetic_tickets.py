"""One team's tickets of the demo history, from arrival to close: a single FIFO queue served by
the agents on shift, SLA clocks that warn, breach or are met, replies, reopens and ratings."""

import bisect
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import AgentStatus, TicketStatus
from ticketflow_common.events.routing import (
    AgentStatusChanged,
    TicketAssigned,
    TicketQueued,
    WeeklyShift,
)
from ticketflow_common.events.sla import Metric, SlaBreached, SlaMet, SlaStarted, SlaWarning
from ticketflow_common.events.tickets import (
    TicketCommented,
    TicketCreated,
    TicketFeedbackReceived,
    TicketStatusChanged,
)
from ticketflow_insights.domain.synthetic_desk import (
    CHANNEL_MIX,
    FIRST_RESPONSE_SECONDS,
    PRIORITY_MIX,
    RATING_MIX,
    RESOLUTION_SECONDS,
    WARNING_SHARE,
    TeamProfile,
)

WAITING_SHARE = 0.3
REOPEN_SHARE = 0.06
FEEDBACK_SHARE = 0.55
CLOSE_AFTER = timedelta(days=3)
SECOND = timedelta(seconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Window(NamedTuple):
    start: datetime
    end: datetime


@dataclass
class SimAgent:
    agent_id: UUID
    name: str
    email: str
    shifts: tuple[WeeklyShift, ...]
    windows: list[Window]
    free_at: datetime
    window_ends: list[datetime] = field(default_factory=list)

    def available_from(self, at: datetime) -> datetime | None:
        """The first instant at or after `at` (and after their last ticket) they can answer."""
        at = max(at, self.free_at)
        index = bisect.bisect_right(self.window_ends, at)
        if index >= len(self.windows):
            return None
        return max(at, self.windows[index].start)


@dataclass
class _Ticket:
    ticket_id: UUID
    profile: TeamProfile
    priority: str
    channel: str
    category: str
    language: str
    requester_id: str
    status: TicketStatus = "open"
    assignee_id: UUID | None = None
    version: int = 1

    def facts(self) -> dict[str, object]:
        return {
            "ticket_id": self.ticket_id,
            "status": self.status,
            "priority": self.priority,
            "category": self.category,
            "team": self.profile.team,
            "channel": self.channel,
            "language": self.language,
            "required_skills": [self.category],
            "requester_id": self.requester_id,
            "assignee_id": self.assignee_id,
            "version": self.version,
        }


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def _pick(rng: random.Random, mix: Sequence[tuple[object, float]]) -> object:
    return rng.choices([value for value, _ in mix], weights=[w for _, w in mix])[0]


class TicketSimulation:
    """Plays one team's tickets in arrival order; `add` receives every event it makes."""

    def __init__(
        self,
        *,
        rng: random.Random,
        profile: TeamProfile,
        windows: list[list[Window]],
        add: Callable[[datetime, EventData], None],
    ) -> None:
        self.rng = rng
        self.profile = profile
        self.add = add
        self.waiting: list[datetime] = []  # when each queued ticket gets an owner
        self.agents = []
        for index, (name, shifts) in enumerate(
            zip(profile.agent_names, profile.agent_shifts, strict=True)
        ):
            agent_id = _uuid(rng)
            email = f"agent{index + 1}.{agent_id.hex[:6]}@example.com"
            agent = SimAgent(agent_id, name, email, shifts, windows[index], EPOCH)
            agent.window_ends = [w.end for w in agent.windows]
            agent.free_at = windows[index][0].start if windows[index] else agent.free_at
            self.agents.append(agent)

    def status(self, agent: SimAgent, at: datetime, previous: str, status: str) -> None:
        previous_status: AgentStatus = "online" if previous == "online" else "offline"
        new_status: AgentStatus = "online" if status == "online" else "offline"
        self.add(
            at,
            AgentStatusChanged(
                agent_id=agent.agent_id, team=self.profile.team, previous_status=previous_status,
                status=new_status, changed_at=at,
            ),
        )  # fmt: skip

    def _ticket_event(
        self, ticket: _Ticket, at: datetime, model: type[EventData], **extra: object
    ) -> None:
        ticket.version += 1
        self.add(at, model.model_validate({**ticket.facts(), **extra}))

    def _set_status(
        self, ticket: _Ticket, at: datetime, status: TicketStatus, actor: str, role: str,
        reopened: bool = False,
    ) -> None:  # fmt: skip
        previous = ticket.status
        ticket.status = status
        self._ticket_event(
            ticket, at, TicketStatusChanged, previous_status=previous, actor_id=actor,
            actor_role=role, reopened=reopened, changed_at=at,
        )  # fmt: skip

    def ticket(self, created_at: datetime) -> None:
        rng, profile = self.rng, self.profile
        category = rng.choice(profile.categories)
        chinese = rng.random() < profile.chinese_share
        subject = rng.choice(category.subjects_zh if chinese else category.subjects_en)
        ticket = _Ticket(
            ticket_id=_uuid(rng), profile=profile, priority=str(_pick(rng, PRIORITY_MIX)),
            channel=str(_pick(rng, CHANNEL_MIX)), category=category.key,
            language="zh" if chinese else "en", requester_id=f"user-{rng.randrange(600)}",
        )  # fmt: skip
        self.add(
            created_at,
            TicketCreated.model_validate(
                {**ticket.facts(), "subject": subject, "created_at": created_at,
                 "requester_email": f"{ticket.requester_id}@example.com"}
            ),
        )  # fmt: skip
        first_clock = self._start_clock(ticket, "first_response", created_at, 1)
        resolution_clock = self._start_clock(ticket, "resolution", created_at, 1)
        agent, answered_from = self._owner(created_at)
        if agent is None or answered_from is None:
            return  # nobody works here again before the history ends: it stays open
        queued_at = created_at + 2 * SECOND
        if answered_from > queued_at + 5 * SECOND:
            self.waiting = [t for t in self.waiting if t > created_at]
            self.add(
                queued_at,
                TicketQueued(
                    ticket_id=ticket.ticket_id, required_skills=[category.key],
                    reason="no_eligible_agent", queued_at=queued_at, team=profile.team,
                    priority=ticket.priority, position=len(self.waiting) + 1,
                ),
            )  # fmt: skip
            self.waiting.append(answered_from)
            reason = "queue"
        else:
            answered_from = queued_at
            reason = "new"
        ticket.assignee_id = agent.agent_id
        self._assign(ticket, agent, answered_from, reason)
        self._set_status(
            ticket, answered_from + SECOND, "in_progress", str(agent.agent_id), "agent"
        )
        answered = answered_from + timedelta(
            seconds=max(60.0, rng.expovariate(1 / (profile.mean_answer_minutes * 60)))
        )
        agent.free_at = answered
        self._comment(ticket, answered, str(agent.agent_id), "agent", first_response=True)
        breached = self._settle(ticket, first_clock, answered)
        last = answered
        if rng.random() < WAITING_SHARE:
            self._set_status(ticket, last + 30 * SECOND, "waiting_on_customer", str(agent.agent_id),
                             "agent")  # fmt: skip
            last += timedelta(seconds=30 + rng.expovariate(1 / (5 * 3600)))
            self._comment(ticket, last, ticket.requester_id, "requester")
            self._set_status(ticket, last + SECOND, "in_progress", ticket.requester_id, "requester")
        resolved = self._resolve(ticket, agent, last)
        breached |= self._settle(ticket, resolution_clock, resolved)
        if rng.random() < REOPEN_SHARE:
            reopened = resolved + timedelta(seconds=600 + rng.expovariate(1 / (20 * 3600)))
            self._set_status(ticket, reopened, "open", ticket.requester_id, "requester", True)
            cycle_clock = self._start_clock(ticket, "resolution", reopened + SECOND, 2)
            self._assign(ticket, agent, reopened + 2 * SECOND, "reopened")
            self._set_status(ticket, reopened + timedelta(minutes=10), "in_progress",
                             str(agent.agent_id), "agent")  # fmt: skip
            resolved = self._resolve(ticket, agent, reopened + timedelta(minutes=10))
            breached |= self._settle(ticket, cycle_clock, resolved)
        if rng.random() < FEEDBACK_SHARE:
            rating = int(_pick(rng, RATING_MIX))  # type: ignore[call-overload]
            if breached:
                rating = max(1, rating - rng.randrange(3))
            at = resolved + timedelta(seconds=rng.expovariate(1 / (3 * 3600)))
            self._ticket_event(ticket, at, TicketFeedbackReceived, rating=rating, received_at=at)
        self._set_status(ticket, resolved + CLOSE_AFTER, "closed", "system", "system")

    def _owner(self, at: datetime) -> tuple[SimAgent | None, datetime | None]:
        best: tuple[SimAgent | None, datetime | None] = (None, None)
        for agent in self.agents:
            available = agent.available_from(at)
            if available is not None and (best[1] is None or available < best[1]):
                best = (agent, available)
        return best

    def _assign(self, ticket: _Ticket, agent: SimAgent, at: datetime, reason: str) -> None:
        lead = self.agents[0]
        self.add(
            at,
            TicketAssigned(
                ticket_id=ticket.ticket_id, agent_id=agent.agent_id, agent_name=agent.name,
                team=self.profile.team, assigned_at=at, agent_email=agent.email,
                team_lead_id=lead.agent_id, team_lead_email=lead.email,
                strategy="previous_owner" if reason == "reopened" else "skills_load",
                reason=reason,
            ),
        )  # fmt: skip

    def _comment(
        self, ticket: _Ticket, at: datetime, author: str, role: str, first_response: bool = False
    ) -> None:
        self._ticket_event(
            ticket, at, TicketCommented, comment_id=_uuid(self.rng), author_id=author,
            author_role=role, public=True, first_response=first_response, commented_at=at,
        )  # fmt: skip

    def _resolve(self, ticket: _Ticket, agent: SimAgent, after: datetime) -> datetime:
        work = self.rng.expovariate(1 / (self.profile.mean_resolution_hours * 3600))
        resolved = after + timedelta(seconds=120 + work)
        self._comment(ticket, resolved - SECOND, str(agent.agent_id), "agent")
        self._set_status(ticket, resolved, "resolved", str(agent.agent_id), "agent")
        return resolved

    def _start_clock(self, ticket: _Ticket, metric: Metric, at: datetime, cycle: int) -> "_Clock":
        targets = FIRST_RESPONSE_SECONDS if metric == "first_response" else RESOLUTION_SECONDS
        target = targets[ticket.priority]
        started_at = at + SECOND
        clock = _Clock(
            facts={
                "ticket_id": ticket.ticket_id, "clock_id": _uuid(self.rng), "metric": metric,
                "policy": f"standard-{ticket.priority}", "cycle": cycle,
                "priority": ticket.priority, "team": self.profile.team,
            },
            started_at=started_at,
            due_at=at + timedelta(seconds=target),
            target_seconds=target,
        )  # fmt: skip
        self.add(
            started_at,
            SlaStarted.model_validate(
                {**clock.facts, "target_seconds": target, "started_at": started_at,
                 "due_at": clock.due_at}
            ),
        )  # fmt: skip
        return clock

    def _settle(self, ticket: _Ticket, clock: "_Clock", stopped: datetime) -> bool:
        """Warn, breach or meet the clock given when its work was done; True if it breached."""
        facts = {**clock.facts, "assignee_id": ticket.assignee_id, "due_at": clock.due_at}
        warn_at = clock.started_at + timedelta(seconds=clock.target_seconds * WARNING_SHARE)
        if stopped > warn_at:
            self.add(
                warn_at,
                SlaWarning.model_validate(
                    {**facts, "threshold": f"{round(WARNING_SHARE * 100)}%",
                     "fired_at": warn_at, "timer_due_at": warn_at}
                ),
            )  # fmt: skip
        if stopped > clock.due_at:
            self.add(clock.due_at, SlaBreached.model_validate({**facts, "fired_at": clock.due_at}))
            return True
        used = (stopped - clock.started_at).total_seconds()
        self.add(
            stopped + SECOND,
            SlaMet.model_validate({**facts, "met_at": stopped, "business_seconds_used": used}),
        )
        return False


@dataclass(frozen=True)
class _Clock:
    """An SLA clock of one ticket: what its events share, and when it started and is due."""

    facts: dict[str, object]
    started_at: datetime
    due_at: datetime
    target_seconds: float
