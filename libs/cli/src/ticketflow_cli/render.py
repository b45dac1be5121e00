"""Printing for people (rich tables and coloured lines) and for scripts (`--json`)."""

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

TYPE_STYLES = (
    ("sla.breached", "bold red"),
    ("sla.escalated", "bold red"),
    ("sla.warning", "yellow"),
    ("notification.failed", "red"),
    ("sla.", "magenta"),
    ("notification.", "blue"),
    ("ticket.assigned", "green"),
    ("ticket.queued", "yellow"),
    ("ticket.", "cyan"),
    ("agent.", "green"),
)
STATUS_STYLES = {
    "failed": "red",
    "delivered": "green",
    "pending": "yellow",
    "breached": "red",
    "met": "green",
    "running": "cyan",
    "paused": "yellow",
}


def style_of_type(event_type: str) -> str:
    return next((style for start, style in TYPE_STYLES if event_type.startswith(start)), "white")


def print_json(value: Any) -> None:
    """Plain JSON on stdout, never wrapped or coloured, so scripts can parse it."""
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_json_line(value: Any) -> None:
    """One compact JSON document per line (JSON Lines), for streams."""
    sys.stdout.write(json.dumps(value, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def print_line(text: Text) -> None:
    out.print(text, soft_wrap=True)


def cell(value: Any) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    full_width: Sequence[str] = (),
) -> None:
    """A table; the `full_width` columns (ids) are never cut or wrapped."""
    rows = list(rows)
    if not rows:
        if title:
            out.print(Text(title, style="bold"))
        out.print(Text("  (none)", style="dim"))
        return
    table = Table(title=title, title_justify="left", header_style="bold")
    for name in columns:
        whole = name in full_width
        table.add_column(name, no_wrap=whole, min_width=36 if whole else None)
    for row in rows:
        table.add_row(*(Text(cell(v), style=STATUS_STYLES.get(cell(v), "")) for v in row))
    out.print(table)


def print_fields(fields: Mapping[str, Any], *, title: str | None = None) -> None:
    """`name: value` lines, for one object."""
    if title:
        out.print(Text(title, style="bold"))
    width = max((len(k) for k in fields), default=0)
    for key, value in fields.items():
        line = Text(f"  {key:<{width}}  ", style="dim")
        line.append(cell(value), style=STATUS_STYLES.get(cell(value), ""))
        print_line(line)
