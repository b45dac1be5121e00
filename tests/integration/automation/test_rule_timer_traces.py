"""A time rule firing hours after the event that planned its timer is a trace of its own linked
to that event's trace; a rule fired by an event stays in the event's trace."""

from opentelemetry import trace

from tests.integration.automation.conftest import AutomationHarness
from tests.integration.automation.timer_helpers import fire_due
from tests.support.spans import named, recorded_spans, trace_id


async def test_a_rule_timer_firing_links_to_the_event_that_planned_it(
    automation: AutomationHarness,
) -> None:
    spans = recorded_spans()
    h = automation
    await h.add_rule(
        {
            "name": "十分钟无人认领",
            "after": {"anchor": "unassigned", "minutes": 10},
            "when": {"field": "ticket.priority", "op": "eq", "value": "urgent"},
            "actions": [{"type": "notify", "target": "team_lead", "message": "无人认领"}],
        }
    )
    created = h.created(priority="urgent")
    with trace.get_tracer(__name__).start_as_current_span("process tickets.events.v1") as cause:
        await h.deliver(created)
    planned = cause.get_span_context()

    h.clock.advance(10 * 60)
    assert await fire_due(h) == 1

    [fired] = named(spans, "automation fire rule timer")
    assert trace_id(fired) != planned.trace_id
    assert fired.parent is None
    assert [(link.context.trace_id, link.context.span_id) for link in fired.links] == [
        (planned.trace_id, planned.span_id)
    ]
