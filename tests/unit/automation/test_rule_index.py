"""The rule cache's index (event type, then guard) chooses exactly the rules a full scan of
every enabled rule would match, in the same order."""

import random
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ticketflow_automation.commands.evaluate import matching_rules
from ticketflow_automation.commands.rule_cache import compile_rules
from ticketflow_automation.domain.conditions import event_matches
from ticketflow_automation.domain.rules import Rule, RuleDefinition
from ticketflow_automation.domain.ticket_state import TicketState

TYPES = ["ticket.created", "ticket.updated", "sla.breached", "mail.received"]
PATTERNS = [*TYPES, "sla.*", "ticket.*", "*"]
VALUES: dict[str, list[Any]] = {
    "ticket.category": ["网络", "printer", None],
    "ticket.priority": ["low", "high", "urgent"],
    "ticket.escalation_level": [0, 1, 2],
    "ticket.sla_breached": [True, False],
    "event.reason": ["manual", 1, None],
}


def comparison(rng: random.Random) -> dict[str, Any]:
    field = rng.choice(list(VALUES))
    if field == "ticket.priority":
        return {"field": field, "op": "in", "value": rng.sample(VALUES[field], 2)}
    return {"field": field, "op": rng.choice(["eq", "ne"]), "value": rng.choice(VALUES[field])}


def rule(rng: random.Random, n: int) -> Rule:
    shape = rng.random()
    when: Any
    if shape < 0.2:
        when = None
    elif shape < 0.5:
        when = comparison(rng)
    else:
        when = {"all": [comparison(rng) for _ in range(rng.randint(1, 3))]}
    definition = RuleDefinition.model_validate(
        {
            "name": f"规则 {n}",
            "position": rng.randint(0, 5),
            "on": rng.sample(PATTERNS, rng.randint(1, 2)),
            "when": when,
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        }
    )
    return Rule(rule_id=uuid.UUID(int=n + 1), version=1, definition=definition)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_index_matches_what_a_full_scan_matches(seed: int) -> None:
    rng = random.Random(seed)
    rules = sorted(
        (rule(rng, n) for n in range(40)), key=lambda r: (r.definition.position, r.rule_id)
    )
    snapshot = compile_rules(rules, version=1)
    for _ in range(20):
        state = TicketState(
            ticket_id=uuid.uuid4(),
            category=rng.choice(VALUES["ticket.category"]),
            priority=rng.choice(VALUES["ticket.priority"]),
            escalation_level=rng.choice(VALUES["ticket.escalation_level"]),
            sla_breached=rng.choice([True, False]),
        )
        event_type = rng.choice(TYPES)
        data = {"reason": rng.choice([*VALUES["event.reason"], True, [1]])}
        listening = [
            c for c in snapshot.rules if event_matches(c.rule.definition.on or [], event_type)
        ]
        scanned = matching_rules(
            listening, after=state, before=None, event_type=event_type, data=data, skip_rule=None
        )
        indexed = matching_rules(
            snapshot.event_rules(event_type).candidates(state, event_type, data),
            after=state,
            before=None,
            event_type=event_type,
            data=data,
            skip_rule=None,
        )
        assert [(c.rule.rule_id, why) for c, why in indexed] == [
            (c.rule.rule_id, why) for c, why in scanned
        ]


def test_a_guarded_rule_is_skipped_without_running_its_condition() -> None:
    definition = RuleDefinition.model_validate(
        {
            "name": "网络",
            "on": ["ticket.created"],
            "when": {"all": [{"field": "event.x", "op": "exists"},
                             {"field": "ticket.category", "value": "network"}]},
            "actions": [{"type": "add_tags", "tags": ["x"]}],
        }
    )  # fmt: skip
    rules = [Rule(rule_id=uuid.uuid4(), version=1, definition=definition)]
    event_rules = compile_rules(rules, version=1).event_rules("ticket.created")
    other = TicketState(ticket_id=uuid.uuid4(), category="printer")
    mine = TicketState(ticket_id=uuid.uuid4(), category="network")
    assert event_rules.candidates(other, "ticket.created", {}) == []
    assert [c.rule for c in event_rules.candidates(mine, "ticket.created", {})] == rules
