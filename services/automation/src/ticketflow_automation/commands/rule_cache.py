"""Each replica's compiled copy of the enabled rules, reloaded when the rule set's version moves
(one cheap query per event); event rules indexed by event type, so an event meets only the
rules listening for it, not all 1,000, and within a type by their guard (an `eq`/`in` they
cannot hold without: `ticket.category eq network`), so most are skipped by one dict lookup."""

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from ticketflow_automation.domain.conditions import Guard, Predicate, compile_condition, guard_of
from ticketflow_automation.domain.rules import Rule
from ticketflow_automation.domain.ticket_state import TicketState
from ticketflow_automation.store.rule_set import enabled_rules, rule_set_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its `when` compiled once."""

    rule: Rule
    predicate: Predicate
    guard: Guard | None = None

    @property
    def kind(self) -> str:
        return self.rule.definition.kind


@dataclass(frozen=True)
class EventRules:
    """The event rules of one event type in evaluation order, indexed by their guards."""

    rules: tuple[CompiledRule, ...]
    guarded: tuple[tuple[Any, Mapping[Any, tuple[int, ...]]], ...] = ()
    unguarded: tuple[int, ...] = ()

    @classmethod
    def of(cls, rules: tuple[CompiledRule, ...]) -> "EventRules":
        fields: dict[str, tuple[Any, dict[Any, list[int]]]] = {}
        unguarded: list[int] = []
        for place, compiled in enumerate(rules):
            if compiled.guard is None:
                unguarded.append(place)
                continue
            name, getter, values = compiled.guard
            index = fields.setdefault(name, (getter, {}))[1]
            for value in values:
                index.setdefault(value, []).append(place)
        guarded = tuple(
            (getter, {k: tuple(v) for k, v in index.items()}) for getter, index in fields.values()
        )
        return cls(rules=rules, guarded=guarded, unguarded=tuple(unguarded))

    def candidates(
        self, after: TicketState, event_type: str, data: Mapping[str, Any]
    ) -> list[CompiledRule]:
        """The rules whose guard the event's ticket meets and those without one, in order."""
        places = list(self.unguarded)
        for getter, index in self.guarded:
            actual = getter(after, event_type, data)
            if isinstance(actual, bool):
                continue  # guards hold no flags; true is not 1
            try:
                hit = index.get(actual)
            except TypeError:  # an unhashable value from an event
                continue
            if hit:
                places.extend(hit)
        if self.guarded:
            places.sort()
        rules = self.rules
        return [rules[i] for i in places]


@dataclass(frozen=True)
class RuleSnapshot:
    """The enabled rules of one rule-set version, in evaluation order, and their indexes."""

    version: int | None
    rules: tuple[CompiledRule, ...] = ()
    time_rules: tuple[CompiledRule, ...] = ()
    exact: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_kind: dict[str, tuple[int, ...]] = field(default_factory=dict)
    every: tuple[int, ...] = ()
    by_type: dict[str, EventRules] = field(default_factory=dict)

    def event_rules(self, event_type: str) -> EventRules:
        """The event rules whose `on` matches `event_type`, indexed (memoised per type)."""
        found = self.by_type.get(event_type)
        if found is None:
            kind = event_type.partition(".")[0]
            places = {*self.exact.get(event_type, ()), *self.by_kind.get(kind, ()), *self.every}
            found = EventRules.of(tuple(self.rules[i] for i in sorted(places)))
            self.by_type[event_type] = found
        return found

    def for_event(self, event_type: str) -> tuple[CompiledRule, ...]:
        """The event rules whose `on` matches `event_type`, in evaluation order."""
        return self.event_rules(event_type).rules


def compile_rules(rules: Sequence[Rule], *, version: int | None) -> RuleSnapshot:
    """Compile and index `rules` (given in evaluation order); a rule that does not compile is
    left out and logged (the API refuses such rules, so only an old definition can be one)."""
    compiled: list[CompiledRule] = []
    for rule in rules:
        try:
            when = rule.definition.when
            predicate = compile_condition(when)
            compiled.append(CompiledRule(rule=rule, predicate=predicate, guard=guard_of(when)))
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
