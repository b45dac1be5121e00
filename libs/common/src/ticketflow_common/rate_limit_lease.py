"""A shared GCRA limit spent from per-replica leases: one statement takes a block of a key's
allowances (`rate_limit_store.lease`), and the replica spends them in memory, so a key's
requests do not each update, and queue on, the key's row.

Every allowance a replica spends was charged to the shared row first, so the limit holds
across replicas exactly as with one take per request; what a lease leaves unspent when it
expires is simply not used (the key can fall short of its quota by at most one lease per
replica, never exceed it). A lease starts at one allowance and doubles each time one runs
out before it expires, up to `max_lease` and half the quota, so a key seen now and then
still takes one at a time. A refused key is refused locally until its stored TAT gives an
allowance back (TATs only move forward).

The gate (an address blocked for failed authentication) is read with every lease and on a
request that spends locally from an address the lease has not seen open within the last
`lease_seconds`: a block set on another replica stops a key this replica has just admitted
from that address within `lease_seconds`, and a key never admitted from the address (a
guess) is always checked. No connection is taken from the pool unless a statement runs.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.rate_limit import RatePolicy, blocked_beyond, describe
from ticketflow_common.rate_limit_store import Gate, Taken, lease, peek

MAX_KEYS = 10_000
"""Keys whose lease a replica keeps; the least recently used one's unspent lease is dropped."""


@dataclass
class _KeyLease:
    """What this replica holds of one key: `left` allowances charged up to the key's `tat`."""

    left: int = 0
    tat: datetime | None = None
    expires: datetime | None = None
    size: int = 1
    open_gate: tuple[str, datetime] | None = None
    """The last address whose gate was seen open for this key, and until when that holds."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def gate_known_open(self, gate: Gate, now: datetime) -> bool:
        return (
            self.open_gate is not None
            and self.open_gate[0] == gate.subject
            and (now < self.open_gate[1])
        )


class LeasedLimit:
    """`policy` per subject, shared by every replica through `rate_limits`, spent from leases."""

    def __init__(self, *, policy: RatePolicy, max_lease: int, lease_seconds: float) -> None:
        self.policy = policy
        self.max_lease = max(1, min(max_lease, policy.quota // 2))
        self.lease_for = timedelta(seconds=lease_seconds)
        self._keys: OrderedDict[str, _KeyLease] = OrderedDict()

    async def take(
        self, *, pool: asyncpg.Pool, subject: str, now: datetime, gate: Gate | None = None
    ) -> Taken:
        """Spend one of `subject`'s allowance, from this replica's lease when it holds one."""
        held = self._held(subject)
        gate_open = gate is None or held.gate_known_open(gate, now)
        while True:
            # Between a check that this replica can answer and the spend, nothing awaits: a
            # request never spends an allowance another one spent while it waited.
            if self._answers_locally(held, now):
                if gate_open:
                    return self._spend(held, now)
                assert gate is not None
                async with pool.acquire() as conn:
                    gated = await peek(conn=conn, policy=gate.policy, subject=gate.subject, now=now)
                if not gated.allowed:
                    refused = describe(self.policy, tat=held.tat, now=now, allowed=False)
                    return Taken(refused, gated)
                self._saw_open(held, gate, now)
                gate_open = True
                continue
            async with held.lock:
                if not self._answers_locally(held, now):
                    return await self._renew(held, pool=pool, subject=subject, now=now, gate=gate)

    def _saw_open(self, held: _KeyLease, gate: Gate, now: datetime) -> None:
        held.open_gate = (gate.subject, now + self.lease_for)

    def _held(self, subject: str) -> _KeyLease:
        held = self._keys.get(subject)
        if held is None:
            held = self._keys[subject] = _KeyLease()
            if len(self._keys) > MAX_KEYS:
                self._keys.popitem(last=False)
        else:
            self._keys.move_to_end(subject)
        return held

    def _answers_locally(self, held: _KeyLease, now: datetime) -> bool:
        """A live lease with allowances left, or a refusal the stored TAT still stands by."""
        if held.left > 0:
            return held.expires is not None and now < held.expires
        return held.tat is not None and held.tat - now > blocked_beyond(self.policy)

    def _spend(self, held: _KeyLease, now: datetime) -> Taken:
        if held.left <= 0:
            return Taken(describe(self.policy, tat=held.tat, now=now, allowed=False))
        held.left -= 1
        decision = describe(self.policy, tat=held.tat, now=now, allowed=True)
        remaining = min(self.policy.quota, decision.remaining + held.left)
        return Taken(replace(decision, remaining=remaining))

    async def _renew(
        self,
        held: _KeyLease,
        *,
        pool: asyncpg.Pool,
        subject: str,
        now: datetime,
        gate: Gate | None,
    ) -> Taken:
        ran_out = held.left <= 0 and held.expires is not None and now < held.expires
        held.size = min(self.max_lease, held.size * 2) if ran_out else 1
        async with pool.acquire() as conn:
            leased = await lease(
                conn=conn, policy=self.policy, subject=subject, now=now, size=held.size, gate=gate
            )
        if leased.taken.gated is not None:
            return leased.taken
        if gate is not None:
            self._saw_open(held, gate, now)
        held.tat, held.left = leased.tat, leased.count
        held.expires = now + self.lease_for if leased.count else None
        return self._spend(held, now)
