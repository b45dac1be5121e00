"""`ticketflow forecast` and `ticketflow forecast-accuracy`: a team's arrivals forecast
(insights API)."""

from typing import Annotated, Any

import typer

from ticketflow_cli import render
from ticketflow_cli.event_summary import short
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

TeamArg = Annotated[str, typer.Argument(help="The team's id.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def forecast_rows(body: dict[str, Any]) -> list[list[str]]:
    """One line per interval: start, expected arrivals, its 90% band, and where it comes from."""
    return [
        [
            short(i["interval_start"]),
            figure(i["arrivals"]),
            f"{figure(i['lower'])}-{figure(i['upper'])}",
            i["source"],
        ]
        for i in body["intervals"]
    ]


def forecast(
    team: TeamArg,
    interval: Annotated[
        int, typer.Option("--interval", help="Minutes per interval: 15, 30 or 60.")
    ] = 30,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks ahead (1-12).")] = 1,
    as_json: JsonOption = False,
) -> None:
    """A team's expected arrivals per interval from now, with a 90% band."""
    with ServiceClient(load_settings(), "insights") as insights:
        body: dict[str, Any] = insights.get(
            f"/forecasts/{team}", params={"interval": interval, "weeks": weeks}
        )
    if as_json:
        render.print_json(body)
        return
    total = sum(i["arrivals"] for i in body["intervals"])
    render.print_table(
        ["interval", "arrivals", "90% band", "source"],
        forecast_rows(body),
        title=(
            f"Arrivals forecast of team {team}, {interval}-minute intervals"
            f" ({total:.0f} expected over {weeks} week(s))"
        ),
    )


def accuracy_fields(body: dict[str, Any]) -> dict[str, Any]:
    beats = body["beats_baseline"]
    return {
        "interval": f"{body['interval_minutes']} minutes",
        "model WAPE": percent(body["model_wape"]),
        "seasonal-naive WAPE": percent(body["baseline_wape"]),
        "beats baseline": "-" if beats is None else beats,
        "backtest folds": body["folds"],
        "history days": body["history_days"],
        "computed": short(body["computed_at"]),
    }


def forecast_accuracy(
    team: TeamArg,
    interval: Annotated[
        int, typer.Option("--interval", help="Minutes per interval: 15, 30 or 60.")
    ] = 30,
    as_json: JsonOption = False,
) -> None:
    """How the team's forecast did in its latest backtest, against last week repeated."""
    with ServiceClient(load_settings(), "insights") as insights:
        body: dict[str, Any] = insights.get(
            f"/forecasts/{team}/accuracy", params={"interval": interval}
        )
    if as_json:
        render.print_json(body)
        return
    render.print_fields(accuracy_fields(body), title=f"Forecast accuracy of team {team}")


def register(app: typer.Typer) -> None:
    """Both commands at the top level: `ticketflow forecast <team>`."""
    app.command("forecast")(forecast)
    app.command("forecast-accuracy")(forecast_accuracy)
