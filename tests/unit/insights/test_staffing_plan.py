"""The staffing plan's pure parts: intervals, scheduled counts, forecast resampling, gap windows."""

from datetime import UTC, datetime, time, timedelta

import pytest

from ticketflow_common.shifts import Shift
from ticketflow_insights.domain.staffing_plan import (
    AgentSchedule,
    ForecastRow,
    GapWindow,
    PlannedInterval,
    arrivals_per_interval,
    gap_id,
    gap_windows,
    interval_starts,
    match_announced,
    plan_intervals,
    scheduled_per_interval,
)
from ticketflow_insights.domain.targets import TeamTargets

MONDAY = datetime(2025, 6, 2, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


def at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


def planned(
    start: datetime, required: int | None, scheduled: int, arrivals: float = 10.0
) -> PlannedInterval:
    return PlannedInterval(start, arrivals, 180.0, required, required, scheduled, None)


def test_intervals_start_at_the_one_containing_now() -> None:
    starts = interval_starts(now=at(10.4), interval_minutes=30, count=3)
    assert starts == [at(10), at(10.5), at(11)]
    assert interval_starts(now=at(10), interval_minutes=60, count=1) == [at(10)]


def test_agents_count_in_intervals_they_cover_at_least_half_of() -> None:
    starts = [at(8 + index / 2) for index in range(4)]  # 08:00 .. 09:30
    agents = [
        AgentSchedule([Shift(days=["mon"], start=time(8, 15), end=time(9, 0))], "UTC"),
        AgentSchedule([Shift(days=["mon"], start=time(8, 20), end=time(9, 10))], "UTC"),
        AgentSchedule(None, "Europe/Berlin"),  # always on shift
        AgentSchedule([], "UTC"),  # never
        AgentSchedule([Shift(days=["tue"], start=time(8), end=time(10))], "UTC"),
    ]
    assert scheduled_per_interval(agents=agents, starts=starts, interval_minutes=30) == [
        2,  # 08:00: the 08:15 agent covers half, the 08:20 one a third
        3,
        1,  # 09:00: the 09:10 end covers a third
        1,
    ]


def test_an_agent_in_another_time_zone_counts_at_their_local_hours() -> None:
    berlin = AgentSchedule([Shift(days=["mon"], start=time(9), end=time(10))], "Europe/Berlin")
    starts = [at(6.5), at(7), at(7.5), at(8)]
    assert scheduled_per_interval(agents=[berlin], starts=starts, interval_minutes=30) == [
        0,
        1,
        1,
        0,
    ]


def test_forecast_prefers_the_same_length_then_sums_finer_then_splits_coarser() -> None:
    starts = [at(0), at(0.5), at(1), at(1.5), at(2)]
    rows = [
        ForecastRow(30, at(0), 7.0),
        ForecastRow(15, at(0), 100.0),  # ignored: a 30-minute row exists
        ForecastRow(15, at(0.5), 2.0),
        ForecastRow(15, at(0.75), 3.0),
        ForecastRow(60, at(1), 8.0),
    ]
    assert arrivals_per_interval(rows=rows, starts=starts, interval_minutes=30) == [
        7.0,
        5.0,
        4.0,
        4.0,
        None,
    ]


def test_forecast_rows_off_the_interval_grid_count_by_their_overlap() -> None:
    # Hours of a team in India start at :30 UTC; the plan's hours start at :00.
    rows = [ForecastRow(60, at(h + 0.5), 10.0 * (h + 1)) for h in range(3)]
    assert arrivals_per_interval(
        rows=rows, starts=[at(0), at(1), at(2), at(3)], interval_minutes=60
    ) == [
        None,  # 00:00-00:30 has no forecast
        15.0,
        25.0,
        None,
    ]


def test_plan_needs_the_worked_example_roster_and_reports_what_the_roster_reaches() -> None:
    targets = TeamTargets(service_level=0.8, first_response_seconds=20, shrinkage=0.3)
    plan = plan_intervals(
        starts=[at(0), at(0.5), at(1)],
        arrivals=[100.0, None, 0.0],
        scheduled=[15, 3, 0],
        handle_seconds=180.0,
        interval_minutes=30,
        targets=targets,
    )
    busy, unknown, quiet = plan
    assert (busy.productive_agents, busy.required_agents, busy.gap) == (14, 20, 5)
    # 15 on the roster are 10 on tickets: the load is 10 Erlangs, so nobody is served in time.
    assert busy.scheduled_service_level == 0.0
    assert (unknown.required_agents, unknown.gap) == (None, 0)
    assert (quiet.required_agents, quiet.gap) == (0, 0)


def test_abandonment_switches_to_erlang_a_and_needs_no_more_agents() -> None:
    common = {"service_level": 0.8, "first_response_seconds": 20.0, "shrinkage": 0.0}
    erlang_c, erlang_a = (
        plan_intervals(
            starts=[at(0)],
            arrivals=[100.0],
            scheduled=[0],
            handle_seconds=180.0,
            interval_minutes=30,
            targets=TeamTargets(**common, patience_seconds=patience),
        )[0]
        for patience in (None, 120.0)
    )
    assert erlang_c.required_agents == 14
    assert erlang_a.required_agents is not None
    assert erlang_a.required_agents <= 14


def test_consecutive_understaffed_intervals_merge_into_one_window() -> None:
    intervals = [
        planned(at(0), 3, 3),
        planned(at(0.5), 4, 2, arrivals=20.0),
        planned(at(1), 6, 3, arrivals=30.0),
        planned(at(1.5), 2, 2),
        planned(at(2), 5, 4, arrivals=15.0),
        planned(at(3), 5, 4, arrivals=15.0),  # 02:30 missing: not consecutive
        planned(at(3.5), None, 0),
    ]
    windows = gap_windows(team="net", planned=intervals, interval_minutes=30)
    assert [(w.starts_at, w.ends_at) for w in windows] == [
        (at(0.5), at(1.5)),
        (at(2), at(2.5)),
        (at(3), at(3.5)),
    ]
    first = windows[0]
    assert (first.required_agents, first.scheduled_agents, first.shortfall) == (6, 2, 3)
    assert first.forecast_arrivals == pytest.approx(50.0)
    assert first.gap_id == gap_id("net", at(0.5))


def test_gap_ids_are_stable_per_team_and_start() -> None:
    assert gap_id("net", at(1)) == gap_id("net", at(1).astimezone())
    assert gap_id("net", at(1)) != gap_id("net", at(1.5))
    assert gap_id("net", at(1)) != gap_id("apps", at(1))


def windows_of(*runs: tuple[float, int, int]) -> list[GapWindow]:
    """Windows from (start hour, number of half hours, shortfall) runs."""
    planned_intervals = [
        planned(at(hour + index / 2), 2 + shortfall, 2)
        for hour, halves, shortfall in runs
        for index in range(halves)
    ]
    return gap_windows(team="net", planned=planned_intervals, interval_minutes=30)


def test_an_ongoing_window_keeps_the_id_and_start_it_was_announced_with() -> None:
    [announced] = windows_of((0, 2, 2))
    [later] = windows_of((0.5, 2, 3))  # the horizon now starts at 00:30
    [matched] = match_announced([later], announced=[announced], horizon_start=at(0.5))
    assert (matched.gap_id, matched.starts_at) == (announced.gap_id, at(0))
    assert (matched.ends_at, matched.shortfall) == (at(1.5), 3)


def test_a_window_that_moved_keeps_its_id_and_its_new_start() -> None:
    [announced] = windows_of((12, 3, 2))
    [earlier] = windows_of((11.5, 2, 2))
    [matched] = match_announced([earlier], announced=[announced], horizon_start=at(10))
    assert (matched.gap_id, matched.starts_at) == (announced.gap_id, at(11.5))


def test_a_split_window_keeps_its_id_once_and_the_rest_are_new() -> None:
    [announced] = windows_of((12, 4, 2))
    first, second = windows_of((12, 1, 2), (13, 1, 2))
    matched = match_announced([first, second], announced=[announced], horizon_start=at(10))
    assert [w.gap_id for w in matched] == [announced.gap_id, gap_id("net", at(13))]
    [apart] = windows_of((20, 1, 2))
    assert match_announced([apart], announced=[announced], horizon_start=at(10)) == [apart]
