"""The harness stores a rule and bumps the rule set, as every rule change does."""

from tests.integration.automation.conftest import AutomationHarness


async def test_a_stored_rule_bumps_the_rule_set(automation: AutomationHarness) -> None:
    before = await automation.fetchval("SELECT version FROM rule_set")
    rule = await automation.add_rule(
        {
            "name": "紧急打印机",
            "on": ["ticket.created"],
            "when": {"field": "ticket.subject", "op": "contains_text", "value": "打印机"},
            "actions": [{"type": "set_priority", "priority": "urgent"}],
        }
    )
    assert await automation.fetchval("SELECT version FROM rule_set") == before + 1
    stored = await automation.fetchval("SELECT name FROM rules WHERE rule_id = $1", rule.rule_id)
    assert stored == "紧急打印机"
