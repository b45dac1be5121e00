"""The clock lifecycle rules, pure: which steps each ticket event calls for."""

import uuid
from datetime import UTC, datetime
from typing import Any

from ticketflow_common.events import TicketCommented, TicketStatusChanged, TicketUpdated
from ticketflow_common.events.sla import Metric
from ticketflow_sla.domain.clock_lifecycle import (
    Pause,
    Resume,
    Retarget,
    Start,
    Stop,
    on_commented,
    on_created,
    on_status_changed,
    rematch,
    update_rematches,
)
from ticketflow_sla.domain.policies import DEFAULT_CLOCK_RULES, ClockRules
from ticketflow_sla.domain.sla_clocks import ClockStatus, SlaClock
from ticketflow_sla.domain.tickets import TicketProjection

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)
TICKET = uuid.uuid4()
FACTS: dict[str, Any] = {"ticket_id": TICKET, "priority": "normal", "required_skills": []}


def sla_clock(metric: Metric, status: ClockStatus = "running", cycle: int = 1) -> SlaClock:
    return SlaClock(
        id=uuid.uuid4(),
        ticket_id=TICKET,
        metric=metric,
        cycle=cycle,
        policy="p",
        calendar="24x7",
        target_seconds=600,
        status=status,
        started_at=NOW,
    )


def ticket(status: str = "open") -> TicketProjection:
    return TicketProjection(ticket_id=TICKET, status=status)


def changed(status: str, previous: str, *, reopened: bool = False) -> TicketStatusChanged:
    return TicketStatusChanged(
        **FACTS,
        requester_id="u-1",
        status=status,
        previous_status=previous,
        actor_id="a",
        actor_role="agent",
        reopened=reopened,
        changed_at=NOW,
    )


def commented(role: str, *, first: bool = False) -> TicketCommented:
    return TicketCommented(
        **FACTS,
        requester_id="u-1",
        comment_id=uuid.uuid4(),
        author_id="someone",
        author_role=role,
        public=True,
        first_response=first,
        commented_at=NOW,
    )


def test_a_new_ticket_starts_first_response_and_resolution_unless_awaiting_approval() -> None:
    assert on_created(ticket("new"), []) == [Start("first_response", 1), Start("resolution", 1)]
    assert on_created(ticket("pending_approval"), []) == [Start("first_response", 1)]
    assert on_created(ticket("new"), [sla_clock("first_response")]) == []


def test_closing_cancels_and_resolving_meets_resolution_only() -> None:
    reply, resolution, done = (
        sla_clock("first_response"),
        sla_clock("resolution", "paused"),
        sla_clock("next_response", "met"),
    )
    clocks = [reply, resolution, done]
    assert on_status_changed(changed("closed", "open"), ticket(), clocks, DEFAULT_CLOCK_RULES) == [
        Stop(reply, "cancelled", "closed"),
        Stop(resolution, "cancelled", "closed"),
    ]
    resolved = on_status_changed(changed("resolved", "open"), ticket(), clocks, DEFAULT_CLOCK_RULES)
    assert resolved == [
        Stop(reply, "cancelled", "resolved"),
        Stop(resolution, "met", "resolved"),
    ]


def test_pause_statuses_pause_running_clocks_and_others_resume_paused_ones() -> None:
    running, paused = sla_clock("first_response"), sla_clock("resolution", "paused")
    waiting = changed("waiting_on_customer", "open")
    steps = on_status_changed(
        waiting, ticket("waiting_on_customer"), [running, paused], DEFAULT_CLOCK_RULES
    )
    assert steps == [Pause(running, "waiting_on_customer")]
    back = changed("open", "waiting_on_customer")
    assert on_status_changed(back, ticket(), [running, paused], DEFAULT_CLOCK_RULES) == [
        Resume(paused)
    ]


def test_approval_starts_resolution_and_reopening_starts_a_new_cycle() -> None:
    reply = sla_clock("first_response", "paused")
    approved = on_status_changed(
        changed("open", "pending_approval"), ticket(), [reply], DEFAULT_CLOCK_RULES
    )
    assert approved == [Resume(reply), Start("resolution", 1)]
    met = sla_clock("resolution", "met")
    reopened = on_status_changed(
        changed("open", "resolved", reopened=True), ticket(), [met], DEFAULT_CLOCK_RULES
    )
    assert reopened == [Start("resolution", 2)]


def test_a_reset_status_cancels_the_active_clocks_and_starts_their_metrics_afresh() -> None:
    rules = ClockRules(reset_on=["in_progress"])
    reply, old = sla_clock("first_response"), sla_clock("resolution", "met")
    resolution = sla_clock("resolution", cycle=2)
    steps = on_status_changed(
        changed("in_progress", "open"), ticket("in_progress"), [reply, old, resolution], rules
    )
    assert steps == [
        Stop(reply, "cancelled", "reset: in_progress"),
        Stop(resolution, "cancelled", "reset: in_progress"),
        Start("first_response", 2),
        Start("resolution", 3),
    ]


def test_an_agent_reply_meets_pending_replies_and_a_requester_reply_starts_one() -> None:
    reply, resolution = sla_clock("first_response"), sla_clock("resolution")
    assert on_commented(commented("agent"), ticket(), [reply, resolution]) == [
        Stop(reply, "met", "agent_replied")
    ]
    met = sla_clock("first_response", "met")
    assert on_commented(commented("requester"), ticket(), [met, resolution]) == [
        Start("next_response", 1)
    ]
    assert on_commented(commented("requester"), ticket(), [reply]) == []
    assert on_commented(commented("requester"), ticket("resolved"), [met]) == []
    assert on_commented(commented("requester"), None, [met]) == []


def test_only_policy_fields_rematch_and_rematching_retargets_the_active_clocks() -> None:
    def updated(*fields: str) -> TicketUpdated:
        return TicketUpdated(
            **FACTS, requester_id="u-1", changed=list(fields), actor_id="a", updated_at=NOW
        )

    assert update_rematches(updated("subject", "priority"))
    assert not update_rematches(updated("subject", "tags"))
    running, met = sla_clock("resolution"), sla_clock("first_response", "met")
    assert rematch([running, met]) == [Retarget(running)]
