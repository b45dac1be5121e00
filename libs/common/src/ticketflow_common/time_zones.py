"""IANA time zone names, read from the tz database once per process.

`zoneinfo.available_timezones()` walks the whole tz directory tree on every call; validating a
stored calendar or agent with it cost the SLA service half its CPU under load.
"""

import functools
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, StringConstraints


@functools.cache
def known_time_zones() -> frozenset[str]:
    """Every zone name the tz database offers, plus UTC."""
    return frozenset(available_timezones()) | {"UTC"}


def known_time_zone(value: str) -> str:
    """A name from the tz database, checked by lookup: never a file path handed to zoneinfo."""
    if value not in known_time_zones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin")
    return value


TimeZoneName = Annotated[str, StringConstraints(max_length=64), AfterValidator(known_time_zone)]
