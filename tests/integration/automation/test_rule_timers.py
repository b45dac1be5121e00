"""Time-based rules on the real Postgres with the fake clock: timers planned at the right
business instants of sla's calendars, moved or dropped as the ticket changes, fired once per
anchor instant after a check of the rule and ticket as they are then."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.integration.automation.conftest import AutomationHarness
from tests.integration.automation.timer_helpers import (
    CALENDAR,
    assigned,
    commented,
    fire_due,
    office_calendar,
    status_changed,
    timer_firings,
    timers,
    unassigned,
)
from ticketflow_automation.commands.rule_timers import replan_rule_timers
from ticketflow_automation.domain.rules import Rule

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 6, 2, 10, 0, tzinfo=SHANGHAI)
BUSINESS_DAY = 9 * 60
WAITING = {"field": "ticket.status", "op": "eq", "value": "waiting_on_customer"}


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 6, day, hour, minute, tzinfo=SHANGHAI)


async def waiting_rules(h: AutomationHarness) -> tuple[Rule, Rule]:
    remind = await h.add_rule(
        {
            "name": "等待客户3天提醒",
            "after": {
                "anchor": "status_entered",
                "minutes": 3 * BUSINESS_DAY,
                "calendar": CALENDAR,
            },
            "when": WAITING,
            "actions": [
                {"type": "add_reply", "body": "您好, 关于「{{ ticket.subject }}」仍在等您回复。"}
            ],
        }
    )
    close = await h.add_rule(
        {
            "name": "等待客户5天关闭",
            "after": {
                "anchor": "status_entered",
                "minutes": 5 * BUSINESS_DAY,
                "calendar": CALENDAR,
            },
            "when": WAITING,
            "actions": [{"type": "set_status", "status": "closed", "reason": "客户未回复"}],
        }
    )
    return remind, close


async def test_waiting_on_customer_reminds_after_three_business_days_and_closes_after_five(
    automation: AutomationHarness,
) -> None:
    h = automation
    h.clock.now = MONDAY
    tuesday_holiday = date(2025, 6, 10)
    await h.deliver(office_calendar(tuesday_holiday, now=h.clock()), subject=CALENDAR)
    remind, close = await waiting_rules(h)
    created = h.created()
    await h.deliver(created)
    assert await timers(h, created.ticket_id) == {}, "`when` does not hold while the ticket is new"

    h.clock.now = local(4, 15)  # Wednesday 15:00
    await h.deliver(status_changed(h, created, "waiting_on_customer", "new"))
    planned = await timers(h, created.ticket_id)
    # Wed 3 h + Thu 9 h + Fri 9 h + Mon 6 h = 27 business hours: Monday 15:00
    assert planned[remind.rule_id]["due_at"] == local(9, 15)
    # + Mon 3 h, Tuesday a holiday, Wed 9 h, Thu 6 h = 45: Thursday 15:00
    assert planned[close.rule_id]["due_at"] == local(12, 15)
    assert planned[close.rule_id]["anchor_at"] == local(4, 15)

    h.clock.now = local(9, 14, 59)
    assert await fire_due(h) == 0
    h.clock.now = local(9, 15)
    assert await fire_due(h) == 1
    [reminder] = await timer_firings(h, created.ticket_id)
    assert reminder["rule_name"] == "等待客户3天提醒"
    assert reminder["actions"] == [
        {"type": "add_reply", "body": "您好, 关于「打印机卡纸了」仍在等您回复。"}
    ]
    assert any(
        f"in status waiting_on_customer ({local(4, 15).astimezone(UTC).isoformat()})" in w
        and f"1620 business minutes of calendar '{CALENDAR}'" in w
        for w in reminder["why"]
    ), reminder["why"]

    h.clock.now = local(12, 15)
    assert await fire_due(h) == 1
    firings = await timer_firings(h, created.ticket_id)
    assert [f["rule_name"] for f in firings] == ["等待客户3天提醒", "等待客户5天关闭"]
    assert firings[1]["actions"][0]["status"] == "closed"
    assert await fire_due(h) == 0, "each timer fires once"


async def test_a_status_change_before_the_due_instant_drops_the_timer(
    automation: AutomationHarness,
) -> None:
    h = automation
    h.clock.now = MONDAY
    await h.deliver(office_calendar(now=h.clock()), subject=CALENDAR)
    await waiting_rules(h)
    created = h.created()
    await h.deliver(created)
    await h.deliver(status_changed(h, created, "waiting_on_customer", "new"))
    assert len(await timers(h, created.ticket_id)) == 2

    h.clock.now = local(4, 11)
    await h.deliver(status_changed(h, created, "open", "waiting_on_customer"))
    assert await timers(h, created.ticket_id) == {}
    h.clock.now = local(30, 12)
    assert await fire_due(h) == 0
    assert await timer_firings(h, created.ticket_id) == []

    await h.deliver(status_changed(h, created, "waiting_on_customer", "open"))
    again = await timers(h, created.ticket_id)
    assert {r["anchor_at"] for r in again.values()} == {local(30, 12)}, "counted anew"


async def test_no_public_reply_for_ten_minutes_is_cancelled_by_an_agents_public_reply(
    automation: AutomationHarness,
) -> None:
    h = automation
    rule = await h.add_rule(
        {
            "name": "十分钟无回复升级",
            "after": {"anchor": "awaiting_reply", "minutes": 10},
            "actions": [{"type": "escalate", "reason": "十分钟无人回复"}],
        }
    )
    created = h.created()
    await h.deliver(created)
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["due_at"] == created.created_at + timedelta(minutes=10)

    h.clock.advance(4 * 60)
    await h.deliver(commented(h, created, role="agent", public=False))
    assert len(await timers(h, created.ticket_id)) == 1, "an internal note is no reply"
    await h.deliver(commented(h, created, role="agent"))
    assert await timers(h, created.ticket_id) == {}
    h.clock.advance(20 * 60)
    assert await fire_due(h) == 0

    await h.deliver(commented(h, created, role="requester"))
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["due_at"] == h.clock() + timedelta(minutes=10)
    h.clock.advance(10 * 60)
    assert await fire_due(h) == 1
    [firing] = await timer_firings(h, created.ticket_id)
    assert firing["rule_id"] == str(rule.rule_id)
    assert firing["actions"] == [{"type": "escalate", "reason": "十分钟无人回复"}]


async def test_unassigned_for_ten_minutes_is_cancelled_by_an_assignment(
    automation: AutomationHarness,
) -> None:
    h = automation
    await h.add_rule(
        {
            "name": "十分钟无人认领",
            "after": {"anchor": "unassigned", "minutes": 10},
            "when": {"field": "ticket.priority", "op": "in", "value": ["high", "urgent"]},
            "actions": [{"type": "notify", "target": "team_lead", "message": "无人认领"}],
        }
    )
    low = h.created(priority="low")
    await h.deliver(low)
    assert await timers(h, low.ticket_id) == {}, "`when` does not hold"
    created = h.created(priority="urgent")
    await h.deliver(created)
    assert len(await timers(h, created.ticket_id)) == 1

    h.clock.advance(3 * 60)
    await h.deliver(assigned(h, created))
    assert await timers(h, created.ticket_id) == {}
    h.clock.advance(60 * 60)
    assert await fire_due(h) == 0

    await h.deliver(unassigned(h, created))
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["anchor_at"] == h.clock()
    h.clock.advance(10 * 60)
    assert await fire_due(h) == 1
    assert len(await timer_firings(h, created.ticket_id)) == 1


async def test_a_timer_fires_once_per_anchor_instant(automation: AutomationHarness) -> None:
    h = automation
    await h.add_rule(
        {
            "name": "新工单30分钟",
            "after": {"anchor": "status_entered", "minutes": 30},
            "when": {"field": "ticket.status", "op": "eq", "value": "open"},
            "actions": [{"type": "add_tags", "tags": ["超时"]}],
        }
    )
    created = h.created(status="open")
    await h.deliver(created)
    h.clock.advance(31 * 60)
    assert await fire_due(h) == 1
    await h.deliver(commented(h, created, role="requester"))  # the status stays: same anchor
    h.clock.advance(60 * 60)
    assert await fire_due(h) == 0
    [row] = (await timers(h, created.ticket_id)).values()
    assert row["fired_at"] is not None
    await h.deliver(status_changed(h, created, "in_progress", "open"))
    await h.deliver(status_changed(h, created, "open", "in_progress"))
    h.clock.advance(30 * 60)
    assert await fire_due(h) == 1, "a new anchor instant, a new firing"
    assert len(await timer_firings(h, created.ticket_id)) == 2


async def test_a_closed_ticket_and_a_disabled_rule_drop_their_timers(
    automation: AutomationHarness,
) -> None:
    h = automation
    rule = await h.add_rule(
        {
            "name": "创建后一小时",
            "after": {"anchor": "created", "minutes": 60},
            "actions": [{"type": "add_tags", "tags": ["一小时"]}],
        }
    )
    closing, kept = h.created(), h.created()
    await h.deliver(closing)
    await h.deliver(kept)
    await h.deliver(status_changed(h, closing, "closed", "new"))
    assert await timers(h, closing.ticket_id) == {}
    assert len(await timers(h, kept.ticket_id)) == 1

    await h.change_rule(rule, enabled=False)
    h.clock.advance(61 * 60)
    assert await fire_due(h) == 1, "claimed, found disabled"
    assert await timers(h, kept.ticket_id) == {}
    assert await timer_firings(h, kept.ticket_id) == []


async def test_an_unknown_calendar_counts_wall_minutes_and_the_firing_says_so(
    automation: AutomationHarness,
) -> None:
    h = automation
    h.clock.now = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)  # Friday 17:00
    await h.add_rule(
        {
            "name": "两小时提醒",
            "after": {"anchor": "created", "minutes": 120, "calendar": "不存在的日历"},
            "actions": [{"type": "add_note", "body": "已过两小时"}],
        }
    )
    created = h.created()
    await h.deliver(created)
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["due_at"] == h.clock() + timedelta(hours=2)
    h.clock.advance(2 * 3600)
    assert await fire_due(h) == 1
    [firing] = await timer_firings(h, created.ticket_id)
    assert "calendar '不存在的日历' is unknown to automation: counted wall minutes" in firing["why"]


async def test_a_calendar_change_moves_the_pending_timers_of_its_rules(
    automation: AutomationHarness,
) -> None:
    h = automation
    h.clock.now = datetime(2025, 6, 6, 17, 0, tzinfo=SHANGHAI)  # Friday 17:00
    await h.deliver(office_calendar(now=h.clock()), subject=CALENDAR)
    await h.add_rule(
        {
            "name": "两个工作小时",
            "after": {"anchor": "created", "minutes": 120, "calendar": CALENDAR},
            "actions": [{"type": "add_note", "body": "两个工作小时已过"}],
        }
    )
    created = h.created()
    await h.deliver(created)
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["due_at"] == local(9, 10)  # Monday 10:00

    h.clock.advance(60)
    await h.deliver(office_calendar(date(2025, 6, 9), now=h.clock()), subject=CALENDAR)
    [timer] = (await timers(h, created.ticket_id)).values()
    assert timer["due_at"] == local(10, 10), "Monday became a holiday: Tuesday 10:00"


async def test_a_due_timer_waits_while_an_event_is_changing_its_ticket(
    automation: AutomationHarness,
) -> None:
    """The re-check reads the ticket as it is: not while an event's transaction holds it."""
    h = automation
    await h.add_rule(
        {
            "name": "创建后十分钟",
            "after": {"anchor": "created", "minutes": 10},
            "actions": [{"type": "add_tags", "tags": ["十分钟"]}],
        }
    )
    created = h.created()
    await h.deliver(created)
    h.clock.advance(10 * 60)
    async with h.pool.acquire() as event_conn, event_conn.transaction():
        await event_conn.execute(
            "SELECT 1 FROM tickets WHERE ticket_id = $1 FOR UPDATE", created.ticket_id
        )
        assert await fire_due(h) == 0
        [row] = (await timers(h, created.ticket_id)).values()
        assert row["fired_at"] is None
    assert await fire_due(h) == 1
    assert len(await timer_firings(h, created.ticket_id)) == 1


