"""Rate limits shared by every replica: one GCRA row per key in the service's own schema.

A take is ONE statement (`INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`), so two
replicas racing on a key are serialised by its row lock and never both spend the last
allowance. Refusals write nothing. The statement commits with `synchronous_commit` off (set
for its own transaction only): it does not wait for the WAL flush, which triples the takes a
second; a Postgres crash can forget the last fraction of a second of takes, never more.
Rows whose TAT has passed mean a whole quota, exactly as a missing row does, so pruning
deletes them a few at a time and never resets a limited key.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.rate_limit import Decision, RatePolicy, blocked_beyond, describe
from ticketflow_common.work_loop import on_pool, run_work_loop

log = logging.getLogger(__name__)

PRUNE_BATCH = 500
PRUNE_IDLE_SECONDS = 30.0
# Rows are kept this long after their TAT passes, so replicas whose clocks differ by less
# never disagree about a pruned key.
PRUNE_GRACE = timedelta(seconds=60)

_TAKE = """
WITH gate AS (
    SELECT tat FROM rate_limits WHERE key = $5 AND tat > $2::timestamptz + $6::interval
), prior AS (
    SELECT tat FROM rate_limits WHERE key = $1
), taken AS (
    INSERT INTO rate_limits AS r (key, tat)
    SELECT $1, $2::timestamptz + $3::interval WHERE NOT EXISTS (SELECT FROM gate)
    ON CONFLICT (key) DO UPDATE SET tat = greatest(r.tat, $2) + $3
    WHERE greatest(r.tat, $2) + $3 <= $2 + $4::interval
    RETURNING tat
)
SELECT (SELECT tat FROM taken) AS taken, (SELECT tat FROM prior) AS prior,
       (SELECT tat FROM gate) AS gate, set_config('synchronous_commit', 'off', true) AS quick
"""

_LEASE = """
WITH gate AS (
    SELECT tat FROM rate_limits WHERE key = $5 AND tat > $2::timestamptz + $6::interval
), held AS (
    SELECT key, tat FROM rate_limits WHERE key = $1 AND NOT EXISTS (SELECT FROM gate)
    FOR UPDATE
), granted AS (
    SELECT key, greatest(tat, $2::timestamptz) AS since, least($7::bigint, floor(
        extract(epoch FROM $2::timestamptz + $4::interval - greatest(tat, $2::timestamptz))
        / extract(epoch FROM $3::interval)))::bigint AS n
    FROM held
), leased AS (
    UPDATE rate_limits r SET tat = granted.since + $3::interval * granted.n
    FROM granted WHERE r.key = granted.key AND granted.n >= 1
    RETURNING r.tat, granted.n
), fresh AS (
    INSERT INTO rate_limits (key, tat)
    SELECT $1, $2::timestamptz + $3::interval * $7::bigint
    WHERE NOT EXISTS (SELECT FROM gate) AND NOT EXISTS (SELECT FROM held)
    ON CONFLICT (key) DO NOTHING
    RETURNING tat
)
SELECT (SELECT tat FROM leased) AS leased, (SELECT n FROM leased) AS n,
       (SELECT tat FROM fresh) AS fresh, (SELECT tat FROM held) AS held,
       (SELECT tat FROM gate) AS gate, set_config('synchronous_commit', 'off', true) AS quick
"""
# `held` locks the key's row and reads its latest TAT, so the block granted is computed from
# the TAT it is added to even when replicas race; a key first seen by two replicas at once
# leaves one insert doing nothing, and that replica asks again.
LEASE_ATTEMPTS = 3

_PRUNE = """
WITH doomed AS (
    SELECT key FROM rate_limits WHERE tat < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
)
DELETE FROM rate_limits r USING doomed WHERE r.key = doomed.key
"""


@dataclass(frozen=True)
class Gate:
    """Take nothing while `subject` is exhausted under `policy` (e.g. an address that failed
    authentication too often): checked in the same statement as the take."""

    policy: RatePolicy
    subject: str


@dataclass(frozen=True)
class Taken:
    """A take's outcome; `gated` is the gate's decision when the gate refused."""

    decision: Decision
    gated: Decision | None = None

    @property
    def refusal(self) -> Decision | None:
        """What refused the request, if anything: the gate first, else the policy."""
        if self.gated is not None:
            return self.gated
        return None if self.decision.allowed else self.decision


async def take(
    *,
    conn: asyncpg.Connection,
    policy: RatePolicy,
    subject: str,
    now: datetime,
    gate: Gate | None = None,
) -> Taken:
    """Spend one of `subject`'s allowance under `policy`, unless `gate` is closed."""
    gate_key, gate_beyond = "", timedelta(0)
    if gate is not None:
        gate_key, gate_beyond = gate.policy.key(gate.subject), blocked_beyond(gate.policy)
    row = await conn.fetchrow(
        _TAKE,
        policy.key(subject),
        now,
        policy.interval,
        policy.tolerance,
        gate_key,
        gate_beyond,
    )
    if row["gate"] is not None and gate is not None:
        gated = describe(gate.policy, tat=row["gate"], now=now, allowed=False)
        return Taken(describe(policy, tat=row["prior"], now=now, allowed=False), gated)
    if row["taken"] is not None:
        return Taken(describe(policy, tat=row["taken"], now=now, allowed=True))
    # Refused: `prior` is the TAT as of the statement's snapshot; a replica may have moved it
    # on since, which only makes Retry-After a little early.
    prior = row["prior"] if row["prior"] is not None else now + policy.tolerance
    return Taken(describe(policy, tat=prior, now=now, allowed=False))


