"""`ticketflow dlq list|replay`: the `<topic>.dlq.<service>` topics and putting messages back."""

import asyncio
from dataclasses import dataclass
from typing import Annotated

import typer
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.text import Text

from ticketflow_cli import render
from ticketflow_cli.dead_letters import (
    DeadLetterView,
    dead_letter_topics,
    is_dead_letter_topic,
    replay_headers,
    view_of,
)
from ticketflow_cli.event_summary import short
from ticketflow_cli.failures import CommandFailed, ExitCode
from ticketflow_cli.kafka_reading import (
    Record,
    existing_topics,
    group_less_consumer,
    partitions_of,
    producer_for_replay,
    read_one,
    read_to_current_end,
    resolve_topic,
)
from ticketflow_cli.settings import CliSettings, load_settings
from ticketflow_common.topics import TopicNames

app = typer.Typer(
    help="Dead letters: list them with why they failed, replay them to their topic.",
    no_args_is_help=True,
)


def as_view(record: Record, names: TopicNames) -> DeadLetterView:
    return view_of(
        dlq_topic=names.logical(record.topic),
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=record.timestamp,
        key=record.key,
        value=record.value,
        headers=list(record.headers),
    )


def print_dead_letter(view: DeadLetterView) -> None:
    title = Text(f"{view.dlq_topic} {view.partition}/{view.offset}", style="bold")
    title.append(f"  {short(view.parked_at.isoformat())}", style="dim")
    title.append(f"  {view.event_type or '(not a CloudEvent)'}", style="red")
    title.append(f"  {view.subject or view.key or '-'}")
    render.print_line(title)
    render.print_fields({"event id": view.event_id, "bytes": view.value_size, **view.why})


async def list_dead_letters(
    settings: CliSettings, topics: list[str], *, limit: int
) -> list[DeadLetterView]:
    names = TopicNames(settings.topic_prefix)
    async with group_less_consumer(settings.kafka_bootstrap_servers) as consumer:
        present = await existing_topics(consumer)
        wanted = [names.physical(t) for t in topics]
        if len(topics) == 1 and wanted[0] not in present:
            raise CommandFailed(f"no such topic: {wanted[0]}", code=ExitCode.NOT_FOUND)
        partitions = await partitions_of(consumer, [t for t in wanted if t in present])
        records = await read_to_current_end(consumer, partitions)
    views = sorted((as_view(r, names) for r in records), key=lambda v: v.parked_at)
    return views[-limit:]


