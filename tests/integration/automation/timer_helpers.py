"""What the rule-timer tests share: the events that move a ticket's anchors, a calendar as sla
announces it, the ticket's timers as stored, and one firing round of the timers command."""

import uuid
from datetime import date, datetime
from typing import Any

import asyncpg

from tests.integration.automation.conftest import AutomationHarness
from ticketflow_automation.commands.rule_cache import RuleCache
from ticketflow_automation.commands.rule_timers import fire_due_timers
from ticketflow_common.events import (
    CalendarChanged,
    CalendarHoliday,
    TicketAssigned,
    TicketCommented,
    TicketCreated,
    TicketStatusChanged,
    TicketUnassigned,
)
from ticketflow_common.events.common import ActorRole, TicketStatus

CALENDAR = "上海服务台"
AGENT = uuid.UUID("00000000-0000-4000-8000-00000000a11e")


def office_calendar(*holidays: date, name: str = CALENDAR, now: datetime) -> CalendarChanged:
    """Monday to Friday 09:00-18:00 in Asia/Shanghai, as sla's `calendar.changed` tells it."""
    return CalendarChanged(
        name=name,
        change="updated",
        time_zone="Asia/Shanghai",
        week={
            **{day: [("09:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
            "sat": [],
            "sun": [],
        },
        holidays=[CalendarHoliday(first_day=d, last_day=d, name="假日") for d in holidays],
        changed_at=now,
    )


def status_changed(
    h: AutomationHarness, created: TicketCreated, status: TicketStatus, previous: TicketStatus
) -> TicketStatusChanged:
    return TicketStatusChanged(
        **h.facts(created, status=status),
        previous_status=previous,
        actor_id="agent-李娜",
        actor_role="agent",
        changed_at=h.clock(),
    )


def commented(
    h: AutomationHarness, created: TicketCreated, *, role: ActorRole, public: bool = True
) -> TicketCommented:
    return TicketCommented(
        **h.facts(created),
        comment_id=uuid.uuid4(),
        author_id="agent-李娜" if role != "requester" else created.requester_id,
        author_role=role,
        public=public,
        first_response=role == "agent" and public,
        body="我们正在处理, 请稍候。" if public else None,
        commented_at=h.clock(),
    )


def assigned(h: AutomationHarness, created: TicketCreated) -> TicketAssigned:
    return TicketAssigned(
        ticket_id=created.ticket_id,
        agent_id=AGENT,
        agent_name="李娜",
        team="facilities",
        assigned_at=h.clock(),
    )


def unassigned(h: AutomationHarness, created: TicketCreated) -> TicketUnassigned:
    return TicketUnassigned(
        ticket_id=created.ticket_id,
        agent_id=AGENT,
        team="facilities",
        reason="agent_away",
        unassigned_at=h.clock(),
    )


async def timers(h: AutomationHarness, ticket_id: uuid.UUID) -> dict[uuid.UUID, asyncpg.Record]:
    """The ticket's timers by rule."""
    rows = await h.fetch(
        "SELECT rule_id, anchor_at, due_at, depth, fired_at FROM rule_timers WHERE ticket_id = $1",
        ticket_id,
    )
    return {r["rule_id"]: r for r in rows}


async def fire_due(h: AutomationHarness, *, rules: RuleCache | None = None) -> int:
    """One round of the timers worker at the harness's now; how many timers it claimed."""
    async with h.pool.acquire() as conn:
        return await fire_due_timers(
            conn=conn,
            rules=rules or RuleCache(),
            now=h.clock(),
            limit=500,
            max_chain_depth=h.settings.max_chain_depth,
        )


async def timer_firings(h: AutomationHarness, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
    """The `rule.fired` events of the ticket that timers fired."""
    return [e for e in await h.events("rule.fired", ticket_id) if e["trigger"] == "timer"]
