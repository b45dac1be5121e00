"""The term statistics remembered per process for a few seconds: they are a snapshot the
ranking-stats worker refreshes every few minutes, so reading them again for every suggestion
only costs a round trip (on this 2-core machine, a wake-up of Postgres and of the service each)."""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from ticketflow_knowledge.domain.ranking import TermStats
from ticketflow_knowledge.store.ranking import term_stats


@dataclass
class TermCounts:
    """How many live items hold each term (0: fewer than the stats keep) and how many there
    are, each remembered for `ttl_seconds`, the `max_terms` most recently asked for."""

    ttl_seconds: float = 30.0
    max_terms: int = 200_000
    clock: Callable[[], float] = time.monotonic
    _items: tuple[float, int] | None = None
    _holding: OrderedDict[str, tuple[float, int]] = field(default_factory=OrderedDict)

    async def lookup(self, *, conn: asyncpg.Connection, terms: list[str]) -> TermStats:
        """The statistics of `terms`; one query when any of them (or the item count) is not
        remembered or is older than `ttl_seconds`, none otherwise."""
        now = self.clock()
        missing = [t for t in dict.fromkeys(terms) if not self._fresh(t, now)]
        if missing or self._items is None or now - self._items[0] > self.ttl_seconds:
            read = await term_stats(conn=conn, terms=missing)
            self._items = (now, read.items)
            for term in missing:
                self._holding[term] = (now, read.holding.get(term, 0))
                self._holding.move_to_end(term)
            while len(self._holding) > self.max_terms:
                self._holding.popitem(last=False)
        holding = {t: self._holding[t][1] for t in terms if t in self._holding}
        return TermStats(items=self._items[1], holding={t: n for t, n in holding.items() if n})

    def _fresh(self, term: str, now: float) -> bool:
        seen = self._holding.get(term)
        if seen is None or now - seen[0] > self.ttl_seconds:
            return False
        self._holding.move_to_end(term)
        return True
