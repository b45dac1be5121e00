"""The filters insights' mail is written with, and its shipped templates on thin events."""

from typing import Any

import pytest

from ticketflow_notify.domain.templates import (
    BUILT_IN,
    duration_filter,
    figure_filter,
    percent_filter,
    render,
    span_filter,
    when_filter,
)


def test_instants_and_windows_read_as_utc_minutes() -> None:
    assert when_filter("2026-03-03T09:00:00Z") == "2026-03-03 09:00 UTC"
    assert when_filter("2026-03-03T17:30:00+08:00") == "2026-03-03 09:30 UTC"
    assert when_filter("soon") == "soon"
    assert span_filter("2026-03-03T09:00:00Z", "2026-03-03T11:30:00Z") == (
        "2026-03-03 09:00-11:30 UTC"
    )
    assert span_filter("2026-03-03T22:00:00Z", "2026-03-04T02:00:00Z") == (
        "2026-03-03 22:00 - 2026-03-04 02:00 UTC"
    )
    assert span_filter(None, "x") == "None-x"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (91.25, "%", "91.25%"),
        (90.0, "%", "90%"),
        (172800.0, "s", "172,800 s"),
        (0.333333, "", "0.33"),
        (None, "%", "-"),
        (True, "", "True"),
        ("n/a", "", "n/a"),
    ],
)
def test_figures_show_two_decimals_at_most_and_their_unit(
    value: object, unit: str, shown: str
) -> None:
    assert figure_filter(value, unit) == shown


def test_ratios_and_durations() -> None:
    assert percent_filter(0.8) == "80%"
    assert percent_filter("x") == "x"
    assert [duration_filter(s) for s in (45, 1800, 5400, 7200)] == [
        "45 s",
        "30 min",
        "1.5 h",
        "2 h",
    ]


@pytest.mark.parametrize(
    "key",
    [k for k in BUILT_IN if k[0] in ("staffing.gap_forecast", "report.published", "sla.at_risk")],
)
def test_the_shipped_templates_render_an_event_that_says_little(key: tuple[str, str]) -> None:
    """Optional fields left out (no team name, no figures, no links, no reasons) still read."""
    data: dict[str, Any] = {
        "team": "network",
        "kind": "monthly",
        "metric": "resolution",
        "title": "March",
        "shortfall": 1,
        "starts_at": "2026-03-03T09:00:00Z",
        "ends_at": "2026-03-03T09:30:00Z",
        "probability": 0.5,
        "threshold": 0.4,
    }
    context = {"event": {"subject": "s", "data": data}, "data": data, "ticket": {}}
    message = render(BUILT_IN[key], context | {"insights_url": ""})
    assert message.subject
    assert "None" not in message.subject
    if key == ("staffing.gap_forecast", "en"):
        assert (
            message.subject == "Staffing gap for network 2026-03-03 09:00-09:30 UTC: 1 agent short"
        )
