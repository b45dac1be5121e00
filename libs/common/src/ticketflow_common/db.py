"""Postgres connection pools confined to one service's schema, with timeouts on every statement."""

import json
from dataclasses import dataclass
from typing import Any

import asyncpg

from ticketflow_common.commit_hooks import HookedConnection
from ticketflow_common.json_codec import json_text

Connection = asyncpg.Connection
Pool = asyncpg.Pool


@dataclass(frozen=True)
class DbTimeouts:
    """Bounds that keep one stuck statement, lock wait or forgotten transaction from piling up.

    Postgres cancels a statement after `statement_seconds` (QueryCanceledError) and a lock wait
    after `lock_seconds` (LockNotAvailableError), and ends a session idle inside a transaction
    after `idle_in_transaction_seconds`; asyncpg gives up on the server after `command_seconds`
    (TimeoutError), which is longer, so the server's clearer error normally comes first.
    Zero turns a bound off. Migrations lift the server bounds for their own transaction.
    """

    statement_seconds: float = 30.0
    lock_seconds: float = 10.0
    idle_in_transaction_seconds: float = 60.0
    command_seconds: float = 60.0

    def server_settings(self) -> dict[str, str]:
        def ms(seconds: float) -> str:
            return str(round(seconds * 1000))

        return {
            "statement_timeout": ms(self.statement_seconds),
            "lock_timeout": ms(self.lock_seconds),
            "idle_in_transaction_session_timeout": ms(self.idle_in_transaction_seconds),
        }

    @property
    def command_timeout(self) -> float | None:
        return self.command_seconds or None


async def _init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=json_text, decoder=json.loads, schema="pg_catalog")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Skip asyncpg's reset round trip on release: no session state outlives a transaction here.

    Advisory locks are transaction-scoped, `SET` is `SET LOCAL`, and listeners are removed by
    whoever added them; asyncpg still rolls back an open transaction before calling this, so
    hooks of a transaction left open are dropped here.
    """
    conn.commit_hook_stack().clear()


async def create_pool(
    *, dsn: str, schema: str, max_size: int = 10, timeouts: DbTimeouts | None = None
) -> asyncpg.Pool:
    """A pool whose connections see only `schema` (and pg_catalog) by default, and whose
    transactions honour `ticketflow_common.commit_hooks.after_commit`."""
    bounds = timeouts or DbTimeouts()
    pool: Any = await asyncpg.create_pool(
        dsn=dsn,
        min_size=1,
        max_size=max_size,
        init=_init_connection,
        reset=_keep_session,
        connection_class=HookedConnection,
        command_timeout=bounds.command_timeout,
        server_settings={
            "search_path": schema,
            "application_name": f"ticketflow-{schema}",
            **bounds.server_settings(),
        },
    )
    return pool
