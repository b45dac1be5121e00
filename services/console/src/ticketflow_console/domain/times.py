"""Times shown in each user's own time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from ticketflow_common.time_zones import known_time_zones

DEFAULT_TIME_ZONE = "UTC"


def zone_or_default(name: str | None) -> str:
    """A known IANA zone name, else UTC (never a path handed to zoneinfo)."""
    return name if name is not None and name in known_time_zones() else DEFAULT_TIME_ZONE


def local_time(instant: datetime | None, time_zone: str) -> str:
    """`YYYY-MM-DD HH:MM` in the zone, with its abbreviation; empty for no instant."""
    if instant is None:
        return ""
    local = instant.astimezone(ZoneInfo(zone_or_default(time_zone)))
    return local.strftime("%Y-%m-%d %H:%M %Z")


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 instant from a service's JSON, or None."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
