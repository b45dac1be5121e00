"""Each replica's copy of the subscriptions matching each event type, trusted while the
subscriptions' version (migration 0016) stands, so fan-out reads no subscription rows per event.

Why it is exact across replicas: every change the match depends on moves the version in the
changing transaction, and the event log insert that starts each event's command reads the
version in the same statement (`recording` puts it in this task's context, see
`recorded_event`). A cached match is
used only for the very version it was loaded under, and it was loaded no earlier than that
version was read, so an event never meets subscriptions older than its own transaction's
first statement; a change committed later is seen by the next event. A command run without
that context (a test calling fan-out directly) reads the subscriptions every time."""

import asyncpg

from ticketflow_notify.commands.recorded_event import subscriptions_version_seen
from ticketflow_notify.domain.targets import SubscribedTarget
from ticketflow_notify.store.subscriptions import subscriptions_for


class SubscriptionCache:
    """Matches per event type, all of one version; a newer version empties it, an event that
    read an older one (its transaction began before the change) reads the rows itself."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._matches: dict[str, tuple[SubscribedTarget, ...]] = {}

    async def matching(
        self, *, conn: asyncpg.Connection, event_type: str
    ) -> list[SubscribedTarget]:
        """The enabled subscriptions that could want `event_type` (see `subscriptions_for`)."""
        version = subscriptions_version_seen()
        if version is None or (self._version is not None and version < self._version):
            return await subscriptions_for(conn=conn, event_type=event_type)
        if version != self._version:
            self._matches = {}
            self._version = version
        found = self._matches.get(event_type)
        if found is None:
            found = tuple(await subscriptions_for(conn=conn, event_type=event_type))
            if self._version == version:  # no newer version arrived while this one loaded
                self._matches[event_type] = found
        return list(found)