async def test_a_new_or_changed_rule_is_planned_on_the_tickets_already_there(
    automation: AutomationHarness,
) -> None:
    h = automation
    waiting, owned, closed = h.created(), h.created(), h.created()
    for created in (waiting, owned, closed):
        await h.deliver(created)
    await h.deliver(assigned(h, owned))
    await h.deliver(status_changed(h, closed, "closed", "new"))
    h.clock.advance(60)
    rule = await h.add_rule(
        {
            "name": "十分钟无人认领",
            "after": {"anchor": "unassigned", "minutes": 10},
            "actions": [{"type": "escalate", "reason": "无人认领"}],
        }
    )
    async with h.pool.acquire() as conn, conn.transaction():
        assert await replan_rule_timers(conn=conn, rule=rule, now=h.clock()) == 1
    [timer] = (await timers(h, waiting.ticket_id)).values()
    assert timer["due_at"] == waiting.created_at + timedelta(minutes=10)
    assert await timers(h, owned.ticket_id) == {}
    assert await timers(h, closed.ticket_id) == {}

    longer = await h.change_rule(rule, after={"anchor": "unassigned", "minutes": 30})
    async with h.pool.acquire() as conn, conn.transaction():
        await replan_rule_timers(conn=conn, rule=longer, now=h.clock())
    [timer] = (await timers(h, waiting.ticket_id)).values()
    assert timer["due_at"] == waiting.created_at + timedelta(minutes=30)

    disabled = await h.change_rule(longer, enabled=False)
    async with h.pool.acquire() as conn, conn.transaction():
        assert await replan_rule_timers(conn=conn, rule=disabled, now=h.clock()) == 0
    assert await timers(h, waiting.ticket_id) == {}
