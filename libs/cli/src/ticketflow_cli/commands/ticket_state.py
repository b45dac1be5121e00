"""`ticketflow sla show` and `ticketflow routing show`: a ticket as sla and routing see it."""

from typing import Annotated, Any

import typer

from ticketflow_cli import render
from ticketflow_cli.event_summary import short
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

sla_app = typer.Typer(help="SLA clocks (sla API).", no_args_is_help=True)
routing_app = typer.Typer(help="Routing decisions (routing API).", no_args_is_help=True)

TicketArg = Annotated[str, typer.Argument(help="The ticket's id.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def duration(seconds: float | None) -> str:
    """Business seconds as `1h 02m 03s`."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def clock_state(clock: dict[str, Any]) -> str:
    return "breached" if clock.get("breached") and clock["state"] == "running" else clock["state"]


@sla_app.command("show")
def show_sla(ticket_id: TicketArg, as_json: JsonOption = False) -> None:
    """Every SLA clock of a ticket: state, deadline, business time used and left, pauses."""
    with ServiceClient(load_settings(), "sla") as sla:
        clocks: list[dict[str, Any]] = sla.get_all(f"/tickets/{ticket_id}/sla")
    if as_json:
        render.print_json(clocks)
        return
    if not clocks:
        raise CommandFailed(
            f"sla has no clocks for ticket {ticket_id} (not known yet, or no policy applies)",
            code=ExitCode.NOT_FOUND,
        )
    render.print_table(
        [
            "metric",
            "cycle",
            "policy",
            "calendar",
            "state",
            "breached",
            "due",
            "used",
            "left",
            "overdue",
            "pauses",
        ],
        (
            [
                c["metric"],
                c["cycle"],
                c["policy"],
                c["calendar"],
                clock_state(c),
                c["breached"],
                short(c.get("due_at")),
                duration(c["business_seconds_used"]),
                duration(c["business_seconds_remaining"]),
                duration(c["business_seconds_overdue"]),
                len(c.get("pauses") or []),
            ]
            for c in clocks
        ),
        title=f"SLA clocks of ticket {ticket_id}",
    )


@routing_app.command("show")
def show_routing(
    ticket_id: TicketArg,
    decisions: Annotated[int, typer.Option(min=1, max=100, help="How many decisions.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Who owns a ticket or where it waits, and why: the decisions with scores and exclusions."""
    with ServiceClient(load_settings(), "routing") as routing:
        found: dict[str, Any] = routing.get(
            f"/tickets/{ticket_id}/routing", params={"limit": decisions}
        )
    if as_json:
        render.print_json(found)
        return
    owner = found.get("owner") or {}
    queued = found.get("queued") or {}
    names = agent_names(found.get("decisions", []))
    render.print_fields(
        {
            "status": found["status"],
            "priority": found["priority"],
            "team": found.get("team"),
            "skills": found.get("required_skills"),
            "owner": named(owner.get("agent_id"), names),
            "assigned": short(owner.get("assigned_at")),
            "why": owner.get("reason"),
            "pickup due": short(owner.get("pickup_due_at")),
            "queue position": queued.get("position"),
        },
        title=f"routing of ticket {ticket_id}",
    )
    render.print_table(
        ["decided", "kind", "agent", "strategy", "reason", "detail"],
        (
            [
                short(d["decided_at"]),
                d["kind"],
                named(d.get("agent_id"), names),
                d.get("strategy"),
                d.get("reason"),
                decision_detail(d.get("detail") or {}),
            ]
            for d in found.get("decisions", [])
        ),
        title="decisions (newest first)",
    )


def agent_names(decisions: list[dict[str, Any]]) -> dict[str, str]:
    """Agent id -> name, from the scores and exclusions the decisions recorded."""
    names: dict[str, str] = {}
    for decision in decisions:
        detail = decision.get("detail") or {}
        scored = [detail.get("score"), *(detail.get("alternatives") or [])]
        for entry in [*scored, *(detail.get("exclusions") or [])]:
            if isinstance(entry, dict) and entry.get("agent_id") and entry.get("agent_name"):
                names[str(entry["agent_id"])] = str(entry["agent_name"])
    return names


def named(agent_id: str | None, names: dict[str, str]) -> str | None:
    if agent_id is None:
        return None
    return f"{names[agent_id]} ({agent_id})" if agent_id in names else agent_id


def decision_detail(detail: dict[str, Any]) -> str:
    """The score of the chosen agent, how many alternatives, and who was excluded why."""
    parts = []
    score = detail.get("score")
    if isinstance(score, dict) and "total" in score:
        parts.append(f"score {float(score['total']):.2f}")
    alternatives = detail.get("alternatives")
    if isinstance(alternatives, list) and alternatives:
        parts.append(f"{len(alternatives)} alternative(s)")
    for exclusion in detail.get("exclusions") or []:
        if isinstance(exclusion, dict):
            reasons = ",".join(exclusion.get("reasons", []))
            parts.append(f"excluded {exclusion.get('agent_name')}: {reasons}")
    return "; ".join(parts) or "-"
