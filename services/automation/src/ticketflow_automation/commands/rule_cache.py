"""Each replica's compiled copy of the enabled rules, reloaded when the rule set's version moves
(one cheap query per event); event rules indexed by event type, so an event meets only the
rules listening for it, not all 1,000."""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg

from ticketflow_automation.domain.conditions import Predicate, compile_condition
from ticketflow_automation.domain.rules import Rule
from ticketflow_automation.store.rule_set import enabled_rules, rule_set_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its `when` compiled once."""

    rule: Rule
    predicate: Predicate

    @property
    def kind(self) -> str:
        return self.rule.definition.kind


@dataclass(frozen=True)
class RuleSnapshot:
    """The enabled rules of one rule-set version, in evaluation order, and their indexes."""

    version: int | None
    rules: tuple[CompiledRule, ...] = ()
    time_rules: tuple[CompiledRule, ...] = ()
    exact: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_kind: dict[str, tuple[int, ...]] = field(default_factory=dict)
    every: tuple[int, ...] = ()
    by_type: dict[str, tuple[CompiledRule, ...]] = field(default_factory=dict)

    def for_event(self, event_type: str) -> tuple[CompiledRule, ...]:
        """The event rules whose `on` matches `event_type`, in evaluation order (memoised)."""
        found = self.by_type.get(event_type)
        if found is None:
            kind = event_type.partition(".")[0]
            places = {*self.exact.get(event_type, ()), *self.by_kind.get(kind, ()), *self.every}
            found = tuple(self.rules[i] for i in sorted(places))
            self.by_type[event_type] = found
        return found


def compile_rules(rules: Sequence[Rule], *, version: int | None) -> RuleSnapshot:
    """Compile and index `rules` (given in evaluation order); a rule that does not compile is
    left out and logged (the API refuses such rules, so only an old definition can be one)."""
    compiled: list[CompiledRule] = []
    for rule in rules:
        try:
            compiled.append(
                CompiledRule(rule=rule, predicate=compile_condition(rule.definition.when))
            )
        except ValueError as exc:
            log.error("rule %s (%s) left out: %s", rule.rule_id, rule.definition.name, exc)
    exact: dict[str, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    every: list[int] = []
    for place, item in enumerate(compiled):
        for pattern in item.rule.definition.on or ():
            if pattern == "*":
                every.append(place)
            elif pattern.endswith(".*"):
                by_kind.setdefault(pattern[:-2], []).append(place)
            else:
                exact.setdefault(pattern, []).append(place)
    return RuleSnapshot(
        version=version,
        rules=tuple(compiled),
        time_rules=tuple(c for c in compiled if c.kind == "time"),
        exact={k: tuple(v) for k, v in exact.items()},
        by_kind={k: tuple(v) for k, v in by_kind.items()},
        every=tuple(every),
    )


class RuleCache:
    """The enabled rules in evaluation order, compiled once per version of the rule set."""

    def __init__(self) -> None:
        self._snapshot = RuleSnapshot(version=None)
        self._reloading = asyncio.Lock()

    async def snapshot(self, *, conn: asyncpg.Connection) -> RuleSnapshot:
        """The compiled rules of the rule set's current version (reloaded when it moved)."""
        version = await rule_set_version(conn=conn)
        if version != self._snapshot.version:
            async with self._reloading:
                if version != self._snapshot.version:
                    rules = await enabled_rules(conn=conn)
                    self._snapshot = compile_rules(rules, version=version)
                    log.info("rule set %s: %d enabled rules", version, len(rules))
        return self._snapshot

    async def current(self, *, conn: asyncpg.Connection) -> Sequence[CompiledRule]:
        """Enabled rules, lowest position first (reloaded when a rule changed)."""
        return (await self.snapshot(conn=conn)).rules
