"""Idempotent event consumer: effect and processed-event record commit together; poison to DLQ."""

import asyncio
import contextlib
import logging
import time
import traceback
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from opentelemetry import trace
from pydantic import ValidationError

from ticketflow_common.clock import system_clock
from ticketflow_common.cloudevents_kafka import copied
from ticketflow_common.consumer_lag import LagGauge, run_lag_reading
from ticketflow_common.consumer_offsets import PendingOffsets
from ticketflow_common.envelope import Envelope, EventData
from ticketflow_common.events import EVENT_MODELS
from ticketflow_common.inbox import Handler, ParsedEvent, apply_once, apply_together
from ticketflow_common.kafka import new_consumer, start_when_reachable
from ticketflow_common.messaging_spans import (
    PROCESS,
    SEND,
    consumed_attributes,
    destination_attributes,
    placed_attributes,
    span_name,
)
from ticketflow_common.metrics import (
    DEAD_LETTERS,
    EVENT_HANDLE_SECONDS,
    EVENTS_CONSUMED,
    HANDLER_RETRIES,
)
from ticketflow_common.topics import TopicNames, dlq_topic
from ticketflow_common.tracing import carrier_from_kafka, context_from_carrier
from ticketflow_common.transient import TRANSIENT_ERRORS

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass(frozen=True)
class DeadLetter:
    """Why a message could not be processed, as it travels in the DLQ message's headers."""

    topic: str
    partition: int
    offset: int
    consumer: str
    error_type: str
    error: str
    attempts: int

    def headers(self, original: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
        fields = {
            "dlq-original-topic": self.topic,
            "dlq-original-partition": str(self.partition),
            "dlq-original-offset": str(self.offset),
            "dlq-consumer": self.consumer,
            "dlq-error-type": self.error_type,
            "dlq-error": self.error[:4000],
            "dlq-attempts": str(self.attempts),
            "dlq-failed-at": datetime.now(UTC).isoformat(),
        }
        return [*original, *((k, v.encode()) for k, v in fields.items())]

    def record_headers(
        self, original: list[tuple[str, bytes]], value: bytes | None
    ) -> list[tuple[str, bytes]]:
        """The DLQ record's headers: structured CloudEvents when the value is one."""
        return copied(self.headers(original), value)


def retry_delay(attempt: int, *, base: float = 0.2, cap: float = 5.0) -> float:
    """Exponential backoff between handler attempts: 0.2 s, 0.4 s, 0.8 s ... at most `cap`."""
    return float(min(cap, base * 2 ** (attempt - 1)))


class EventConsumer:
    """One consumer group per service; handlers keyed by event type, typed payloads."""

    def __init__(
        self,
        *,
        service: str,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        bootstrap_servers: str,
        topics: list[str],
        names: TopicNames,
        handlers: Mapping[str, Handler],
        group_id: str | None = None,
        max_attempts: int = 3,
        batch_size: int = 50,
        retry_base_seconds: float = 0.2,
        lag_interval_seconds: float = 10.0,
        fetch_max_wait_ms: int = 500,
    ) -> None:
        self.service = service
        self.pool = pool
        self.producer = producer
        self.bootstrap_servers = bootstrap_servers
        self.topics = topics
        self.names = names
        self.handlers = handlers
        self.group_id = group_id or names.physical(service)
        self.max_attempts = max_attempts
        self.batch_size = batch_size
        self.retry_base_seconds = retry_base_seconds
        self.lag_interval_seconds = lag_interval_seconds
        self.fetch_max_wait_ms = fetch_max_wait_ms
        self.lag = LagGauge(service=service, names=names)
        self.ready = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop`; offsets are committed only after their effects are stored, at
        most `consumer_offsets.COMMIT_INTERVAL_SECONDS` (1 s) later while busy, at the next
        empty fetch when not."""
        consumer = new_consumer(
            *(self.names.physical(t) for t in self.topics),
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.group_id,
            client_id=f"{self.service}-consumer",
            fetch_max_wait_ms=self.fetch_max_wait_ms,
        )
        if not await start_when_reachable(consumer, name=f"{self.service}-consumer", stop=stop):
            await consumer.stop()
            return
        # The lag is read from the broker on its own timer: it keeps rising while a handler is
        # stuck, when this loop commits nothing.
        lag_reading = asyncio.create_task(
            run_lag_reading(
                consumer=consumer,
                gauge=self.lag,
                interval_seconds=self.lag_interval_seconds,
                stop=stop,
                clock=system_clock,
            ),
            name=f"consumer-lag-{self.service}",
        )
        pending = PendingOffsets()
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=200, max_records=200)
                if consumer.assignment():
                    self.ready.set()
                if batches:
                    pending.add(
                        await self._apply_fetch(batches, consumer, stop), now=time.monotonic()
                    )
                if pending and (not batches or pending.due(now=time.monotonic())):
                    await pending.commit(consumer)
        finally:
            lag_reading.cancel()
            await asyncio.gather(lag_reading, return_exceptions=True)
            self.lag.keep_only(())
            with contextlib.suppress(*TRANSIENT_ERRORS):  # else redelivered, and skipped
                async with asyncio.timeout(5):
                    await pending.commit(consumer)
            await consumer.stop()

    async def _apply_fetch(
        self,
        batches: Mapping[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
        consumer: AIOKafkaConsumer,
        stop: asyncio.Event,
    ) -> dict[TopicPartition, int | None]:
        """Apply a fetch (together when small, else partition by partition); per partition the
        offset after the last event applied."""
        if await self._apply_fetch_together(batches, consumer):
            return {tp: rs[-1].offset + 1 for tp, rs in batches.items()}
        async with asyncio.TaskGroup() as group:
            applying = {
                tp: group.create_task(self._apply_partition(tp, records, consumer, stop))
                for tp, records in batches.items()
            }
        return {tp: task.result() for tp, task in applying.items()}

    async def _apply_fetch_together(
        self,
        batches: Mapping[TopicPartition, list[ConsumerRecord[bytes, bytes]]],
        consumer: AIOKafkaConsumer,
    ) -> bool:
        """A fetch of a few events over several partitions applied in one transaction, each
        partition's in order, and committed; False (nothing stored) leaves it to the partitions
        one by one. Across partitions nothing is ordered, so any order of them is as good."""
        records = [r for tp in sorted(batches) for r in batches[tp]]
        if len(batches) < 2 or len(records) > self.batch_size:
            return False
        return all(tp in consumer.assignment() for tp in batches) and await self._apply_chunk(
            records
        )

    async def _apply_partition(
        self,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
        consumer: AIOKafkaConsumer,
        stop: asyncio.Event,
    ) -> int | None:
        """Apply one partition's records in order; the offset after the last one applied.

        Partitions of a batch are applied concurrently, like replicas would. A rebalance may move
        the partition away mid-batch: the rest is left to its new owner, which redelivers from
        the last commit (the inbox makes that harmless).
        """
        next_offset = None
        for start in range(0, len(records), self.batch_size):
            chunk = records[start : start + self.batch_size]
            if tp not in consumer.assignment():
                break
            if len(chunk) > 1 and await self._apply_chunk(chunk):
                next_offset = chunk[-1].offset + 1
                continue
            for record in chunk:  # one at a time: retries and dead letters per event
                if tp not in consumer.assignment() or not await self.process(record, stop):
                    return next_offset
                next_offset = record.offset + 1
        return next_offset

    async def _apply_chunk(self, records: list[ConsumerRecord[bytes, bytes]]) -> bool:
        """Apply records in one transaction (`inbox.apply_together`); False, storing nothing,
        when one does not parse or a handler fails: the caller then goes one at a time."""
        parsed = []
        ignored = []
        for record in records:
            try:
                envelope = Envelope.from_bytes(record.value or b"")
                event = self._typed(record, envelope)
            except ValidationError:
                return False  # dead-lettered on the one-at-a-time path
            if event is None:
                ignored.append((record, envelope.type))
            else:
                parsed.append(event)
        try:
            applied = await apply_together(
                pool=self.pool,
                events=parsed,
                span_for=lambda e: self._process_span(e.record, e.envelope),
            )
        except Exception as exc:
            log.info("batch not applied, one event at a time", extra={"error": repr(exc)})
            return False
        for record, event_type in ignored:
            topic = self.names.logical(record.topic)
            EVENTS_CONSUMED.labels(self.service, topic, event_type, "ignored").inc()
        for done in applied:
            event_type = done.event.envelope.type
            if done.outcome == "processed":
                EVENT_HANDLE_SECONDS.labels(self.service, event_type).observe(done.seconds)
            topic = self.names.logical(done.event.record.topic)
            EVENTS_CONSUMED.labels(self.service, topic, event_type, done.outcome).inc()
        return True

    async def process(self, record: ConsumerRecord[bytes, bytes], stop: asyncio.Event) -> bool:
        """Apply one record; False only when stopping before its effect was stored."""
        topic = self.names.logical(record.topic)
        try:
            envelope = Envelope.from_bytes(record.value or b"")
        except ValidationError as exc:
            await self.dead_letter(record, exc, attempts=1)
            return True
        try:
            event = self._typed(record, envelope)
        except ValidationError as exc:
            await self.dead_letter(record, exc, attempts=1, event_type=envelope.type)
            return True
        if event is None:
            EVENTS_CONSUMED.labels(self.service, topic, envelope.type, "ignored").inc()
            return True

        with self._process_span(record, envelope):
            return await self._apply_with_retries(
                record, envelope, event.payload, event.handler, stop
            )

    def _typed(
        self, record: ConsumerRecord[bytes, bytes], envelope: Envelope
    ) -> ParsedEvent | None:
        """The record with its typed payload and handler; None when this service handles no
        such type. Raises ValidationError for a payload its model refuses."""
        handler, model = self.handlers.get(envelope.type), EVENT_MODELS.get(envelope.type)
        if handler is None or model is None:
            return None
        return ParsedEvent(record, envelope, envelope.payload(model), handler)

    def _process_span(
        self, record: ConsumerRecord[bytes, bytes], envelope: Envelope
    ) -> AbstractContextManager[trace.Span]:
        """The handler's span continues the sender's trace (the conventions let `process` be
        its child)."""
        return tracer.start_as_current_span(
            span_name(PROCESS, record.topic),
            context=context_from_carrier(carrier_from_kafka(record.headers)),
            kind=trace.SpanKind.CONSUMER,
            attributes=consumed_attributes(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                group=self.group_id,
                event_id=str(envelope.id),
                event_type=envelope.type,
                key=record.key,
            ),
        )

    async def _apply_with_retries(
        self,
        record: ConsumerRecord[bytes, bytes],
        envelope: Envelope,
        payload: EventData,
        handler: Handler,
        stop: asyncio.Event,
    ) -> bool:
        topic = self.names.logical(record.topic)
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                outcome = await self._apply_once(envelope, payload, handler)
            except TRANSIENT_ERRORS as exc:
                log.warning("infrastructure unavailable, retrying", extra={"error": str(exc)})
                attempt -= 1
                if stop.is_set():
                    return False
                await asyncio.sleep(retry_delay(3, base=self.retry_base_seconds))
                continue
            except Exception as exc:
                HANDLER_RETRIES.labels(self.service, envelope.type).inc()
                if attempt >= self.max_attempts:
                    await self.dead_letter(record, exc, attempts=attempt, event_type=envelope.type)
                    return True
                log.warning(
                    "handler failed, retrying",
                    extra={"event_id": str(envelope.id), "attempt": attempt, "error": repr(exc)},
                )
                await asyncio.sleep(retry_delay(attempt, base=self.retry_base_seconds))
                continue
            EVENT_HANDLE_SECONDS.labels(self.service, envelope.type).observe(
                time.perf_counter() - started
            )
            EVENTS_CONSUMED.labels(self.service, topic, envelope.type, outcome).inc()
            return True

    async def _apply_once(self, envelope: Envelope, payload: EventData, handler: Handler) -> str:
        return await apply_once(pool=self.pool, envelope=envelope, payload=payload, handler=handler)

    async def dead_letter(
        self,
        record: ConsumerRecord[bytes, bytes],
        exc: BaseException,
        *,
        attempts: int,
        event_type: str = "unparseable",
    ) -> None:
        """Park the message with its error on `<topic>.dlq.<service>` and move on."""
        topic = self.names.logical(record.topic)
        letter = DeadLetter(
            topic=topic,
            partition=record.partition,
            offset=record.offset,
            consumer=self.service,
            error_type=type(exc).__name__,
            error="".join(traceback.format_exception_only(exc)).strip(),
            attempts=attempts,
        )
        target = self.names.physical(dlq_topic(topic, self.service))
        with tracer.start_as_current_span(
            span_name(SEND, target),
            kind=trace.SpanKind.PRODUCER,
            attributes=destination_attributes(operation=SEND, topic=target),
        ) as span:
            placed = await self.producer.send_and_wait(
                target,
                value=record.value,
                key=record.key,
                headers=letter.record_headers(list(record.headers), record.value),
            )
            span.set_attributes(placed_attributes(partition=placed.partition, offset=placed.offset))
        DEAD_LETTERS.labels(self.service, topic).inc()
        EVENTS_CONSUMED.labels(self.service, topic, event_type, "dead_lettered").inc()
        log.error(
            "message dead-lettered",
            extra={"dlq_topic": target, "error_type": letter.error_type, "offset": record.offset},
        )
