"""`ticketflow knowledge ...`: ask knowledge for suggestions, list its articles and known errors,
and read the deflection figures (knowledge API; KNOWLEDGE_API_TOKEN may be the service token or
an access token from `python -m ticketflow_knowledge issue-token`)."""

import os
import subprocess
import sys
from typing import Annotated, Any

import typer

from ticketflow_cli import render
from ticketflow_cli.commands.demo import checkout_root
from ticketflow_cli.credentials import credential_environment
from ticketflow_cli.event_summary import short
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.service_client import ServiceClient
from ticketflow_cli.settings import load_settings, url_variable

app = typer.Typer(
    help="Knowledge: suggestions for a question, articles, known errors and deflections"
    " (knowledge API).",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOption = Annotated[int, typer.Option(min=1, max=100, help="How many to list.")]
EXCERPT_CHARS = 80


def listed(body: Any) -> list[dict[str, Any]]:
    """A list response, bare or in an `items` envelope."""
    found = body.get("items", []) if isinstance(body, dict) else body
    return [row for row in found if isinstance(row, dict)]


def clipped(text: str | None) -> str:
    """One line of at most EXCERPT_CHARS characters."""
    line = " ".join((text or "").split())
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1] + "…"


def share(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


@app.command("suggest")
def suggest(
    text: Annotated[str, typer.Argument(help="The question, as a ticket's subject.")],
    language: Annotated[
        str, typer.Option("--language", "-l", help="Its language: zh, en, ja, de ...")
    ] = "en",
    description: Annotated[
        str, typer.Option(help="More of the question, as a ticket's description.")
    ] = "",
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="article, known_error or solution; repeat for more."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=20, help="At most this many.")] = None,
    as_json: JsonOption = False,
) -> None:
    """The best articles, known errors and solved tickets for a question (POST /suggestions)."""
    body: dict[str, Any] = {"subject": text, "description": description, "language": language}
    if kind:
        body["kinds"] = kind
    if limit is not None:
        body["limit"] = limit
    with ServiceClient(load_settings(), "knowledge") as knowledge:
        found: dict[str, Any] = knowledge.post("/suggestions", json=body)
    if as_json:
        render.print_json(found)
        return
    items = listed(found.get("items", []))
    render.print_table(
        ["#", "kind", "score", "title", "why", "id"],
        (
            [
                n,
                item["kind"],
                f"{float(item['score']):.3f}",
                item["title"],
                item.get("why", ""),
                item["item_id"],
            ]
            for n, item in enumerate(items, start=1)
        ),
        title=f"suggestion {found.get('suggestion_id', '')}",
        full_width=["id"],
    )
    render.err.print(f"{len(items)} item{'' if len(items) == 1 else 's'}")


@app.command("articles")
def articles(
    status: Annotated[str | None, typer.Option(help="draft, published or archived.")] = None,
    visibility: Annotated[str | None, typer.Option(help="internal or public.")] = None,
    language: Annotated[str | None, typer.Option(help="Only this language's.")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category's.")] = None,
    tag: Annotated[str | None, typer.Option(help="Only those with this tag.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Search text (best match first).")] = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """Articles, newest change first (GET /articles, its pages followed)."""
    params = {
        "status": status,
        "visibility": visibility,
        "language": language,
        "category": category,
        "tag": tag,
        "q": q,
    }
    with ServiceClient(load_settings(), "knowledge") as knowledge:
        found = listed(knowledge.get_all("/articles", params=params, most=limit))
    if as_json:
        render.print_json(found)
        return
    render.print_table(
        ["id", "status", "visibility", "lang", "category", "v", "title", "updated"],
        (
            [
                a.get("id") or a.get("article_id"),
                a["status"],
                a.get("visibility"),
                a.get("language"),
                a.get("category"),
                a.get("version"),
                a["title"],
                short(a["updated_at"]) if a.get("updated_at") else None,
            ]
            for a in found
        ),
        full_width=["id"],
    )
    render.err.print(f"{len(found)} article{'' if len(found) == 1 else 's'}")


@app.command("known-errors")
def known_errors(
    category: Annotated[str | None, typer.Option(help="Only this category's.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Search text (best match first).")] = None,
    limit: LimitOption = 20,
    as_json: JsonOption = False,
) -> None:
    """Known errors and resolved problems with their workaround (GET /known-errors, its pages
    followed)."""
    params = {"category": category, "q": q}
    with ServiceClient(load_settings(), "knowledge") as knowledge:
        found = listed(knowledge.get_all("/known-errors", params=params, most=limit))
    if as_json:
        render.print_json(found)
        return
    render.print_table(
        ["id", "status", "category", "title", "workaround"],
        (
            [
                e.get("problem_id") or e.get("id"),
                e.get("status"),
                e.get("category"),
                e["title"],
                clipped(e.get("workaround")),
            ]
            for e in found
        ),
        full_width=["id"],
    )
    render.err.print(f"{len(found)} known error{'' if len(found) == 1 else 's'}")


@app.command("deflection")
def deflection(
    start: Annotated[
        str | None, typer.Option("--from", help="Start, with its offset (default 30 days ago).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End, exclusive (default now).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Tickets suggested for, answered and solved by a suggestion: deflections (GET
    /deflection)."""
    with ServiceClient(load_settings(), "knowledge") as knowledge:
        found: dict[str, Any] = knowledge.get("/deflection", params={"from": start, "to": end})
    if as_json:
        render.print_json(found)
        return
    render.print_fields(
        {
            "from": found.get("from"),
            "to": found.get("to"),
            "considered tickets": found.get("considered_tickets"),
            "suggested tickets": found.get("suggested_tickets"),
            "answered tickets": found.get("answered_tickets"),
            "solved (deflections)": found.get("solved_tickets"),
            "deflection rate": share(found.get("deflection_rate")),
        },
        title="deflection",
    )
    render.print_table(
        ["kind", "suggested", "answered", "solved", "rate"],
        (
            [
                k["kind"],
                k.get("suggested_tickets"),
                k.get("answered_tickets"),
                k.get("solved_tickets"),
                share(k.get("deflection_rate")),
            ]
            for k in found.get("by_kind", [])
        ),
        title="by item kind",
    )


@app.command("seed-demo")
def seed_demo(
    check: Annotated[
        bool, typer.Option("--check", help="Only ask the demo questions; fail when one gets none.")
    ] = False,
) -> None:
    """What `make run` seeds into knowledge: zh and en articles and known errors
    (tools/seed_knowledge.py, infra/local/demo_knowledge.json), then a suggestion in each."""
    settings = load_settings()
    env = {
        **os.environ,
        **credential_environment(settings, ("knowledge",)),
        url_variable("knowledge"): settings.url("knowledge"),
    }
    command = [sys.executable, "-m", "tools.seed_knowledge", *(["--check"] if check else [])]
    finished = subprocess.run(command, cwd=checkout_root(), env=env, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise CommandFailed(
            f"knowledge demo failed (exit {finished.returncode}); see the output above",
            code=ExitCode.REFUSED,
        )
