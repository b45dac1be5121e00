"""Dead letters as operators see them, and the message that replays one. Pure.

Consumers park a message on `<topic>.dlq.<service>` with the original key, value and headers
plus `dlq-*` headers (see `ticketflow_common.consumer.DeadLetter`); notify parks exhausted
webhook deliveries there too, with `dlq-delivery-id` and `dlq-target`.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ticketflow_common.cloudevents_kafka import copied
from ticketflow_common.topics import all_topic_names

DLQ_HEADER_PREFIX = "dlq-"
REPLAYED_FROM_HEADER = "ticketflow-replayed-from"


def is_dead_letter_topic(logical_topic: str) -> bool:
    return ".dlq." in logical_topic


def dead_letter_topics(*, of: str | None = None) -> list[str]:
    """The DLQ topics the system defines: all, those of one source topic, or the one named."""
    dlqs = [t for t in all_topic_names() if is_dead_letter_topic(t)]
    if of is None:
        return dlqs
    if is_dead_letter_topic(of):
        return [of]
    return [t for t in dlqs if t.startswith(f"{of}.dlq.")]


def source_topic_of(dlq_topic: str) -> str:
    """`tickets.events.v1.dlq.routing` -> `tickets.events.v1`."""
    return dlq_topic.split(".dlq.", 1)[0]


def decoded(headers: Sequence[tuple[str, bytes | None]]) -> dict[str, str]:
    return {k: (v or b"").decode(errors="replace") for k, v in headers}


@dataclass(frozen=True)
class DeadLetterView:
    """One parked message: where it sits, what it was and why it failed."""

    dlq_topic: str
    partition: int
    offset: int
    parked_at: datetime
    key: str | None
    event_id: str | None
    event_type: str | None
    subject: str | None
    value_size: int
    why: dict[str, str]

    @property
    def original_topic(self) -> str:
        return self.why.get("dlq-original-topic") or source_topic_of(self.dlq_topic)

    @property
    def original_partition(self) -> int | None:
        raw = self.why.get("dlq-original-partition", "")
        return int(raw) if raw.isdigit() else None

    @property
    def delivery_id(self) -> str | None:
        """Set when notify parked an exhausted webhook delivery, not a failed consumption."""
        return self.why.get("dlq-delivery-id")

    def as_json(self) -> dict[str, Any]:
        return {
            "dlq_topic": self.dlq_topic,
            "partition": self.partition,
            "offset": self.offset,
            "parked_at": self.parked_at.isoformat(),
            "key": self.key,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "subject": self.subject,
            "value_size": self.value_size,
            "original_topic": self.original_topic,
            "headers": self.why,
        }


def view_of(
    *,
    dlq_topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes | None]],
) -> DeadLetterView:
    """Read what can be read; a message that is not a CloudEvent shows as such, not an error."""
    envelope: Any = None
    try:
        envelope = json.loads(value or b"")
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict):
        envelope = {}
    text = {k: v for k, v in decoded(headers).items() if k.startswith(DLQ_HEADER_PREFIX)}
    return DeadLetterView(
        dlq_topic=dlq_topic,
        partition=partition,
        offset=offset,
        parked_at=datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC),
        key=key.decode(errors="replace") if key is not None else None,
        event_id=_text(envelope.get("id")),
        event_type=_text(envelope.get("type")),
        subject=_text(envelope.get("subject")),
        value_size=len(value or b""),
        why=text,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def replay_headers(
    headers: Sequence[tuple[str, bytes | None]],
    *,
    dlq_topic: str,
    partition: int,
    offset: int,
    value: bytes | None = None,
) -> list[tuple[str, bytes]]:
    """The original headers (traceparent...) without the `dlq-*` ones, plus where it came from,
    and the structured CloudEvents `content-type` when the value is a CloudEvent."""
    kept = [
        (k, v or b"")
        for k, v in headers
        if not k.startswith(DLQ_HEADER_PREFIX) and k != REPLAYED_FROM_HEADER
    ]
    return copied(
        [*kept, (REPLAYED_FROM_HEADER, f"{dlq_topic}/{partition}/{offset}".encode())], value
    )
