"""Giving a ticket its one owner: candidates by index, scored, capacity taken atomically; or,
when nobody can take it, a visible place in its team's queue."""

import time
from datetime import datetime
from functools import partial
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import (
    AutomationCause,
    Exclusion,
    RoutingStrategy,
    ScoreBreakdown,
    TicketAssigned,
    TicketQueued,
)
from ticketflow_common.outbox import event_for, outbox_values
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_routing.commands.decisions import count_decision, emit_decision
from ticketflow_routing.commands.metrics import ASSIGNMENT_LATENCY, DECISION_SECONDS
from ticketflow_routing.domain.agents import RoutableAgent
from ticketflow_routing.domain.assignments import AssignmentRequest
from ticketflow_routing.domain.decisions import decision_of
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.scoring import breakdown, exclusion, exclusion_reasons, rank
from ticketflow_routing.domain.teams import Team, TeamLead
from ticketflow_routing.domain.tickets import TicketProjection, pickup_deadline
from ticketflow_routing.store.agents import Candidates, find_candidates, get_routable
from ticketflow_routing.store.assignments import Handover, take_and_assign
from ticketflow_routing.store.decisions import decision_values
from ticketflow_routing.store.queue import enqueue_ticket
from ticketflow_routing.store.teams import get_team

CONCURRENT_TAKE = "capacity taken by a concurrent assignment"


async def route_ticket(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    now: datetime,
    policy: RoutingPolicy,
    reason: str,
    exclude: frozenset[UUID] = frozenset(),
    previous_agent_id: UUID | None = None,
    queue_if_none: bool = True,
    caused_by: AutomationCause | None = None,
) -> UUID | None:
    """Assign to the best eligible agent under the team's strategy, else queue it visibly.

    Call with the ticket's row locked. Returns the new owner, None when nobody was eligible;
    the events carry `caused_by` when a rule or macro asked for it.
    """
    started = time.perf_counter()
    team = await get_team(conn=conn, team_id=ticket.team) if ticket.team else None
    strategy: RoutingStrategy = team.strategy if team else "skills_load"
    found = await find_candidates(
        conn=conn,
        routing_keys=ticket.routing_keys,
        language=ticket.language,
        strategy=strategy,
        limit=policy.candidate_limit + len(exclude),
        near_any_of=[f"team:{ticket.team}"] if ticket.team else list(ticket.required_skills),
        near_limit=policy.explained_exclusions,
        category=ticket.category,
    )
    eligible: list[RoutableAgent] = []
    excluded: list[Exclusion] = []
    for agent in found.agents:
        reasons = exclusion_reasons(agent, ticket, now=now)
        if agent.agent_id in exclude:
            reasons.insert(0, "the owner it is being taken from")
        if reasons:
            excluded.append(exclusion(agent, reasons))
        else:
            eligible.append(agent)
    means = {
        a.agent_id: found.mean_handling_seconds[a.agent_id]
        for a in eligible
        if ticket.category and a.agent_id in found.mean_handling_seconds
    }
    ranked = rank(strategy, eligible, ticket, now=now, mean_handling_seconds=means)
    by_id = {a.agent_id: a for a in eligible}
    near = _near_misses(found, ticket=ticket, now=now)
    for choice in ranked:
        taken = await _commit_assignment(
            conn=conn,
            ticket=ticket,
            agent=by_id[choice.agent_id],
            now=now,
            policy=policy,
            strategy=strategy,
            reason=reason,
            score=choice,
            alternatives=[r for r in ranked if r.agent_id != choice.agent_id][
                : policy.alternatives
            ],
            exclusions=(excluded + near)[: policy.explained_exclusions],
            previous_agent_id=previous_agent_id,
            team=team,
            home_lead=found.home_leads.get(choice.agent_id),
            caused_by=caused_by,
        )
        if not taken:
            excluded.append(
                Exclusion(
                    agent_id=choice.agent_id,
                    agent_name=choice.agent_name,
                    reasons=[CONCURRENT_TAKE],
                )
            )
            continue
        DECISION_SECONDS.labels("assigned").observe(time.perf_counter() - started)
        return choice.agent_id
    if queue_if_none:
        await queue_ticket(
            conn=conn,
            ticket=ticket,
            now=now,
            exclusions=(excluded + near)[: policy.explained_exclusions],
            caused_by=caused_by,
        )
    DECISION_SECONDS.labels("queued" if queue_if_none else "none").observe(
        time.perf_counter() - started
    )
    return None


