"""The in-memory configuration: policies, calendars and escalation policies, read once per
version instead of on every clock.

Every replica holds its own copy. The version (a random id a trigger replaces on any write to
the three tables, `migrations/0013_configuration_version.sql`) is read with the ticket's facts in
the statement the event needs anyway, so a replica notices another's change with the next
event after that change committed, at no extra round trip; it then reloads the three tables
(four statements). The copy is labelled with the version read before the tables, so at worst it
is newer than its label and the next event reloads it again: never older.
"""

from uuid import UUID

import asyncpg

from ticketflow_sla.domain.calendars import working_calendar
from ticketflow_sla.domain.configuration import Configuration
from ticketflow_sla.store.calendars import all_calendars
from ticketflow_sla.store.configuration_version import configuration_version
from ticketflow_sla.store.escalations import all_escalation_policies
from ticketflow_sla.store.policies import all_policies


class ConfigurationCache:
    """The last configuration this process loaded (one schema's; another's version reloads)."""

    def __init__(self) -> None:
        self.loaded: Configuration | None = None
        self.loads = 0

    async def at(self, *, conn: asyncpg.Connection, version: UUID | None = None) -> Configuration:
        """The configuration at `version` (read by the caller), else at the stored version."""
        if version is None:
            version = await configuration_version(conn=conn)
        loaded = self.loaded
        if loaded is not None and loaded.version == version:
            return loaded
        loaded = await load_configuration(conn=conn)
        self.loaded, self.loads = loaded, self.loads + 1
        return loaded


async def load_configuration(*, conn: asyncpg.Connection) -> Configuration:
    """The three tables, labelled with the version read before them."""
    version = await configuration_version(conn=conn)
    policies = await all_policies(conn=conn)
    calendars = await all_calendars(conn=conn)
    escalations = await all_escalation_policies(conn=conn)
    return Configuration(
        version=version,
        policies={p.name: p for p, _ in policies},
        live_policies=[p for p, live in policies if live],
        calendars={c.name: working_calendar(c) for c in calendars},
        escalations={e.name: e for e in escalations},
    )


CONFIGURATION = ConfigurationCache()
"""This process's copy."""


async def configuration(*, conn: asyncpg.Connection, version: UUID | None = None) -> Configuration:
    return await CONFIGURATION.at(conn=conn, version=version)