@app.command("list")
def list_command(
    topic: Annotated[
        list[str] | None,
        typer.Option(
            help="A DLQ topic, or a source topic (tickets, sla...) for all of its DLQs; "
            "repeatable. Default: every DLQ topic."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show the newest this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every dead letter, oldest first, with its `dlq-*` headers (why, where from, attempts)."""
    settings = load_settings()
    chosen = [resolve_topic(t) for t in topic] if topic else [None]
    dlqs = list(dict.fromkeys(t for c in chosen for t in dead_letter_topics(of=c)))
    if not dlqs:
        raise CommandFailed(f"no dead-letter topics for {', '.join(topic or [])}")
    views = asyncio.run(list_dead_letters(settings, dlqs, limit=limit))
    if as_json:
        render.print_json([v.as_json() for v in views])
        return
    for view in views:
        print_dead_letter(view)
    render.err.print(f"{len(views)} dead letter(s) in {len(dlqs)} topic(s)")


@dataclass(frozen=True)
class Replayed:
    source: DeadLetterView
    topic: str
    partition: int
    offset: int


async def replay_record(
    *,
    producer: AIOKafkaProducer,
    consumer: AIOKafkaConsumer,
    names: TopicNames,
    record: Record,
) -> Replayed:
    view = as_view(record, names)
    if view.delivery_id:
        raise CommandFailed(
            f"{view.dlq_topic} {view.partition}/{view.offset} is webhook delivery "
            f"{view.delivery_id} that notify gave up on; notify has already consumed the event, "
            f"so send it again with `ticketflow deliveries replay {view.delivery_id}`"
        )
    target = names.physical(view.original_topic)
    if target not in await existing_topics(consumer):
        raise CommandFailed(f"its original topic {target} does not exist", code=ExitCode.NOT_FOUND)
    partitions: set[int] = await producer.partitions_for(target)
    partition = view.original_partition if view.original_partition in partitions else None
    sent = await producer.send_and_wait(
        target,
        value=record.value,
        key=record.key,
        partition=partition,
        headers=replay_headers(
            list(record.headers),
            dlq_topic=view.dlq_topic,
            partition=view.partition,
            offset=view.offset,
            value=record.value,
        ),
    )
    return Replayed(view, view.original_topic, sent.partition, sent.offset)


async def replay_dead_letters(
    settings: CliSettings, dlq: str, *, partition: int | None, offset: int | None
) -> tuple[list[Replayed], list[str]]:
    """Replay one message (partition and offset) or all of a DLQ topic; returns what was sent
    and, for `--all`, why some were skipped."""
    names = TopicNames(settings.topic_prefix)
    physical = names.physical(dlq)
    async with (
        group_less_consumer(settings.kafka_bootstrap_servers) as consumer,
        producer_for_replay(settings.kafka_bootstrap_servers) as producer,
    ):
        partitions = await partitions_of(consumer, [physical])
        if partition is not None and offset is not None:
            if partition not in {tp.partition for tp in partitions}:
                raise CommandFailed(
                    f"{dlq} has partitions 0..{len(partitions) - 1}, not {partition}",
                    code=ExitCode.NOT_FOUND,
                )
            record = await read_one(consumer, TopicPartition(physical, partition), offset)
            done = await replay_record(
                producer=producer, consumer=consumer, names=names, record=record
            )
            return [done], []
        records = await read_to_current_end(consumer, partitions)
        replayed: list[Replayed] = []
        skipped: list[str] = []
        for record in records:
            try:
                replayed.append(
                    await replay_record(
                        producer=producer, consumer=consumer, names=names, record=record
                    )
                )
            except CommandFailed as refused:
                skipped.append(refused.message)
        return replayed, skipped


@app.command("replay")
def replay_command(
    topic: Annotated[str, typer.Argument(help="The DLQ topic, e.g. tickets.events.v1.dlq.sla.")],
    partition: Annotated[int | None, typer.Argument(min=0, help="Partition in the DLQ.")] = None,
    offset: Annotated[int | None, typer.Argument(min=0, help="Offset in the DLQ.")] = None,
    replay_all: Annotated[
        bool, typer.Option("--all", help="Replay every message of the DLQ topic.")
    ] = False,
) -> None:
    """Publish a dead letter again to its original topic (idempotent producer).

    Safe to repeat: consumers skip an event id they have processed, so only the services that
    failed on it act on it. The message stays in the DLQ (Kafka topics are append-only).
    """
    dlq = resolve_topic(topic)
    if not is_dead_letter_topic(dlq):
        raise CommandFailed(
            f"{topic} is not a dead-letter topic (<topic>.dlq.<service>); "
            "see `ticketflow dlq list`",
            code=ExitCode.CONFIGURATION,
        )
    coordinates = (partition, offset)
    if replay_all != (coordinates == (None, None)) or (not replay_all and None in coordinates):
        raise CommandFailed(
            "give either PARTITION and OFFSET, or --all", code=ExitCode.CONFIGURATION
        )
    settings = load_settings()
    replayed, skipped = asyncio.run(
        replay_dead_letters(settings, dlq, partition=partition, offset=offset)
    )
    for done in replayed:
        line = Text(
            f"replayed {done.source.dlq_topic} {done.source.partition}/{done.source.offset}"
        )
        line.append(f" -> {done.topic} {done.partition}/{done.offset}", style="green")
        line.append(f"  {done.source.event_type or '-'} {done.source.subject or ''}")
        render.print_line(line)
    for why in skipped:
        render.err.print(f"skipped: {why}", soft_wrap=True)
    render.err.print(f"{len(replayed)} replayed, {len(skipped)} skipped")
