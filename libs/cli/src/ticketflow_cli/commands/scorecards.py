"""`ticketflow scorecard team <team>` and `scorecard agent <id>`: figures against targets."""

from typing import Annotated, Any, Literal
from urllib.parse import quote

import typer

from ticketflow_cli import render
from ticketflow_cli.commands.ticket_state import duration
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

app = typer.Typer(
    help="Scorecards of a team or an agent against the team's targets (insights API;"
    " INSIGHTS_API_TOKEN may be the service token or a viewer token).",
    no_args_is_help=True,
)

PeriodKind = Literal["day", "week", "month", "quarter"]
PeriodOption = Annotated[
    PeriodKind, typer.Option("--period", help="day, week, month or quarter, to date.")
]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="An instant in the period, with its offset (default now)."),
]
TzOption = Annotated[str, typer.Option("--tz", help="Where the period's days begin.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

FIGURES: tuple[tuple[str, str], ...] = (
    ("handled", "count"),
    ("first_contact_resolution", "share"),
    ("first_response_p50_seconds", "seconds"),
    ("first_response_p90_seconds", "seconds"),
    ("first_response_within_target", "share"),
    ("resolution_p50_seconds", "seconds"),
    ("resolution_p90_seconds", "seconds"),
    ("sla_achievement", "share"),
    ("csat_share", "share"),
    ("reopen_rate", "share"),
)


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "seconds":
        return duration(value)
    return f"{value:g}"


def met(figure: dict[str, Any]) -> str:
    if figure.get("met") is None:
        return "-"
    return "met" if figure["met"] else "missed"


def target(figure: dict[str, Any], unit: str) -> str:
    if figure.get("target") is None:
        return "-"
    sign = ">=" if figure.get("direction") == "at_least" else "<="
    return f"{sign} {shown(figure['target'], unit)}"


def print_scorecard(card: dict[str, Any]) -> None:
    period = card["period"]
    title = (
        f"{card['scope']} {card['id']}: {period['kind']} from {period['start']} to {card['as_of']}"
    )
    render.print_table(
        ["figure", "value", "target", "", "over"],
        (
            [
                name,
                shown(card[name]["value"], unit),
                target(card[name], unit),
                met(card[name]),
                card[name]["count"],
            ]
            for name, unit in FIGURES
        ),
        title=title,
    )
    dwell = card.get("dwell_seconds") or {}
    render.print_table(
        ["status", "tickets", "median", "total"],
        (
            [status, d["tickets"], duration(d["median_seconds"]), duration(d["total_seconds"])]
            for status, d in dwell.items()
        ),
        title="Dwell per status (tickets handled)",
    )


def show(path: str, period: str, at: str | None, tz: str, as_json: bool) -> None:
    with ServiceClient(load_settings(), "insights") as insights:
        card: dict[str, Any] = insights.get(path, params={"period": period, "at": at, "tz": tz})
    if as_json:
        render.print_json(card)
        return
    print_scorecard(card)


@app.command("team")
def team_scorecard(
    team: Annotated[str, typer.Argument(help="The team.")],
    period: PeriodOption = "week",
    at: AtOption = None,
    tz: TzOption = "UTC",
    as_json: JsonOption = False,
) -> None:
    """A team's figures to date (its lead or an admin)."""
    show(f"/scorecards/teams/{quote(team, safe='')}", period, at, tz, as_json)


@app.command("agent")
def agent_scorecard(
    agent_id: Annotated[str, typer.Argument(help="The agent's id.")],
    period: PeriodOption = "week",
    at: AtOption = None,
    tz: TzOption = "UTC",
    as_json: JsonOption = False,
) -> None:
    """An agent's figures to date (themself, a lead of their team, or an admin)."""
    show(f"/scorecards/agents/{quote(agent_id, safe='')}", period, at, tz, as_json)
