"""Effects that must follow a commit, such as business counters: a rollback counts nothing."""

from collections.abc import Callable
from types import TracebackType
from typing import Any

import asyncpg

Hook = Callable[[], None]


class HookedConnection(asyncpg.Connection):  # type: ignore[misc]
    """An asyncpg connection whose `transaction()` runs `after_commit` hooks once it commits.

    asyncpg has no commit hooks; the pool makes every connection one of these, so every
    `async with conn.transaction()` in the services honours them without changing call sites.
    """

    __slots__ = ("_commit_hooks",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._commit_hooks: list[list[Hook]] = []

    def commit_hook_stack(self) -> list[list[Hook]]:
        """One list of pending hooks per open (possibly nested) transaction block."""
        return self._commit_hooks

    def transaction(self, **kwargs: Any) -> "HookedTransaction":
        return HookedTransaction(super().transaction(**kwargs), self._commit_hooks)


class HookedTransaction:
    """Wraps asyncpg's transaction: a block that commits hands its hooks to the enclosing block,
    or runs them when it is the outermost; one that rolls back (or fails to commit) drops them."""

    def __init__(self, inner: Any, stack: list[list[Hook]]) -> None:
        self._inner = inner
        self._stack = stack
        self._depth: int | None = None

    async def start(self) -> None:
        await self._inner.start()
        self._stack.append([])
        self._depth = len(self._stack)

    def _take(self) -> list[Hook]:
        """This block's hooks, off the stack (with any block left open inside it)."""
        if self._depth is None:
            return []
        index = self._depth - 1
        hooks = self._stack[index] if index < len(self._stack) else []
        del self._stack[index:]
        self._depth = None
        return hooks

    async def commit(self) -> None:
        hooks = self._take()
        await self._inner.commit()
        self._committed(hooks)

    async def rollback(self) -> None:
        self._take()
        await self._inner.rollback()

    def _committed(self, hooks: list[Hook]) -> None:
        if self._stack:
            self._stack[-1].extend(hooks)
            return
        for hook in hooks:
            hook()

    async def __aenter__(self) -> None:
        await self._inner.__aenter__()
        self._stack.append([])
        self._depth = len(self._stack)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        hooks = self._take()
        await self._inner.__aexit__(exc_type, exc, tb)
        if exc_type is None:
            self._committed(hooks)


def after_commit(conn: asyncpg.Connection, hook: Hook) -> None:
    """Run `hook` once the transaction `conn` is in commits; at once when it is in none."""
    stack_of = getattr(conn, "commit_hook_stack", None)
    stack: list[list[Hook]] = stack_of() if stack_of is not None else []
    if stack:
        stack[-1].append(hook)
        return
    if conn.is_in_transaction():
        raise RuntimeError(
            "after_commit needs a transaction opened by conn.transaction() on a pool from "
            "ticketflow_common.db.create_pool"
        )
    hook()