async def assign_to_agent(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    request: AssignmentRequest,
    now: datetime,
    policy: RoutingPolicy,
) -> list[str]:
    """Give the ticket to the requested agent; returns why not (empty on success)."""
    agent_id = request.agent_id
    agent = await get_routable(conn=conn, agent_id=agent_id)
    if agent is None:
        return [f"agent {agent_id} not found"]
    if request.require_team and ticket.team and ticket.team not in agent.teams:
        return [f"agent {agent_id} is not in team {ticket.team}"]
    reasons = exclusion_reasons(agent, ticket, now=now)
    if request.require_eligible and reasons:
        return reasons
    overridden = [exclusion(agent, [f"overridden: {r}" for r in reasons])] if reasons else []
    taken = await _commit_assignment(
        conn=conn,
        ticket=ticket,
        agent=agent,
        now=now,
        policy=policy,
        strategy=request.strategy,
        reason=request.reason,
        score=breakdown(agent, ticket, now=now, speed=None),
        alternatives=[],
        exclusions=overridden,
        previous_agent_id=request.previous_agent_id,
        team=None,
        require_online=request.require_eligible,
        caused_by=request.caused_by,
    )
    if not taken:
        return [f"at capacity ({agent.load}/{agent.capacity})" if agent.load else CONCURRENT_TAKE]
    return []


async def _commit_assignment(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    agent: RoutableAgent,
    now: datetime,
    policy: RoutingPolicy,
    strategy: str,
    reason: str,
    score: ScoreBreakdown,
    alternatives: list[ScoreBreakdown],
    exclusions: list[Exclusion],
    previous_agent_id: UUID | None,
    team: Team | None,
    home_lead: TeamLead | None = None,
    require_online: bool = True,
    caused_by: AutomationCause | None = None,
) -> bool:
    """Take the agent's capacity and record the owner, its pickup deadline, the decision and
    its event in one statement; False (nothing written) when the agent has no spare capacity."""
    team_id = ticket.team or agent.team
    lead = home_lead if team_id == agent.team else None
    if lead is None:
        if team is None or team.id != team_id:
            team = await get_team(conn=conn, team_id=team_id)
        lead = TeamLead(agent_id=team.lead_agent_id, email=team.lead_email) if team else None
    data = TicketAssigned(
        ticket_id=ticket.ticket_id,
        agent_id=agent.agent_id,
        agent_name=agent.name,
        team=team_id,
        assigned_at=now,
        agent_email=agent.email,
        team_lead_id=lead.agent_id if lead else None,
        team_lead_email=lead.email if lead else None,
        strategy=strategy,
        reason=reason,
        previous_agent_id=previous_agent_id,
        score=score,
        alternatives=alternatives,
        exclusions=exclusions,
        caused_by=caused_by,
    )
    subject = str(ticket.ticket_id)
    handover = Handover(
        ticket_id=ticket.ticket_id,
        agent_id=agent.agent_id,
        reason=reason,
        pickup_due=pickup_deadline(ticket, now=now, timeouts=policy.pickup_timeout_seconds),
        decision=decision_values(decision_of(data), now),
        event=outbox_values(
            event_for(data, subject=subject, now=now), topic=data.topic, key=subject
        ),
    )
    took, assigned = await take_and_assign(
        conn=conn, handover=handover, now=now, require_online=require_online
    )
    if not took:
        return False
    if not assigned:
        raise RuntimeError(f"ticket {ticket.ticket_id} already has an owner")
    count_decision(conn, data)
    waited = max(0.0, (now - ticket.created_at).total_seconds())
    after_commit(conn, partial(ASSIGNMENT_LATENCY.labels(reason).observe, waited))
    return True


async def queue_ticket(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    now: datetime,
    exclusions: list[Exclusion],
    caused_by: AutomationCause | None = None,
    reason: str = "no eligible agent with spare capacity",
) -> int | None:
    """Queue it in its team's queue; returns its place, None when it was queued already."""
    position = await enqueue_ticket(
        conn=conn, ticket=ticket, trace_carrier=current_trace_carrier(), now=now
    )
    if position is None:
        return None
    data = TicketQueued(
        ticket_id=ticket.ticket_id,
        required_skills=list(ticket.required_skills),
        reason=reason,
        queued_at=now,
        team=ticket.team,
        priority=ticket.priority,
        position=position,
        exclusions=exclusions,
        caused_by=caused_by,
    )
    await emit_decision(conn=conn, event=data, now=now)
    return position


def _near_misses(found: Candidates, *, ticket: TicketProjection, now: datetime) -> list[Exclusion]:
    """Why agents of the ticket's team (or holding one of its skills) were not candidates."""
    return [
        exclusion(a, exclusion_reasons(a, ticket, now=now) or ["not among the best-placed"])
        for a in found.near_misses
    ]