@dataclass(frozen=True)
class Lease:
    """A block of `count` allowances charged to the key, whose TAT is then `tat`; `taken`
    describes the first of them (or the refusal, `count` 0)."""

    taken: Taken
    count: int
    tat: datetime | None


async def lease(
    *,
    conn: asyncpg.Connection,
    policy: RatePolicy,
    subject: str,
    now: datetime,
    size: int,
    gate: Gate | None = None,
) -> Lease:
    """Charge up to `size` of `subject`'s allowances under `policy` at once (as many as are
    left, at least one), unless `gate` is closed."""
    size = max(1, min(size, policy.quota))
    gate_key, gate_beyond = "", timedelta(0)
    if gate is not None:
        gate_key, gate_beyond = gate.policy.key(gate.subject), blocked_beyond(gate.policy)
    for _ in range(LEASE_ATTEMPTS):
        row = await conn.fetchrow(
            _LEASE,
            policy.key(subject),
            now,
            policy.interval,
            policy.tolerance,
            gate_key,
            gate_beyond,
            size,
        )
        if row["gate"] is not None and gate is not None:
            gated = describe(gate.policy, tat=row["gate"], now=now, allowed=False)
            refused = describe(policy, tat=row["held"], now=now, allowed=False)
            return Lease(Taken(refused, gated), 0, row["held"])
        if row["fresh"] is not None:
            return Lease(
                Taken(describe(policy, tat=row["fresh"], now=now, allowed=True)), size, row["fresh"]
            )
        if row["leased"] is not None:
            tat = row["leased"]
            return Lease(Taken(describe(policy, tat=tat, now=now, allowed=True)), row["n"], tat)
        if row["held"] is not None:
            return Lease(
                Taken(describe(policy, tat=row["held"], now=now, allowed=False)), 0, row["held"]
            )
    raise RuntimeError("the rate-limit row kept appearing and vanishing under this lease")


async def peek(
    *, conn: asyncpg.Connection, policy: RatePolicy, subject: str, now: datetime
) -> Decision:
    """Whether `subject` could take one now under `policy`, taking nothing."""
    tat = await conn.fetchval("SELECT tat FROM rate_limits WHERE key = $1", policy.key(subject))
    allowed = tat is None or tat - now <= blocked_beyond(policy)
    return describe(policy, tat=tat, now=now, allowed=allowed)


async def prune_expired(*, conn: asyncpg.Connection, now: datetime, limit: int) -> int:
    """Delete up to `limit` rows whose TAT passed more than the grace ago; returns how many."""
    status = await conn.execute(_PRUNE, now - PRUNE_GRACE, limit)
    return int(status.split()[-1])


async def run_rate_limit_pruning(
    *, pool: asyncpg.Pool, stop: asyncio.Event, clock: Clock, batch_size: int = PRUNE_BATCH
) -> None:
    """The background loop that keeps the table to the keys seen lately, a batch at a time."""

    async def prune_batch(conn: asyncpg.Connection, now: datetime) -> int:
        return await prune_expired(conn=conn, now=now, limit=batch_size)

    await run_work_loop(
        name="rate limit pruning",
        work=on_pool(pool, clock, prune_batch),
        batch_size=batch_size,
        max_idle_seconds=PRUNE_IDLE_SECONDS,
        stop=stop,
        clock=clock,
    )
