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
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_routing.commands.decisions import emit_decision
from ticketflow_routing.commands.metrics import ASSIGNMENT_LATENCY, DECISION_SECONDS
from ticketflow_routing.domain.agents import RoutableAgent
from ticketflow_routing.domain.assignments import AssignmentRequest
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.scoring import breakdown, exclusion, exclusion_reasons, rank
from ticketflow_routing.domain.teams import Team
from ticketflow_routing.domain.tickets import TicketProjection, pickup_deadline
from ticketflow_routing.store.agents import (
    find_candidates,
    get_routable,
    near_misses,
    take_capacity,
)
from ticketflow_routing.store.assignments import (
    mean_handling_seconds,
    record_assignment,
    set_pickup_timer,
)
from ticketflow_routing.store.queue import dequeue, enqueue_ticket
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
    )
    eligible: list[RoutableAgent] = []
    excluded: list[Exclusion] = []
    for agent in found:
        reasons = exclusion_reasons(agent, ticket, now=now)
        if agent.agent_id in exclude:
            reasons.insert(0, "the owner it is being taken from")
        if reasons:
            excluded.append(exclusion(agent, reasons))
        else:
            eligible.append(agent)
    means = (
        await mean_handling_seconds(
            conn=conn, agent_ids=[a.agent_id for a in eligible], category=ticket.category
        )
        if ticket.category and eligible
        else {}
    )
    ranked = rank(strategy, eligible, ticket, now=now, mean_handling_seconds=means)
    by_id = {a.agent_id: a for a in eligible}
    for choice in ranked:
        if not await take_capacity(conn=conn, agent_id=choice.agent_id, now=now):
            excluded.append(
                Exclusion(
                    agent_id=choice.agent_id,
                    agent_name=choice.agent_name,
                    reasons=[CONCURRENT_TAKE],
                )
            )
            continue
        excluded += await _near_misses(conn=conn, ticket=ticket, seen=found, now=now, policy=policy)
        await _commit_assignment(
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
            exclusions=excluded[: policy.explained_exclusions],
            previous_agent_id=previous_agent_id,
            team=team,
            caused_by=caused_by,
        )
        DECISION_SECONDS.labels("assigned").observe(time.perf_counter() - started)
        return choice.agent_id
    if queue_if_none:
        excluded += await _near_misses(conn=conn, ticket=ticket, seen=found, now=now, policy=policy)
        await queue_ticket(
            conn=conn,
            ticket=ticket,
            now=now,
            exclusions=excluded[: policy.explained_exclusions],
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
    if not await take_capacity(
        conn=conn, agent_id=agent_id, now=now, require_online=request.require_eligible
    ):
        return [f"at capacity ({agent.load}/{agent.capacity})" if agent.load else CONCURRENT_TAKE]
    overridden = [exclusion(agent, [f"overridden: {r}" for r in reasons])] if reasons else []
    await _commit_assignment(
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
        caused_by=request.caused_by,
    )
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
    caused_by: AutomationCause | None = None,
) -> None:
    """Record the owner (capacity already taken), its pickup deadline, decision and event."""
    if not await record_assignment(
        conn=conn, ticket_id=ticket.ticket_id, agent_id=agent.agent_id, now=now, reason=reason
    ):
        raise RuntimeError(f"ticket {ticket.ticket_id} already has an owner")
    await dequeue(conn=conn, ticket_id=ticket.ticket_id)
    deadline = pickup_deadline(ticket, now=now, timeouts=policy.pickup_timeout_seconds)
    if deadline is not None:
        await set_pickup_timer(
            conn=conn, ticket_id=ticket.ticket_id, agent_id=agent.agent_id, due_at=deadline
        )
    team_id = ticket.team or agent.team
    if team is None or team.id != team_id:
        team = await get_team(conn=conn, team_id=team_id)
    data = TicketAssigned(
        ticket_id=ticket.ticket_id,
        agent_id=agent.agent_id,
        agent_name=agent.name,
        team=team_id,
        assigned_at=now,
        agent_email=agent.email,
        team_lead_id=team.lead_agent_id if team else None,
        team_lead_email=team.lead_email if team else None,
        strategy=strategy,
        reason=reason,
        previous_agent_id=previous_agent_id,
        score=score,
        alternatives=alternatives,
        exclusions=exclusions,
        caused_by=caused_by,
    )
    await emit_decision(conn=conn, event=data, now=now)
    waited = max(0.0, (now - ticket.created_at).total_seconds())
    after_commit(conn, partial(ASSIGNMENT_LATENCY.labels(reason).observe, waited))


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


async def _near_misses(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    seen: list[RoutableAgent],
    now: datetime,
    policy: RoutingPolicy,
) -> list[Exclusion]:
    """Why agents of the ticket's team (or holding one of its skills) were not candidates."""
    any_of = [f"team:{ticket.team}"] if ticket.team else list(ticket.required_skills)
    others = await near_misses(
        conn=conn,
        any_of=any_of,
        skip=[a.agent_id for a in seen],
        limit=policy.explained_exclusions,
    )
    return [
        exclusion(a, exclusion_reasons(a, ticket, now=now) or ["not among the best-placed"])
        for a in others
    ]
