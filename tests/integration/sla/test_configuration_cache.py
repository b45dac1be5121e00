"""The in-memory configuration: a change to policies, calendars or escalation policies made by
any writer (another replica's API, plain SQL) is what the next ticket event starts clocks under,
and an unchanged configuration is not read again."""

import pytest

from tests.integration.sla.conftest import SlaHarness
from ticketflow_sla.commands.configuration import CONFIGURATION

pytestmark = pytest.mark.integration


async def targets(sla: SlaHarness, created_id: object) -> dict[str, float]:
    async with sla.pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT metric, target_seconds FROM clocks WHERE ticket_id = $1", created_id
        )
    return {r["metric"]: r["target_seconds"] for r in rows}


async def test_a_policy_changed_behind_this_process_applies_to_the_next_ticket(
    sla: SlaHarness,
) -> None:
    first = sla.created()
    await sla.deliver(first)
    assert await targets(sla, first.ticket_id) == {"first_response": 1800, "resolution": 7200}
    loads = CONFIGURATION.loads

    again = sla.created()
    await sla.deliver(again)
    assert CONFIGURATION.loads == loads  # same version: not read again

    # Another replica (or an operator) changes the policy: no event reaches this process.
    await sla.sql("UPDATE policies SET first_response_seconds = 900 WHERE name = 'standard'")
    changed = sla.created()
    await sla.deliver(changed)
    assert await targets(sla, changed.ticket_id) == {"first_response": 900, "resolution": 7200}
    assert CONFIGURATION.loads == loads + 1


async def test_a_calendar_and_an_escalation_policy_changed_behind_it_apply_too(
    sla: SlaHarness,
) -> None:
    await sla.deliver(sla.created())
    await sla.sql(
        "INSERT INTO calendars (name, time_zone, always_open, week) VALUES"
        ' (\'weekdays\', \'UTC\', false, \'{"monday": [{"start": "09:00", "end": "10:00"}]}\')'
    )
    await sla.sql("UPDATE policies SET calendar = 'weekdays' WHERE name = 'standard'")
    await sla.sql(
        "UPDATE escalation_policies SET levels ="
        ' \'[{"delay_seconds": 60, "targets": [{"kind": "owner"}]}]\' WHERE name = \'test\''
    )
    created = sla.created()
    await sla.deliver(created)
    async with sla.pool.acquire() as conn:
        calendar = await conn.fetchval(
            "SELECT DISTINCT calendar FROM clocks WHERE ticket_id = $1", created.ticket_id
        )
    assert calendar == "weekdays"
    levels = {
        (t["metric"], t["level"])
        for t in await sla.pending_timers(created.ticket_id)
        if t["kind"] == "escalation"
    }
    assert levels == {("first_response", 1), ("resolution", 1)}  # the second level is gone
