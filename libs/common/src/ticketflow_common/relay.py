"""Publishes committed outbox rows to Kafka, then deletes them, in one database transaction."""

import asyncio
import logging

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from opentelemetry.context import Context

from ticketflow_common.clock import system_clock
from ticketflow_common.cloudevents_kafka import structured
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.messaging_spans import SEND, message_attributes, placed_attributes, span_name
from ticketflow_common.metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISHED
from ticketflow_common.outbox import payload_bytes
from ticketflow_common.topics import TopicNames
from ticketflow_common.tracing import carrier_to_kafka, links_to
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import listening
from ticketflow_common.work_loop import run_work_loop

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


class OutboxRelay:
    """One active relay per schema at a time (advisory lock), so per-key order is kept."""

    def __init__(
        self,
        *,
        service: str,
        schema: str,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        topics: TopicNames,
        batch_size: int = 500,
        idle_poll_seconds: float = 1.0,
    ) -> None:
        self.service = service
        self.schema = schema
        self.pool = pool
        self.producer = producer
        self.topics = topics
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self._wakeup = asyncio.Event()

    async def publish_batch(self) -> int:
        """Publish up to one batch; a crash before commit leaves the rows to be sent again.

        The rows are taken (deleted, under the schema's advisory lock) in one statement and
        published before the commit: a failed send rolls the delete back."""
        async with self.pool.acquire() as conn, conn.transaction():
            taken = await conn.fetch(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                " WHERE (SELECT pg_try_advisory_xact_lock(hashtext($1))) ORDER BY id LIMIT $2)"
                " RETURNING id, event_id, topic, key, event_type, payload, headers",
                f"outbox-relay:{self.schema}",
                self.batch_size,
            )
            if not taken:  # none there, or another replica's relay holds the lock
                return 0
            rows = sorted(taken, key=lambda r: r["id"])
            await self._send(rows)
            for row in rows:
                after_commit(conn, OUTBOX_PUBLISHED.labels(self.service, row["topic"]).inc)
            # A batch short of full took every row there was: counting the rest (a scan of the
            # table) is only worth it when a backlog may remain.
            full = len(rows) >= self.batch_size
            backlog = await conn.fetchval("SELECT count(*) FROM outbox") if full else 0
            OUTBOX_BACKLOG.labels(self.service).set(backlog)
            return len(rows)

    async def _send(self, rows: list[asyncpg.Record]) -> None:
        """Send the rows and wait for the broker's acknowledgements. Each record carries the
        trace context stored with its row (where the event was made); its `send` span is a
        trace of its own linked to that context, since the relay may run long after."""
        spans: list[trace.Span] = []
        try:
            sends = []
            for row in rows:
                topic = self.topics.physical(row["topic"])
                spans.append(self._send_span(row, topic))
                sends.append(
                    await self.producer.send(
                        topic,
                        value=payload_bytes(row["payload"]),
                        key=row["key"].encode(),
                        headers=structured(carrier_to_kafka(row["headers"])),
                    )
                )
            for span, placed in zip(spans, await asyncio.gather(*sends), strict=True):
                span.set_attributes(
                    placed_attributes(partition=placed.partition, offset=placed.offset)
                )
        except BaseException as exc:
            for span in spans:
                span.record_exception(exc)
                span.set_status(trace.StatusCode.ERROR, type(exc).__name__)
            raise
        finally:
            for span in spans:
                span.end()

    def _send_span(self, row: asyncpg.Record, topic: str) -> trace.Span:
        return tracer.start_span(
            span_name(SEND, topic),
            context=Context(),
            kind=trace.SpanKind.PRODUCER,
            links=links_to(row["headers"]),
            attributes=message_attributes(
                operation=SEND,
                topic=topic,
                event_id=str(row["event_id"]),
                event_type=row["event_type"],
                key=row["key"].encode(),
            ),
        )

    async def _final_flush(self) -> None:
        try:
            await self.publish_batch()
        except TRANSIENT_ERRORS as exc:
            log.warning(
                "outbox not flushed at shutdown; rows stay for the next start",
                extra={"error": str(exc)},
            )

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop`, woken by LISTEN/NOTIFY and polling as a fallback."""
        async with listening(self.pool, f"{self.schema}_outbox", self._wakeup.set):
            await run_work_loop(
                name="outbox relay",
                work=self.publish_batch,
                batch_size=self.batch_size,
                max_idle_seconds=self.idle_poll_seconds,
                stop=stop,
                clock=system_clock,
                wakeup=self._wakeup,
            )
        await self._final_flush()
