"""`ticketflow tickets create|list|show`: the intake API."""

from typing import Annotated, Any

import typer
from rich.text import Text

from ticketflow_cli import render
from ticketflow_cli.event_summary import short, summarise
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings

app = typer.Typer(help="File, find and read tickets (intake API).", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command()
def create(
    subject: Annotated[str, typer.Option(help="What is wrong, in a line.")],
    requester: Annotated[
        str | None, typer.Option(help="Requester id (e.g. their user id); or --requester-email.")
    ] = None,
    description: Annotated[str, typer.Option(help="The long text.")] = "",
    requester_name: Annotated[str | None, typer.Option(help="Requester's name.")] = None,
    requester_email: Annotated[
        str | None,
        typer.Option(help="Requester's email; alone, it finds (or makes) the requester's id."),
    ] = None,
    tier: Annotated[str | None, typer.Option(help="Requester tier, e.g. standard, vip.")] = None,
    priority: Annotated[
        str | None, typer.Option(help="low, normal, high or urgent (else derived).")
    ] = None,
    impact: Annotated[
        str | None, typer.Option(help="low, medium or high (with --urgency).")
    ] = None,
    urgency: Annotated[
        str | None, typer.Option(help="low, medium or high (with --impact).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Category key, e.g. network.")] = None,
    channel: Annotated[
        str | None, typer.Option(help="web, app, email, chat, phone or api.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag; repeat for more.")] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="A required skill; repeat for more.")
    ] = None,
    watcher: Annotated[list[str] | None, typer.Option(help="A watcher's email; repeat.")] = None,
    amount: Annotated[str | None, typer.Option(help="Amount; large ones need approval.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. en.")] = None,
    external_ref: Annotated[str | None, typer.Option(help="Your system's reference.")] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Retries with the same key file the ticket only once.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the id.")] = False,
    as_json: JsonOption = False,
) -> None:
    """File a ticket (POST /tickets) for a requester named by id, email or both."""
    if requester is None and requester_email is None:
        raise typer.BadParameter("give --requester or --requester-email (or both)")
    person: dict[str, Any] = {"id": requester, "name": requester_name, "email": requester_email}
    if tier:
        person["tier"] = tier
    body: dict[str, Any] = {
        "subject": subject,
        "description": description,
        "requester": {k: v for k, v in person.items() if v is not None},
        "priority": priority,
        "impact": impact,
        "urgency": urgency,
        "category": category,
        "channel": channel,
        "tags": tag,
        "required_skills": skill,
        "watchers": watcher,
        "amount": amount,
        "language": language,
        "external_ref": external_ref,
    }
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    with ServiceClient(load_settings(), "intake") as intake:
        ticket = intake.post(
            "/tickets", json={k: v for k, v in body.items() if v is not None}, headers=headers
        )
    if as_json:
        render.print_json(ticket)
    elif quiet:
        render.out.print(ticket["id"])
    else:
        line = Text("created ticket ", style="green")
        line.append(ticket["id"], style="bold")
        line.append(f"  {ticket['priority']}  {ticket['status']}  {ticket.get('team') or '-'}")
        render.print_line(line)


@app.command("list")
def list_tickets(
    status: Annotated[
        list[str] | None, typer.Option(help="Status; repeat for any of several.")
    ] = None,
    priority: Annotated[list[str] | None, typer.Option(help="Priority; repeatable.")] = None,
    category: Annotated[str | None, typer.Option()] = None,
    team: Annotated[str | None, typer.Option()] = None,
    assignee: Annotated[str | None, typer.Option(help="Owner's agent id.")] = None,
    requester: Annotated[str | None, typer.Option(help="Requester id.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Tag; repeatable (all must match).")] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Full text over subject, description, comments."),
    ] = None,
    sla_breached: Annotated[
        bool | None, typer.Option("--sla-breached/--sla-kept", help="Only breached / kept.")
    ] = None,
    created_after: Annotated[str | None, typer.Option(help="ISO 8601 time.")] = None,
    created_before: Annotated[str | None, typer.Option(help="ISO 8601 time.")] = None,
    updated_after: Annotated[str | None, typer.Option(help="ISO 8601 time.")] = None,
    updated_before: Annotated[str | None, typer.Option(help="ISO 8601 time.")] = None,
    sort: Annotated[
        str, typer.Option(help="created_at, updated_at or priority; '-' first for descending.")
    ] = "-created_at",
    limit: Annotated[int, typer.Option(min=1, max=200, help="Tickets per page.")] = 50,
    cursor: Annotated[str | None, typer.Option(help="Where the previous page ended.")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="Follow the cursor to the end.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Filter, search and page through tickets (GET /tickets)."""
    params: dict[str, Any] = {
        "status": status,
        "priority": priority,
        "category": category,
        "team": team,
        "assignee": assignee,
        "requester": requester,
        "tag": tag,
        "q": search,
        "sla_breached": None if sla_breached is None else str(sla_breached).lower(),
        "created_after": created_after,
        "created_before": created_before,
        "updated_after": updated_after,
        "updated_before": updated_before,
        "sort": sort,
        "limit": limit,
        "cursor": cursor,
    }
    tickets: list[dict[str, Any]] = []
    with ServiceClient(load_settings(), "intake") as intake:
        while True:
            page = intake.get("/tickets", params=params)
            tickets.extend(page["items"])
            params["cursor"] = page.get("next_cursor")
            if not all_pages or not params["cursor"]:
                break
    if as_json:
        render.print_json({"items": tickets, "next_cursor": params["cursor"]})
        return
    render.print_table(
        ["id", "created", "priority", "status", "team", "owner", "subject"],
        (
            [
                t["id"],
                short(t["created_at"]),
                t["priority"],
                t["status"],
                t.get("team"),
                (t.get("owner") or {}).get("agent_name"),
                t["subject"],
            ]
            for t in tickets
        ),
        full_width=["id"],
    )
    if params["cursor"]:
        render.err.print(f"more: --cursor {params['cursor']}", soft_wrap=True)


@app.command()
def show(
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id.")],
    timeline: Annotated[bool, typer.Option(help="Also show the timeline.")] = True,
    as_json: JsonOption = False,
) -> None:
    """A ticket and its timeline: every event from intake, routing, sla and notify."""
    with ServiceClient(load_settings(), "intake") as intake:
        ticket = intake.get(f"/tickets/{ticket_id}")
        entries = intake.get_all(f"/tickets/{ticket_id}/timeline") if timeline else []
    if as_json:
        render.print_json({"ticket": ticket, "timeline": entries})
        return
    owner = ticket.get("owner") or {}
    render.print_fields(
        {
            "id": ticket["id"],
            "subject": ticket["subject"],
            "description": ticket.get("description") or None,
            "status": ticket["status"],
            "priority": ticket["priority"],
            "category": ticket.get("category"),
            "team": ticket.get("team"),
            "owner": owner.get("agent_name"),
            "requester": ticket["requester"]["id"],
            "skills": ticket.get("required_skills"),
            "tags": ticket.get("tags"),
            "sla breached": ticket.get("sla_breached"),
            "escalation level": ticket.get("escalation_level"),
            "created": short(ticket["created_at"]),
            "version": ticket.get("version"),
        },
        title=f"ticket {ticket['id']}",
    )
    if timeline:
        render.print_table(
            ["time", "source", "type", "what"],
            (
                [short(e["time"]), e["source"], e["type"], summarise(e["type"], e["data"])]
                for e in entries
            ),
            title="timeline",
        )
