"""Digests: events collected per target and team until their window closes, then one message."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from ticketflow_notify.domain.deliveries import Destination, ToldEvent
from ticketflow_notify.domain.targets import Route

DIGEST_EVENT_TYPE = "notification.digest"


@dataclass(frozen=True)
class DigestKey:
    """The open digest an event joins: its route's target's, for one team and event type
    (the route's subscription and the language that opened it stay with the digest)."""

    route: Route
    team: str
    event_type: str
    language: str


@dataclass(frozen=True)
class DueDigest(Destination):
    """One target's digest of one event type for one team, its window ended."""

    team: str
    event_type: str
    language: str
    id: UUID
    window_end: datetime
    items: list[dict[str, Any]]

    @property
    def address(self) -> str | None:
        """The recipient's address for an email digest."""
        return self.target.removeprefix("email:") if self.channel == "email" else None

    def earliest_event_time(self) -> datetime:
        """When the oldest event it groups happened (the window's end if none says)."""
        return min(
            (datetime.fromisoformat(i["time"]) for i in self.items if "time" in i),
            default=self.window_end,
        )


def digest_event(digest: DueDigest) -> ToldEvent:
    """A digest told as one event of its own, at the time of the oldest event it groups."""
    return ToldEvent(
        id=digest.id,
        type=DIGEST_EVENT_TYPE,
        subject=digest.team,
        time=digest.earliest_event_time(),
        envelope=digest_envelope(digest),
    )


def digest_envelope(digest: DueDigest) -> dict[str, Any]:
    """What the delivery log keeps for a digest: the events it groups, by id."""
    return {
        "specversion": "1.0",
        "id": str(digest.id),
        "source": "/ticketflow/notify",
        "type": DIGEST_EVENT_TYPE,
        "time": digest.window_end.isoformat(),
        "subject": digest.team,
        "data": {
            "team": digest.team,
            "event_type": digest.event_type,
            "count": len(digest.items),
            "event_ids": [item.get("id") for item in digest.items],
        },
    }


def digest_context(digest: DueDigest, envelope: dict[str, Any]) -> dict[str, Any]:
    """What a digest template renders with: the usual names plus `team`, `event_type`, `items`."""
    return {
        "event": envelope,
        "data": envelope["data"],
        "ticket": {},
        "team": digest.team,
        "event_type": digest.event_type,
        "items": digest.items,
    }
