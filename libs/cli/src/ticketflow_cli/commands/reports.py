"""`ticketflow reports [--kind] [--team]` and `ticketflow reports show ID`: insights' stored
weekly, monthly and quarterly reports."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from ticketflow_cli import render
from ticketflow_cli.event_summary import short
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

app = typer.Typer(
    help="Scheduled reports against targets (insights API): list them, read one.",
    invoke_without_command=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
FORMATS = {"json": "", "csv": ".csv", "html": ".html"}


def _value(figure: dict[str, Any], key: str) -> str:
    value = figure.get(key)
    if value is None:
        return ""
    if figure.get("unit") == "share":
        return f"{value:.1%}"
    if figure.get("unit") == "seconds":
        return f"{value / 3600:.1f} h"
    return f"{value:g}"


@app.callback()
def list_reports(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="weekly, monthly or quarterly.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team's.")] = None,
    organisation: Annotated[
        bool, typer.Option("--organisation", help="Only the organisation's.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Stored reports, newest period first (GET /reports)."""
    if ctx.invoked_subcommand is not None:
        return
    params = {"kind": kind, "team": team, "organisation": organisation or None}
    with ServiceClient(load_settings(), "insights") as insights:
        found: list[dict[str, Any]] = insights.get_all("/reports", params=params, most=limit)
    if as_json:
        render.print_json(found)
        return
    render.print_table(
        ["id", "kind", "team", "from", "to", "title", "published"],
        (
            [
                r["report_id"],
                r["kind"],
                r["team"] or "(organisation)",
                r["period_start"][:10],
                r["period_end"][:10],
                r["title"],
                short(r["published_at"]),
            ]
            for r in found
        ),
        full_width=["id", "title"],
    )
    render.err.print(f"{len(found)} report{'' if len(found) == 1 else 's'}")


@app.command("show")
def show_report(
    report_id: Annotated[str, typer.Argument(help="The report's id (from `ticketflow reports`).")],
    output_format: Annotated[
        str, typer.Option("--format", help="table, json, csv or html.")
    ] = "table",
    output: Annotated[
        Path | None, typer.Option(help="Write the csv or html to this file instead.")
    ] = None,
) -> None:
    """One report: its figures against target and previous period (GET /reports/{id})."""
    if output_format not in ("table", *FORMATS):
        raise CommandFailed(
            f"--format must be table, json, csv or html, not {output_format!r}",
            code=ExitCode.CONFIGURATION,
        )
    with ServiceClient(load_settings(), "insights") as insights:
        if output_format in ("csv", "html"):
            page = insights.request("GET", f"/reports/{report_id}{FORMATS[output_format]}")
            if output is None:
                typer.echo(page.text, nl=False)
            else:
                output.write_bytes(page.content)  # as served: UTF-8, CSV's CRLF
                render.print_line(Text(f"wrote {output}", "green"))
            return
        found: dict[str, Any] = insights.get(f"/reports/{report_id}")
    if output_format == "json":
        render.print_json(found)
        return
    render.print_table(
        ["figure", "value", "target", "met", "previous"],
        (
            [
                f["label"],
                _value(f, "value"),
                _value(f, "target"),
                "" if f["met"] is None else ("yes" if f["met"] else "no"),
                _value(f, "previous"),
            ]
            for f in found["figures"]
        ),
        title=found["title"],
    )
    trend = found["cycle_time"]
    render.print_table(
        ["week", "median resolution"],
        (
            [w["week_start"][:10], _value({**w, "unit": "seconds"}, "resolution_p50_seconds")]
            for w in trend["weeks"]
        ),
        title=(
            f"cycle time: baseline {trend['baseline_seconds'] / 3600:.0f} h, "
            f"target {trend['target_seconds'] / 3600:.1f} h"
        ),
    )
