"""Each replica's compiled copy of the enabled rules, reloaded when the rule set's version moves
(one cheap query per event), event rules indexed by event type."""

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from ticketflow_automation.domain.conditions import Predicate, compile_condition
from ticketflow_automation.domain.rules import Rule
from ticketflow_automation.store.rule_set import enabled_rules, rule_set_version


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its `when` compiled once."""

    rule: Rule
    predicate: Predicate


class RuleCache:
    """The enabled rules in evaluation order, compiled once per version of the rule set."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._rules: tuple[CompiledRule, ...] = ()

    async def current(self, *, conn: asyncpg.Connection) -> Sequence[CompiledRule]:
        """Enabled rules, lowest position first (reloaded when a rule changed)."""
        version = await rule_set_version(conn=conn)
        if version != self._version:
            rules = await enabled_rules(conn=conn)
            self._rules = tuple(
                CompiledRule(rule=r, predicate=compile_condition(r.definition.when)) for r in rules
            )
            self._version = version
        return self._rules
