"""`ticketflow follow`: the topics as they happen, one coloured line per CloudEvent."""

import asyncio
import fnmatch
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.text import Text

from ticketflow_cli import render
from ticketflow_cli.event_summary import summarise
from ticketflow_cli.kafka_reading import (
    Record,
    assign_at,
    group_less_consumer,
    partitions_of,
    resolve_topic,
)
from ticketflow_cli.settings import load_settings
from ticketflow_common.topics import ALL_TOPICS, TopicNames


@dataclass(frozen=True)
class EventFilter:
    """Which events to show: any of the type patterns, any of the tickets (all when empty)."""

    types: tuple[str, ...]
    tickets: tuple[str, ...]

    def keeps(self, event: dict[str, Any]) -> bool:
        event_type = str(event.get("type", ""))
        if self.types and not any(fnmatch.fnmatchcase(event_type, p) for p in self.types):
            return False
        if not self.tickets:
            return True
        data = event.get("data")
        ticket = data.get("ticket_id") if isinstance(data, dict) else None
        return event.get("subject") in self.tickets or ticket in self.tickets


def event_of(record: Record) -> dict[str, Any]:
    """The CloudEvent, or a stand-in saying the message is not one."""
    try:
        event = json.loads(record.value or b"")
    except ValueError:
        event = None
    if isinstance(event, dict):
        return event
    return {
        "type": "(not a CloudEvent)",
        "time": datetime.fromtimestamp(record.timestamp / 1000, tz=UTC).isoformat(),
        "subject": (record.key or b"").decode(errors="replace"),
        "data": {"bytes": len(record.value or b"")},
    }


def event_line(topic: str, event: dict[str, Any]) -> Text:
    """`12:03:04.123 tickets  ticket.created   3f2a...  priority=high status=new 'VPN'`."""
    try:
        moment = datetime.fromisoformat(str(event.get("time"))).astimezone(UTC)
        when = moment.strftime("%H:%M:%S.%f")[:-3]
    except ValueError:
        when = "??:??:??.???"
    event_type = str(event.get("type", "?"))
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    line = Text(when, style="dim")
    line.append(f" {topic.split('.', 1)[0]:<8}", style="dim")
    line.append(f" {event_type:<26}", style=render.style_of_type(event_type))
    line.append(f" {event.get('subject', '-')}", style="bold")
    line.append(f"  {summarise(event_type, data or {})}")
    return line


async def follow_topics(
    *,
    bootstrap_servers: str,
    names: TopicNames,
    logical_topics: list[str],
    keep: EventFilter,
    from_beginning: bool,
    max_events: int | None,
    seconds: float | None,
    as_json: bool,
) -> int:
    """Print matching events until `max_events` or `seconds`; returns how many were shown."""
    shown = 0
    async with group_less_consumer(bootstrap_servers) as consumer:
        physical = [names.physical(t) for t in logical_topics]
        partitions = await partitions_of(consumer, physical)
        await assign_at(consumer, partitions, from_beginning=from_beginning)
        where = "the beginning" if from_beginning else "now"
        render.err.print(
            f"following {', '.join(logical_topics)} from {where} (Ctrl-C to stop)", soft_wrap=True
        )
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while max_events is None or shown < max_events:
            wait = 0.5 if deadline is None else min(0.5, deadline - loop.time())
            if wait <= 0:
                break
            batches = await consumer.getmany(timeout_ms=int(wait * 1000))
            # Each partition's records are in order; across them, print by broker timestamp.
            records = sorted(
                (r for batch in batches.values() for r in batch), key=lambda r: r.timestamp
            )
            for record in records:
                event = event_of(record)
                if not keep.keeps(event):
                    continue
                topic = names.logical(record.topic)
                if as_json:
                    render.print_json_line({"topic": topic, **event})
                else:
                    render.print_line(event_line(topic, event))
                shown += 1
                if max_events is not None and shown >= max_events:
                    break
    return shown


def follow(
    topic: Annotated[
        list[str] | None,
        typer.Option(help="tickets, routing, sla, notify or a full topic name; repeatable."),
    ] = None,
    event_type: Annotated[
        list[str] | None,
        typer.Option("--type", help="Event type or pattern (e.g. 'sla.*'); repeatable."),
    ] = None,
    ticket: Annotated[
        list[str] | None, typer.Option(help="Only this ticket's events; repeatable.")
    ] = None,
    from_beginning: Annotated[
        bool, typer.Option(help="Start at the oldest retained event, not at the end.")
    ] = False,
    max_events: Annotated[
        int | None, typer.Option("--max", min=1, help="Stop after this many events.")
    ] = None,
    seconds: Annotated[float | None, typer.Option(min=0.1, help="Stop after this long.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One CloudEvent JSON per event.")] = False,
) -> None:
    """Follow the event topics (all four by default), without a consumer group or commits."""
    settings = load_settings()
    logical = [resolve_topic(t) for t in topic] if topic else list(ALL_TOPICS)
    keep = EventFilter(types=tuple(event_type or ()), tickets=tuple(ticket or ()))
    try:
        shown = asyncio.run(
            follow_topics(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                names=TopicNames(settings.topic_prefix),
                logical_topics=logical,
                keep=keep,
                from_beginning=from_beginning,
                max_events=max_events,
                seconds=seconds,
                as_json=as_json,
            )
        )
    except KeyboardInterrupt:
        return
    render.err.print(f"{shown} event(s)")
