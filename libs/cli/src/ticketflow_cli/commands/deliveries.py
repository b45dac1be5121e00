"""`ticketflow deliveries list|show|replay`: notify's delivery log and sending again."""

from typing import Annotated, Any

import typer
from rich.text import Text

from ticketflow_cli import render
from ticketflow_cli.event_summary import short
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

app = typer.Typer(help="Webhook, chat and email deliveries (notify API).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("list")
def list_deliveries(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed.")] = None,
    endpoint: Annotated[str | None, typer.Option(help="Only this endpoint's (its id).")] = None,
    ticket: Annotated[str | None, typer.Option(help="Only this ticket's (event subject).")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Event type.")] = None,
    channel: Annotated[str | None, typer.Option(help="webhook, chat or email.")] = None,
    since: Annotated[str | None, typer.Option(help="Created at or after (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Created before (ISO 8601).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    as_json: JsonOption = False,
) -> None:
    """The delivery log, newest first (GET /deliveries)."""
    params = {
        "status": status,
        "endpoint_id": endpoint,
        "subject": ticket,
        "event_type": event_type,
        "channel": channel,
        "since": since,
        "until": until,
    }
    with ServiceClient(load_settings(), "notify") as notify:
        found: list[dict[str, Any]] = notify.get_all("/deliveries", params=params, most=limit)
    if as_json:
        render.print_json(found)
        return
    render.print_table(
        [
            "id",
            "created",
            "status",
            "attempts",
            "channel",
            "target",
            "event",
            "ticket",
            "last error",
        ],
        (
            [
                d["id"],
                short(d["created_at"]),
                d["status"],
                d["attempts"],
                d["channel"],
                d["target"],
                d["event_type"],
                short(d["subject"]),
                short(d.get("last_error")),
            ]
            for d in found
        ),
        full_width=["id"],
    )
    render.err.print(f"{len(found)} deliver{'y' if len(found) == 1 else 'ies'}")


@app.command("show")
def show_delivery(
    delivery_id: Annotated[str, typer.Argument(help="The delivery's id.")],
    as_json: JsonOption = False,
) -> None:
    """One delivery and every attempt: time, status code, latency, error."""
    with ServiceClient(load_settings(), "notify") as notify:
        found: dict[str, Any] = notify.get(f"/deliveries/{delivery_id}")
    if as_json:
        render.print_json(found)
        return
    attempts = found.pop("attempt_log", [])
    render.print_fields(found, title=f"delivery {delivery_id}")
    render.print_table(
        ["attempt", "started", "status code", "latency ms", "error"],
        (
            [a["attempt"], short(a["started_at"]), a["status_code"], a["latency_ms"], a["error"]]
            for a in attempts
        ),
        title="attempts",
    )


@app.command("replay")
def replay(
    delivery_id: Annotated[
        str | None, typer.Argument(help="One delivery to send again, whatever its state.")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Send again this endpoint's failed deliveries...")
    ] = None,
    since: Annotated[str | None, typer.Option(help="...created at or after (ISO 8601)...")] = None,
    until: Annotated[str | None, typer.Option(help="...and before (ISO 8601).")] = None,
) -> None:
    """Send a delivery again (POST /deliveries/{id}/replay), or every failed delivery of an
    endpoint in [--since, --until) (POST /endpoints/{id}/replay)."""
    window = (endpoint, since, until)
    one = delivery_id is not None and window == (None, None, None)
    by_range = delivery_id is None and None not in window
    if not (one or by_range):
        raise CommandFailed(
            "give a DELIVERY_ID, or --endpoint with --since and --until",
            code=ExitCode.CONFIGURATION,
        )
    with ServiceClient(load_settings(), "notify") as notify:
        if delivery_id is not None:
            notify.post(f"/deliveries/{delivery_id}/replay", json=None)
            render.print_line(Text(f"delivery {delivery_id} queued to be sent again", "green"))
            return
        answer = notify.post(f"/endpoints/{endpoint}/replay", json={"since": since, "until": until})
    render.print_line(
        Text(f"{answer['replayed']} failed deliveries of endpoint {endpoint} queued again", "green")
    )
