"""The staffing chart's geometry: bars from the bottom of the plot, a line per run of
intervals with a requirement, a round top, and gridlines at round steps."""

from datetime import UTC, datetime, timedelta

import pytest

from ticketflow_console.domain.staffing_chart import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    ChartInterval,
    staffing_chart,
    tick_step,
)

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def hours(*figures: tuple[int, int | None]) -> list[ChartInterval]:
    return [
        ChartInterval(START + timedelta(hours=n), scheduled, required)
        for n, (scheduled, required) in enumerate(figures)
    ]


def label(instant: datetime) -> str:
    return instant.strftime("%H:%M")


def test_bars_stand_on_the_axis_and_scale_to_a_round_top() -> None:
    chart = staffing_chart(hours((2, 3), (4, 7), (0, 1)), label_of=label, width=340, height=200)
    plot_bottom = 200 - BOTTOM
    assert chart.plot_bottom == plot_bottom
    assert chart.top_value == 8, "7 agents: a step of 2, so the top is 8"
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(plot_bottom)
    heights = [bar.height for bar in chart.bars]
    plot_height = 200 - TOP - BOTTOM
    assert heights == pytest.approx([plot_height * 2 / 8, plot_height * 4 / 8, 0], abs=0.01)
    slot = (340 - LEFT - RIGHT) / 3
    assert [b.x for b in chart.bars] == pytest.approx(
        [LEFT + slot * n + slot * 0.15 for n in range(3)], abs=0.01
    )


def test_the_required_line_passes_over_each_bar_centre_and_breaks_where_there_is_no_forecast() -> (
    None
):
    chart = staffing_chart(
        hours((1, 2), (1, 4), (1, None), (1, 3)), label_of=label, width=444, height=260
    )
    assert len(chart.required_lines) == 2
    first, second = (line.split(" ") for line in chart.required_lines)
    assert len(first) == 2
    assert len(second) == 1
    x, y = (float(v) for v in first[1].split(","))
    bar = chart.bars[1]
    assert x == pytest.approx(bar.x + bar.width / 2, abs=0.01)
    assert y == pytest.approx(chart.plot_bottom - (chart.plot_bottom - TOP) * 4 / chart.top_value)


def test_axes_are_labelled_with_round_agent_counts_and_a_readable_number_of_times() -> None:
    chart = staffing_chart(hours(*[(30, 42)] * 24), label_of=label, time_labels=6)
    assert chart.top_value == 50
    assert [t.label for t in chart.agent_ticks] == ["0", "10", "20", "30", "40", "50"]
    assert [t.label for t in chart.time_ticks] == [
        "09:00",
        "13:00",
        "17:00",
        "21:00",
        "01:00",
        "05:00",
    ]


def test_an_empty_plan_draws_an_empty_plot_with_a_top_of_one() -> None:
    chart = staffing_chart([], label_of=label)
    assert chart.bars == ()
    assert chart.required_lines == ()
    assert chart.top_value == 1


@pytest.mark.parametrize(
    ("highest", "step"),
    [(0, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10), (120, 50), (260, 100)],
)
def test_tick_steps_are_round_and_give_at_most_six_gridlines(highest: int, step: int) -> None:
    assert tick_step(highest) == step
