"""Time zone names come from the tz database once; validation stays as strict as before."""

from ticketflow_common.time_zones import known_time_zones


def test_iana_names_and_utc_are_known_and_others_are_not() -> None:
    zones = known_time_zones()
    assert {"Europe/Paris", "America/New_York", "UTC"} <= zones
    assert "Mars/Olympus_Mons" not in zones
    assert "europe/paris" not in zones


def test_the_tz_database_is_read_once_per_process() -> None:
    assert known_time_zones() is known_time_zones()
