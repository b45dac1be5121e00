"""`ticketflow staffing <team>` and `ticketflow staffing-gaps`: required vs scheduled agents
per interval, and the understaffed windows coming up (insights API)."""

from typing import Annotated, Any

import typer

from ticketflow_cli import render
from ticketflow_cli.event_summary import short
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def staffing(
    team: Annotated[str, typer.Argument(help="The team's id.")],
    days: Annotated[int, typer.Option(min=1, max=28, help="Days ahead.")] = 1,
    interval: Annotated[int, typer.Option(help="Minutes per interval: 15, 30 or 60.")] = 30,
    only_gaps: Annotated[
        bool, typer.Option("--gaps-only", help="Only the understaffed intervals.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Forecast arrivals, handling time, required and scheduled agents and the gap per
    interval (GET /staffing/{team})."""
    with ServiceClient(load_settings(), "insights") as insights:
        plan: dict[str, Any] = insights.get(
            f"/staffing/{team}", params={"days": days, "interval": interval}
        )
    if as_json:
        render.print_json(plan)
        return
    intervals = plan.pop("intervals")
    gaps = plan.pop("gaps")
    render.print_fields(plan, title=f"staffing of {team}")
    render.print_table(
        ["interval", "arrivals", "required", "on tickets", "scheduled", "gap", "level reached"],
        (
            [
                short(i["interval_start"]),
                _number(i["forecast_arrivals"]),
                i["required_agents"],
                i["productive_agents"],
                i["scheduled_agents"],
                i["gap"] or "",
                _share(i["scheduled_service_level"]),
            ]
            for i in intervals
            if i["gap"] or not only_gaps
        ),
        title="intervals",
    )
    _print_windows(gaps)


def staffing_gaps(
    hours: Annotated[float, typer.Option(min=0.5, max=336, help="How far ahead.")] = 48,
    as_json: JsonOption = False,
) -> None:
    """Understaffed windows of every team you may see in the next hours (GET /staffing/gaps)."""
    with ServiceClient(load_settings(), "insights") as insights:
        windows: list[dict[str, Any]] = insights.get_all("/staffing/gaps", params={"hours": hours})
    if as_json:
        render.print_json(windows)
        return
    _print_windows(windows)
    render.err.print(f"{len(windows)} window{'' if len(windows) == 1 else 's'}")


def _print_windows(windows: list[dict[str, Any]]) -> None:
    render.print_table(
        ["team", "from", "to", "arrivals", "required", "scheduled", "shortfall", "gap id"],
        (
            [
                w["team"],
                short(w["starts_at"]),
                short(w["ends_at"]),
                _number(w["forecast_arrivals"]),
                w["required_agents"],
                w["scheduled_agents"],
                w["shortfall"],
                w["gap_id"],
            ]
            for w in windows
        ),
        title="understaffed windows",
        full_width=["gap id"],
    )


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
