"""IANA time zone names, read from the tz database once per process.

`zoneinfo.available_timezones()` walks the whole tz directory tree on every call; validating a
stored calendar or agent with it cost the SLA service half its CPU under load.
"""

import functools
from zoneinfo import available_timezones


@functools.cache
def known_time_zones() -> frozenset[str]:
    """Every zone name the tz database offers, plus UTC."""
    return frozenset(available_timezones()) | {"UTC"}
