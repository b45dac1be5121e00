"""One answer for deleting or archiving configuration that something still uses: 409 naming it."""

from collections.abc import Sequence

import asyncpg
from pydantic import BaseModel

from ticketflow_common.problems import ProblemError

SAMPLE = 10


class Usage(BaseModel):
    """What still uses the object: a kind (`open_ticket`, `policy`...), how many, the first ids."""

    kind: str
    count: int
    ids: list[str]


def usage(kind: str, count: int, ids: Sequence[object]) -> Usage:
    return Usage(kind=kind, count=count, ids=[str(i) for i in list(ids)[:SAMPLE]])


async def count_uses(conn: asyncpg.Connection, kind: str, query: str, *args: object) -> Usage:
    """How many rows `query` selects (one id column, in the order to show them), and the first."""
    row = await conn.fetchrow(
        f"SELECT count(*) AS n, (array_agg(u.id))[1:{SAMPLE}] AS ids FROM ({query}) AS u(id)",
        *args,
    )
    return usage(kind, row["n"], row["ids"] or [])


def _phrase(u: Usage) -> str:
    shown = ", ".join(repr(i) for i in u.ids)
    more = f" and {u.count - len(u.ids)} more" if u.count > len(u.ids) else ""
    noun = u.kind.replace("_", " ")
    if u.count != 1:
        noun = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{u.count} {noun} ({shown}{more})"


def refuse_if_used(thing: str, usages: Sequence[Usage]) -> None:
    """Raise 409 listing every use (`used_by`) unless nothing uses `thing`; nothing changes."""
    used = [u for u in usages if u.count > 0]
    if not used:
        return
    raise ProblemError(
        409,
        f"{thing} is still used by {'; '.join(_phrase(u) for u in used)}; nothing was changed",
        used_by=[u.model_dump() for u in used],
    )
